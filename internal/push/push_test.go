package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

func pushOK(t *testing.T, p *Pusher, pl *plan.Plan) Result {
	t.Helper()
	res, err := p.Push(context.Background(), pl)
	if err != nil {
		t.Fatalf("Push %s: %v", pl.Payout.ID, err)
	}
	if res.Status != outcome.Reconciled {
		t.Fatalf("Push %s: %s, errors %v", pl.Payout.ID, res.Status, res.Errors)
	}
	return res
}

func TestPushEndToEnd(t *testing.T) {
	ctx := context.Background()
	fake := newFake(func(o *nsfake.Options) { o.Latency, o.Jitter = 2*time.Millisecond, 3*time.Millisecond })
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_1", charges: 40, customers: 7, refundN: 5})
	var mu sync.Mutex
	var last Progress
	calls := 0
	p := New(c, l, Options{Concurrency: 5, Progress: func(pr Progress) { mu.Lock(); last, calls = pr, calls+1; mu.Unlock() }})

	res := pushOK(t, p, pl)
	n := len(pl.Records)
	if res.Pushed != n || res.Skipped != 0 || res.Failed != 0 || res.DepositID == "" {
		t.Fatalf("result %+v, want %d pushed", res, n)
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
	if got := apiCalls(fake); got != n {
		t.Errorf("%d NetSuite calls for %d records", got, n)
	}
	if m := fake.MaxInFlight(); m > 5 {
		t.Errorf("%d requests in flight, limit 5", m)
	}
	if last.Done != n || last.Total != n || last.Pushed != n || calls < n {
		t.Errorf("last progress %+v after %d calls", last, calls)
	}

	// The ledger has every record with its internal ID and the body hash.
	rows, err := l.PayoutRecords(ctx, "po_1")
	if err != nil || len(rows) != n {
		t.Fatalf("ledger has %d rows (%v), want %d", len(rows), err, n)
	}
	for _, r := range rows {
		if r.Status != ledger.RecordDone || r.InternalID == "" || len(r.BodyHash) != 64 || r.Attempts != 1 {
			t.Errorf("ledger row %+v", r)
		}
	}
	ps, ok, err := l.Payout(ctx, "po_1")
	if err != nil || !ok || ps.Status != outcome.Reconciled || ps.DepositID != res.DepositID || ps.Amount != pl.Payout.Amount {
		t.Fatalf("payout row %+v %v %v", ps, ok, err)
	}

	// Again, from a freshly built plan: zero NetSuite calls.
	before := apiCalls(fake)
	res = pushOK(t, p, buildPlan(planSpec{payout: "po_1", charges: 40, customers: 7, refundN: 5}))
	if res.Skipped != n || res.Pushed != 0 || res.DepositID == "" {
		t.Fatalf("second push %+v", res)
	}
	if d := apiCalls(fake) - before; d != 0 {
		t.Fatalf("second push made %d NetSuite calls, want 0", d)
	}
}

// TestPushLedgerLost: with the ledger gone, pushing again adopts every
// record through its external ID instead of duplicating it.
func TestPushLedgerLost(t *testing.T) {
	fake := newFake(nil)
	c := newClient(t, serve(t, fake), 5)
	spec := planSpec{payout: "po_1", charges: 20, customers: 4, refundN: 3}
	pushOK(t, New(c, openLedger(t, ""), Options{}), buildPlan(spec))
	ids := map[string]string{}
	for _, typ := range []string{netsuite.TypeCustomer, netsuite.TypeInvoice, netsuite.TypeCustomerPayment, netsuite.TypeDeposit} {
		for _, r := range fake.Records(typ) {
			ids[r.ExternalID] = r.ID
		}
	}

	l2 := openLedger(t, "") // a new, empty ledger
	pl := buildPlan(spec)
	res := pushOK(t, New(c, l2, Options{}), pl)
	if res.Pushed != len(pl.Records) {
		t.Fatalf("result %+v", res)
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
	for _, r := range pl.Records {
		got, ok, _ := l2.InternalID(context.Background(), r.ExternalID)
		if want, seen := ids[r.ExternalID]; seen && (!ok || got != want) {
			t.Errorf("%s adopted as %q, was %q", r.ExternalID, got, want)
		}
	}
}

// TestPushFaults: 429s, 5xx and responses lost after the commit change
// nothing in the result.
func TestPushFaults(t *testing.T) {
	fake := newFake(func(o *nsfake.Options) {
		o.Rate429, o.Rate5xx, o.RateDrop, o.Seed = 0.15, 0.1, 0.1, 7
		o.Latency, o.Jitter = time.Millisecond, 2*time.Millisecond
	})
	c := newClient(t, serve(t, fake), 5)
	p := New(c, openLedger(t, ""), Options{Concurrency: 5})
	var plans []*plan.Plan
	for _, id := range []string{"po_1", "po_2", "po_3"} {
		pl := buildPlan(planSpec{payout: id, charges: 25, customers: 6, refundN: 4})
		pushOK(t, p, pl)
		plans = append(plans, pl)
	}
	checkNetSuite(t, fake, plans, 0)
	counts := fake.Counts()
	if counts["429"] == 0 || counts["5xx"] == 0 || counts["drop"] == 0 {
		t.Fatalf("faults not exercised: %v", counts)
	}
	t.Logf("fake counts: %v", counts)
}

// TestPushPermanentError: a record NetSuite refuses fails its payout with
// NetSuite's code and detail; nothing depending on it and not the deposit is
// sent, while other payouts go through. Once the cause is fixed the next
// Push completes.
func TestPushPermanentError(t *testing.T) {
	ctx := context.Background()
	fake := newFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	p := New(c, l, Options{Concurrency: 3})

	bad := buildPlan(planSpec{payout: "po_bad", charges: 6, customers: 2})
	// Invoice 1 names an item that does not exist in the account.
	inv := bad.Records[2+1].Body.(*netsuite.Invoice)
	inv.Item.Items[0].Item = netsuite.Ref{ID: "999"}
	res, err := p.Push(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != outcome.Failed || res.Failed != 1 || len(res.Errors) != 1 || res.DepositID != "" {
		t.Fatalf("result %+v", res)
	}
	e := res.Errors[0]
	if e.ExternalID != inv.ExternalID || e.Status != 400 || e.Code == "" || e.Detail == "" || !e.Permanent {
		t.Fatalf("record error %+v", e)
	}
	t.Logf("error: %v", e)
	// The payment applied to that invoice and the deposit are blocked.
	if res.Blocked != 2 || res.Pushed != len(bad.Records)-3 {
		t.Fatalf("blocked %d pushed %d: %+v", res.Blocked, res.Pushed, res)
	}
	for _, r := range fake.Records(netsuite.TypeCustomerPayment) {
		if r.ExternalID == eid("ch", "po_bad", 1) {
			t.Fatal("payment of the failed invoice was sent")
		}
	}
	if n := len(fake.Records(netsuite.TypeDeposit)); n != 0 {
		t.Fatalf("%d deposits sent for a failed payout", n)
	}
	ps, _, _ := l.Payout(ctx, "po_bad")
	var problems []outcome.Problem
	if err := json.Unmarshal(ps.Problems, &problems); err != nil || ps.Status != outcome.Failed ||
		len(problems) != 2 || problems[0].Code != e.Code || !strings.Contains(problems[0].Message, e.Detail) {
		t.Fatalf("payout row %+v (%v)", ps, err)
	}
	// The second problem counts, by type, the records the payout left in
	// NetSuite (ledger show lists each).
	if pw := problems[1]; pw.Code != outcome.CodePartlyWritten ||
		!strings.Contains(pw.Message, fmt.Sprintf("%d of its %d records exist (customer 2, invoice %d, customerPayment %d)", res.Pushed, len(bad.Records), res.Pushed-2-5, 5)) ||
		!strings.HasPrefix(pw.Fix, "fix what NetSuite refused") {
		t.Fatalf("partly written: %+v", pw)
	}
	if retry, _ := l.PayoutsToRetry(ctx); len(retry) != 1 || retry[0] != "po_bad" {
		t.Fatalf("PayoutsToRetry %v", retry)
	}
	row, _, _ := l.Record(ctx, inv.ExternalID)
	if row.Status != ledger.RecordFailed || !strings.Contains(row.LastError, e.Code) {
		t.Fatalf("failed record row %+v", row)
	}

	// Another payout is unaffected.
	good := buildPlan(planSpec{payout: "po_good", charges: 5})
	pushOK(t, p, good)

	// Fix the cause: the item now exists. Only what is missing is sent.
	fake.Preload("serviceSaleItem", "999", map[string]any{"itemId": "Late item"})
	before := apiCalls(fake)
	res = pushOK(t, p, bad)
	if res.Pushed != 3 || res.Skipped != len(bad.Records)-3 || apiCalls(fake)-before != 3 {
		t.Fatalf("retry %+v with %d calls", res, apiCalls(fake)-before)
	}
	checkNetSuite(t, fake, []*plan.Plan{bad, good}, 0)
	if retry, _ := l.PayoutsToRetry(ctx); len(retry) != 0 {
		t.Fatalf("PayoutsToRetry after the fix %v", retry)
	}
}

// TestPushEarlierPayout: records of an earlier payout are found through the
// ledger (no call), else by external ID in NetSuite, else the referencing
// records fail with MISSING_DEPENDENCY.
func TestPushEarlierPayout(t *testing.T) {
	ctx := context.Background()
	fake := newFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	p := New(c, l, Options{})
	first := buildPlan(planSpec{payout: "po_1", charges: 3})
	pushOK(t, p, first)
	prior := []string{eid("cus", "po_1", 0), eid("cus", "po_1", 2)}

	second := buildPlan(planSpec{payout: "po_2", charges: 4, priorCustomers: prior})
	before := apiCalls(fake)
	pushOK(t, p, second)
	if d := apiCalls(fake) - before; d != len(second.Records) {
		t.Errorf("%d calls for %d records: dependencies in the ledger should cost nothing", d, len(second.Records))
	}

	// Ledger lost: the customers are found in NetSuite by external ID, once.
	l2 := openLedger(t, "")
	third := buildPlan(planSpec{payout: "po_3", charges: 4, priorCustomers: prior})
	fake2Before := fake.Counts()
	pushOK(t, New(c, l2, Options{}), third)
	counts := fake.Counts()
	if d := counts["GET customer"] - fake2Before["GET customer"]; d != 2 {
		t.Errorf("%d customer lookups, want 2", d)
	}
	if _, ok, _ := l2.InternalID(ctx, prior[0]); !ok {
		t.Error("a dependency found in NetSuite was not remembered in the ledger")
	}

	// Never made anywhere: the records that reference it fail, clearly.
	fourth := buildPlan(planSpec{payout: "po_4", charges: 2, priorCustomers: []string{"stripe_cus_nowhere"}})
	res, err := New(c, l2, Options{}).Push(ctx, fourth)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != outcome.Failed || res.Failed != 2 || res.Errors[0].Code != CodeMissingDependency {
		t.Fatalf("result %+v", res)
	}
	t.Logf("error: %v", res.Errors[0])
	checkNetSuite(t, fake, []*plan.Plan{first, second, third}, 0)
}

// TestPushCancel: cancelling stops dispatching, in-flight requests settle,
// the ledger stays consistent, and the next Push finishes the payout.
func TestPushCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := newFake(func(o *nsfake.Options) { o.Latency = 10 * time.Millisecond })
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_1", charges: 60, customers: 5})
	p := New(c, l, Options{Progress: func(pr Progress) {
		if pr.Pushed == 20 {
			cancel()
		}
	}})
	res, err := p.Push(ctx, pl)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Push after cancel: %v", err)
	}
	if res.Status != outcome.Failed || res.Pushed < 20 || res.Pushed >= len(pl.Records)-1 {
		t.Fatalf("result %+v", res)
	}
	// Everything NetSuite confirmed is in the ledger as done; nothing is
	// left pending, because in-flight requests had their grace period.
	rows, _ := l.PayoutRecords(context.Background(), "po_1")
	done := 0
	for _, r := range rows {
		switch r.Status {
		case ledger.RecordDone:
			done++
		case ledger.RecordPending:
			t.Errorf("record %s left pending", r.ExternalID)
		}
	}
	if done != res.Pushed {
		t.Errorf("ledger has %d done, result says %d pushed", done, res.Pushed)
	}
	ps, _, _ := l.Payout(context.Background(), "po_1")
	if ps.Status != outcome.Failed || !strings.Contains(string(ps.Problems), CodeInterrupted) {
		t.Errorf("payout row %+v", ps)
	}
	// The PARTLY_WRITTEN problem says interrupted, N of M, counts by type
	// (the full list is ledger show's), and blames no refusal.
	pw, ok := res.PartlyWritten()
	want := fmt.Sprintf("payout po_1 was interrupted after writing %d of %d records (customer ", res.Pushed, len(pl.Records))
	if !ok || !strings.HasPrefix(pw.Message, want) || strings.Contains(pw.Message, "stripe_") ||
		!strings.HasPrefix(pw.Fix, "run again to finish") || strings.Contains(pw.Fix, "refused") || !strings.Contains(pw.Fix, "ledger show po_1") {
		t.Errorf("partly written after an interrupt: %+v", pw)
	}

	res = pushOK(t, New(c, l, Options{}), pl)
	if res.Skipped != done {
		t.Errorf("resumed push skipped %d, want %d", res.Skipped, done)
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
}

// TestPushHeld: a held plan sends nothing and records why.
func TestPushHeld(t *testing.T) {
	fake := newFake(nil)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_1", charges: 2})
	pl.Problems = []outcome.Problem{{Code: outcome.CodeSumMismatch, Object: "po_1", Message: "off by 1"}}
	res, err := New(newClient(t, serve(t, fake), 5), l, Options{}).Push(context.Background(), pl)
	if err != nil || res.Status != outcome.Held || apiCalls(fake) != 0 {
		t.Fatalf("%+v %v, %d calls", res, err, apiCalls(fake))
	}
	ps, _, _ := l.Payout(context.Background(), "po_1")
	if ps.Status != outcome.Held || !strings.Contains(string(ps.Problems), outcome.CodeSumMismatch) {
		t.Fatalf("payout row %+v", ps)
	}
}

func TestPushRejectsBadPlans(t *testing.T) {
	p := New(nil, openLedger(t, ""), Options{})
	dup := buildPlan(planSpec{payout: "po_1", charges: 2})
	dup.Records = append(dup.Records[:1], dup.Records...)
	noDeposit := buildPlan(planSpec{payout: "po_2", charges: 2})
	noDeposit.Records = noDeposit.Records[:len(noDeposit.Records)-1]
	for name, pl := range map[string]*plan.Plan{"duplicate": dup, "no deposit": noDeposit} {
		if _, err := p.Push(context.Background(), pl); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestPushCycle: a plan whose dependencies loop fails those records rather
// than hanging.
func TestPushCycle(t *testing.T) {
	fake := newFake(nil)
	pl := buildPlan(planSpec{payout: "po_1", charges: 1})
	pl.Records[0].Deps = []string{pl.Records[1].ExternalID} // customer ↔ invoice
	res, err := New(newClient(t, serve(t, fake), 5), openLedger(t, ""), Options{}).Push(context.Background(), pl)
	if err != nil || res.Status != outcome.Failed || res.Errors[0].Code != CodeDependencyCycle {
		t.Fatalf("%+v %v", res, err)
	}
}

// The ledger's done IDs are what the planner takes as known records.
var _ plan.Known = ledger.IDs{}

// TestPushCancelledBeforeStart sends nothing.
func TestPushCancelledBeforeStart(t *testing.T) {
	fake := newFake(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(newClient(t, serve(t, fake), 5), openLedger(t, ""), Options{}).Push(ctx, buildPlan(planSpec{payout: "po_1", charges: 3}))
	if !errors.Is(err, context.Canceled) || apiCalls(fake) != 0 {
		t.Fatalf("%v, %d calls", err, apiCalls(fake))
	}
}

// cancelingWriter answers every upsert as if the request's own context had
// been cancelled, while the run's context is still live: the moment a
// request ends just before ctx reports it.
type cancelingWriter struct{ Writer }

func (cancelingWriter) Upsert(context.Context, string, string, any) (string, error) {
	return "", fmt.Errorf("netsuite: put: %w", context.Canceled)
}

// A request abandoned by cancellation is unknown, not refused: its record
// stays pending (the next run's upsert settles it), never failed.
func TestAbandonedRequestStaysPending(t *testing.T) {
	fake := newFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_1", charges: 2})
	_, err := New(cancelingWriter{c}, l, Options{}).Push(context.Background(), pl)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Push: %v, want the cancellation", err)
	}
	rows, _ := l.PayoutRecords(context.Background(), "po_1")
	if len(rows) == 0 {
		t.Fatal("nothing in the ledger")
	}
	for _, r := range rows {
		if r.Status == ledger.RecordFailed {
			t.Errorf("record %s marked failed after an abandoned request: %s", r.ExternalID, r.LastError)
		}
	}
}

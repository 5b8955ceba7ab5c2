package push

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

func batchOpts() Options {
	return Options{Concurrency: 5, Batch: BatchOptions{Size: 25, Poll: time.Millisecond}}
}

func asyncFake(fo func(*nsfake.Options)) *nsfake.Server {
	return newFake(func(o *nsfake.Options) {
		o.Latency, o.AsyncProcessors, o.AsyncRecordCost = time.Millisecond, 3, 200*time.Microsecond
		if fo != nil {
			fo(o)
		}
	})
}

// With batches on, a payout is reconciled with the same records as one by
// one, in a fraction of the writes: each type goes in async batches of at
// most batch_size, and only the deposit (alone) goes on its own.
func TestPushBatches(t *testing.T) {
	ctx := context.Background()
	fake := asyncFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_b", charges: 60, customers: 60, refundN: 6})
	res := pushOK(t, New(c, l, batchOpts()), pl)
	if res.Pushed != len(pl.Records) {
		t.Fatalf("pushed %d of %d", res.Pushed, len(pl.Records))
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
	counts := fake.Counts()
	// 60 customers, invoices and payments: 3 batches of 25/25/10 each.
	// Each customer batch makes its refunds' credit memos ready together:
	// 5, 4 and 1 of them, so two batches and one single request (fewer
	// than BatchOptions.Min); the same for the refunds. The deposit alone.
	for typ, want := range map[string]int{"PUT customer": 3, "PUT invoice": 3, "PUT customerPayment": 3,
		"PUT creditMemo": 3, "PUT customerRefund": 3, "PUT deposit": 1} {
		if counts[typ] != want {
			t.Errorf("%s: %d requests, want %d (counts %v)", typ, counts[typ], want, counts)
		}
	}
	rows, err := l.PayoutRecords(ctx, "po_b")
	if err != nil || len(rows) != len(pl.Records) {
		t.Fatalf("%d ledger rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if r.Status != ledger.RecordDone || r.InternalID == "" || r.BodyHash == "" {
			t.Errorf("ledger row %+v", r)
		}
	}
	if open, _ := l.OpenBatches(ctx, "po_b"); len(open) != 0 {
		t.Errorf("open batch jobs after the push: %+v", open)
	}
	if m := fake.MaxInFlight(); m > 5 {
		t.Errorf("%d requests in flight, limit 5", m)
	}
	// A second run sends nothing.
	before := apiCalls(fake)
	if res := pushOK(t, New(c, l, batchOpts()), pl); res.Skipped != len(pl.Records) || apiCalls(fake) != before {
		t.Errorf("re-run: %+v, %d calls", res, apiCalls(fake)-before)
	}
}

// A record NetSuite refuses inside a batch fails the payout as a refused
// single request does: the others of its batch are done, its dependents
// blocked, the deposit not sent; the next run sends only what is missing.
func TestPushBatchRecordRefused(t *testing.T) {
	fake := asyncFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_r", charges: 20, customers: 20, standalone: true})
	bad := eid("cus", "po_r", 3)
	fake.RefuseWrites(bad, "This customer is locked by a workflow.")
	res, err := New(c, l, batchOpts()).Push(context.Background(), pl)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != outcome.Failed || res.Failed != 1 || len(res.Errors) != 1 || res.Errors[0].ExternalID != bad ||
		res.Errors[0].Code != "USER_ERROR" || !res.Errors[0].Permanent || !strings.Contains(res.Errors[0].Detail, "workflow") {
		t.Fatalf("result %+v", res)
	}
	if res.Blocked != 2 { // its payment and the deposit
		t.Errorf("blocked %d, want 2", res.Blocked)
	}
	if row, _, _ := l.Record(context.Background(), bad); row.Status != ledger.RecordFailed || !strings.Contains(row.LastError, "workflow") {
		t.Errorf("ledger row of the refused record: %+v", row)
	}
	fake.AllowWrites()
	res = pushOK(t, New(c, l, batchOpts()), pl)
	if res.Pushed != 3 { // the customer, its payment, the deposit
		t.Errorf("second run pushed %d, want 3", res.Pushed)
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
}

// A run killed after submitting a batch left its idempotency key (and,
// once accepted, the job) in the ledger: the next run follows that job and
// does not submit the records again.
func TestPushFollowsSubmittedBatch(t *testing.T) {
	for _, accepted := range []bool{true, false} {
		fake := asyncFake(nil)
		c := newClient(t, serve(t, fake), 5)
		l := openLedger(t, "")
		ctx := context.Background()
		pl := buildPlan(planSpec{payout: "po_k", charges: 12, customers: 12, standalone: true})
		var items []netsuite.BatchItem
		job := ledger.BatchJob{Key: netsuite.NewIdempotencyKey(), Type: netsuite.TypeCustomer, PayoutID: "po_k"}
		for _, r := range pl.Records {
			if r.Type == netsuite.TypeCustomer {
				body, _ := json.Marshal(r.Body)
				items = append(items, netsuite.BatchItem{ExternalID: r.ExternalID, Body: json.RawMessage(body)})
				job.ExternalIDs = append(job.ExternalIDs, r.ExternalID)
				if err := l.MarkPending(ctx, ledger.Record{ExternalID: r.ExternalID, Type: r.Type, PayoutID: "po_k"}, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		// What the killed run did: store the key, submit, maybe record the job.
		if err := l.StartBatch(ctx, job); err != nil {
			t.Fatal(err)
		}
		loc, err := c.SubmitBatch(ctx, job.Type, job.Key, items)
		if err != nil {
			t.Fatal(err)
		}
		if accepted {
			if err := l.BatchAccepted(ctx, job.Key, loc); err != nil {
				t.Fatal(err)
			}
		}
		submits := fake.Counts()["PUT customer"]

		pushOK(t, New(c, l, batchOpts()), pl)
		checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
		resent := fake.Counts()["PUT customer"] - submits
		// Accepted: followed without a request; not known to be accepted:
		// sent again under the same key, which NetSuite refuses as a
		// duplicate naming the job, and followed.
		if want := map[bool]int{true: 0, false: 1}[accepted]; resent != want {
			t.Errorf("accepted=%v: %d customer batch requests after the kill, want %d", accepted, resent, want)
		}
		if open, _ := l.OpenBatches(ctx, "po_k"); len(open) != 0 {
			t.Errorf("accepted=%v: open batch jobs left: %+v", accepted, open)
		}
	}
}

// Lookups and types with few ready records go one by one.
func TestBatchSmallGroupsGoSingly(t *testing.T) {
	fake := asyncFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	pl := buildPlan(planSpec{payout: "po_s", charges: 2, customers: 2, standalone: true})
	pushOK(t, New(c, l, batchOpts()), pl)
	if n := fake.Counts()["GET asyncjob"]; n != 0 {
		t.Errorf("%d job polls for a payout of 5 records", n)
	}
	checkNetSuite(t, fake, []*plan.Plan{pl}, 0)
}

var _ BatchWriter = (*netsuite.Client)(nil)

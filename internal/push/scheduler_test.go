package push

import (
	"log/slog"
	"slices"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// The scheduler is tested alone: no ledger, no NetSuite, the test plays
// the executor.

func ref(ext string) netsuite.Ref { return netsuite.Ref{ExternalID: ext} }

func customerRec(ext string) plan.Record {
	return plan.Record{Type: netsuite.TypeCustomer, ExternalID: ext, Body: &netsuite.Customer{ExternalID: ext}}
}

func invoiceRec(ext, cust string) plan.Record {
	return plan.Record{Type: netsuite.TypeInvoice, ExternalID: ext, Body: &netsuite.Invoice{ExternalID: ext, Entity: ref(cust)}}
}

func paymentRec(ext, cust, inv string) plan.Record {
	p := &netsuite.CustomerPayment{ExternalID: ext, Customer: ref(cust)}
	if inv != "" {
		p.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: ref(inv)}}}
	}
	return plan.Record{Type: netsuite.TypeCustomerPayment, ExternalID: ext, Body: p}
}

func depositRec(ext string, pays ...string) plan.Record {
	d := &netsuite.Deposit{ExternalID: ext}
	for _, p := range pays {
		d.Payment.Items = append(d.Payment.Items, netsuite.DepositPayment{Doc: ref(p)})
	}
	return plan.Record{Type: netsuite.TypeDeposit, ExternalID: ext, Body: d}
}

func testScheduler(t *testing.T, recs ...plan.Record) *scheduler {
	t.Helper()
	s, err := newScheduler(&plan.Plan{Payout: payout.Payout{ID: "po_1"}, Records: recs}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func exts(ts []*Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ExternalID)
	}
	return out
}

// step offers up to room tasks, takes them all and checks which.
func step(t *testing.T, s *scheduler, room int, want ...string) []*Task {
	t.Helper()
	got := s.offer(room)
	s.take(got, len(got))
	if !slices.Equal(exts(got), want) {
		t.Fatalf("offered %v, want %v", exts(got), want)
	}
	return got
}

func succeed(s *scheduler, ts ...*Task) {
	for _, t := range ts {
		s.settle(Outcome{Task: t, ID: "id_" + t.ExternalID})
	}
}

func TestSchedulerDependencyOrder(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), customerRec("c2"), invoiceRec("i1", "c1"),
		paymentRec("p1", "c1", "i1"), paymentRec("p2", "c2", ""), depositRec("d1", "p1", "p2"))
	s.start()
	succeed(s, step(t, s, 10, "c1", "c2")...)
	succeed(s, step(t, s, 10, "i1", "p2")...)
	succeed(s, step(t, s, 10, "p1")...)
	d := step(t, s, 10, "d1")
	if got := d[0].Record.Body.(*netsuite.Deposit).Payment.Items[1].Doc.ID; got != "id_p2" {
		t.Errorf("deposit reference resolved to %q, want id_p2", got)
	}
	succeed(s, d...)
	var res Result
	s.result(&res)
	if res.Status != outcome.Reconciled || res.DepositID != "id_d1" || res.Pushed != 6 {
		t.Errorf("result %+v", res)
	}
}

func TestSchedulerRoomAndPrefix(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), customerRec("c2"), customerRec("c3"), depositRec("d1"))
	s.start()
	// A batch executor may take only a prefix; the rest is offered again,
	// in the same order.
	offered := s.offer(2)
	if !slices.Equal(exts(offered), []string{"c1", "c2"}) {
		t.Fatalf("offered %v", exts(offered))
	}
	s.take(offered, 1)
	step(t, s, 10, "c2", "c3")
}

func TestSchedulerLookupsGoFirst(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), invoiceRec("i1", "c_old"), depositRec("d1"))
	s.start()
	got := step(t, s, 10, "c_old", "c1")
	want := []string{netsuite.TypeCustomer, netsuite.TypeServiceSaleItem, netsuite.TypeDiscountItem,
		netsuite.TypeInvoice, netsuite.TypeCustomerPayment, netsuite.TypeCreditMemo, netsuite.TypeCustomerRefund, netsuite.TypeDeposit}
	if got[0].Record != nil || !slices.Equal(got[0].Types, want) {
		t.Errorf("lookup types %v, want %v", got[0].Types, want)
	}
}

func TestSchedulerFailureBlocksDependents(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), customerRec("c2"), invoiceRec("i1", "c1"),
		paymentRec("p1", "c1", "i1"), paymentRec("p2", "c2", ""), depositRec("d1", "p1", "p2"))
	s.start()
	succeed(s, step(t, s, 10, "c1", "c2")...)
	ts := step(t, s, 10, "i1", "p2")
	s.settle(Outcome{Task: ts[0], Err: &RecordError{Code: "INVALID_KEY_OR_REF", Status: 400, Permanent: true}})
	succeed(s, ts[1])
	step(t, s, 10)
	var res Result
	s.result(&res)
	if res.Status != outcome.Failed || res.Pushed != 3 || res.Failed != 1 || res.Blocked != 2 ||
		len(res.Errors) != 1 || res.Errors[0].ExternalID != "i1" || res.Errors[0].Type != netsuite.TypeInvoice {
		t.Errorf("result %+v", res)
	}
}

func TestSchedulerMissingLookupFailsItsDependents(t *testing.T) {
	s := testScheduler(t, invoiceRec("i1", "c_gone"), depositRec("d1"))
	s.start()
	lk := step(t, s, 10, "c_gone")
	s.settle(Outcome{Task: lk[0], Err: &RecordError{Code: CodeMissingDependency, Permanent: true}})
	var res Result
	s.result(&res)
	if res.Failed != 1 || res.Blocked != 1 || res.Errors[0].ExternalID != "i1" || res.Errors[0].Code != CodeMissingDependency {
		t.Errorf("result %+v", res)
	}
}

func TestSchedulerLedgerDoneIsSkipped(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), invoiceRec("i1", "c1"), depositRec("d1"))
	s.markDone("c1", "42")
	s.start()
	got := step(t, s, 10, "i1")
	if id := got[0].Record.Body.(*netsuite.Invoice).Entity.ID; id != "42" {
		t.Errorf("entity resolved to %q, want the ledger's 42", id)
	}
	if s.skipped != 1 {
		t.Errorf("skipped %d", s.skipped)
	}
}

func TestSchedulerAbandonedTaskIsNotOffered(t *testing.T) {
	s := testScheduler(t, customerRec("c1"), depositRec("d1"))
	s.start()
	ts := step(t, s, 10, "c1")
	s.abandon(ts[0])
	step(t, s, 10)
	var res Result
	s.result(&res)
	if res.Status != outcome.Failed || res.Pushed+res.Failed+res.Blocked != 0 {
		t.Errorf("result %+v", res)
	}
}

func TestSchedulerCycle(t *testing.T) {
	a, b := customerRec("a"), customerRec("b")
	a.Deps, b.Deps = []string{"b"}, []string{"a"}
	s := testScheduler(t, a, b, depositRec("d1"))
	s.start()
	step(t, s, 10)
	s.failCycles()
	var res Result
	s.result(&res)
	if res.Failed+res.Blocked != 3 || res.Failed == 0 || res.Errors[0].Code != CodeDependencyCycle {
		t.Errorf("result %+v", res)
	}
}

func TestSchedulerRejectsBadPlans(t *testing.T) {
	for name, recs := range map[string][]plan.Record{
		"no deposit": {customerRec("c1")},
		"twice":      {customerRec("c1"), customerRec("c1"), depositRec("d1")},
		"no ext id":  {customerRec(""), depositRec("d1")},
	} {
		if _, err := newScheduler(&plan.Plan{Payout: payout.Payout{ID: "po_1"}, Records: recs}, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

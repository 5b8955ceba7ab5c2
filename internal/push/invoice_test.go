package push

import (
	"context"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

func invoicePlan(qty int64) *plan.Plan {
	created := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	inv := &payout.Invoice{ID: "in_1", Customer: "cus_1", Currency: "usd", Status: "open", BillingReason: "manual",
		Created: created, Subtotal: 1000 * qty, Total: 1000 * qty,
		Lines: []payout.InvoiceLine{{ID: "il_1", Amount: 1000 * qty, Quantity: qty, Price: payout.Price{ID: "price_1", ProductName: "Seat"}}}}
	cust := &payout.Customer{ID: "cus_1", Name: "Ada", Email: "ada@example.com"}
	return plan.BuildInvoice(inv, cust, plan.Settings{ItemIncome: acctFees, DiscountAcct: acctFees}, nil)
}

func TestPushInvoicePlan(t *testing.T) {
	ctx := context.Background()
	fake := newFake(nil)
	c := newClient(t, serve(t, fake), 5)
	l := openLedger(t, "")
	p := New(c, l, Options{})

	res, err := p.Push(ctx, invoicePlan(2))
	if err != nil || res.Status != outcome.Synced || res.Pushed != 3 {
		t.Fatalf("first push: %+v, %v", res, err)
	}
	if _, ok, _ := l.Payout(ctx, ""); ok {
		t.Error("an invoice plan wrote a payout row")
	}
	// Again, unchanged: nothing is sent.
	before := c.Stats().Requests
	res, err = p.Push(ctx, invoicePlan(2))
	if err != nil || res.Status != outcome.Synced || res.Skipped != 3 || c.Stats().Requests != before {
		t.Fatalf("unchanged push: %+v, %v, %d requests", res, err, c.Stats().Requests-before)
	}
	// The invoice changed in Stripe: only the invoice is sent again, and
	// NetSuite updates the same record.
	id, _, _ := l.InternalID(ctx, "stripe_in_1")
	res, err = p.Push(ctx, invoicePlan(3))
	if err != nil || res.Status != outcome.Synced || res.Pushed != 1 || res.Skipped != 2 {
		t.Fatalf("changed push: %+v, %v", res, err)
	}
	invs := fake.Records(netsuite.TypeInvoice)
	if len(invs) != 1 || invs[0].ID != id {
		t.Fatalf("NetSuite invoices %+v, want the one record %s", invs, id)
	}
	if n := fake.Counts()["PUT customer"]; n != 1 {
		t.Errorf("customer sent %d times, want 1", n)
	}
	// A held invoice plan writes nothing.
	held := invoicePlan(2)
	held.Problems = []outcome.Problem{{Code: outcome.CodeMissingField}}
	if res, err := p.Push(ctx, held); err != nil || res.Status != outcome.Held {
		t.Errorf("held: %+v, %v", res, err)
	}
}

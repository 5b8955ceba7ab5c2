package payout

import (
	"context"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

// The credit notes of an invoice that has any are read with their lines,
// discounts and tax, once per invoice and run; a refund issued through a
// credit note is linked to it; invoices without credit notes cost no
// request.
func TestSnapshotCreditNotes(t *testing.T) {
	f := newFixture(t, loadScenario(t, "credit_notes"), 0, testKey)
	ctx := context.Background()
	pos := paidPayouts(t, f.reader)
	if len(pos) != 2 {
		t.Fatalf("%d payouts", len(pos))
	}
	first, err := f.reader.Snapshot(ctx, pos[0])
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, cn := range first.CreditNotes {
		types[cn.Type]++
		inv := first.Invoices[cn.Invoice]
		if inv == nil || !inv.HasCreditNotes() {
			t.Fatalf("%s: invoice %q not in the snapshot or without credit notes", cn.ID, cn.Invoice)
		}
		var sum int64
		for _, l := range cn.Lines {
			if l.InvoiceLine == "" || l.Quantity == 0 {
				t.Errorf("%s line %s: invoice line %q quantity %d", cn.ID, l.ID, l.InvoiceLine, l.Quantity)
			}
			sum += l.Amount
		}
		for _, d := range cn.Discounts {
			if d.Name == "" {
				t.Errorf("%s: discount %s not expanded to its coupon", cn.ID, d.ID)
			}
			sum -= d.Amount
		}
		if sum+cn.Tax+cn.Shipping != cn.Total {
			t.Errorf("%s: lines − discounts + tax = %d, total %d", cn.ID, sum+cn.Tax, cn.Total)
		}
	}
	if types["pre_payment"] != 1 || types["post_payment"] != 2 {
		t.Fatalf("credit notes by type %v; want 1 pre-payment and 2 post-payment (one refunded later)", types)
	}
	if n := f.srv.Counts()["GET /v1/credit_notes"]; n != 3 {
		t.Errorf("%d credit note lists for 3 invoices with credit notes", n)
	}
	second, err := f.reader.Snapshot(ctx, pos[1])
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, rf := range second.Refunds {
		for _, cn := range second.CreditNotes {
			if cn.Refund == rf.ID {
				linked++
			}
		}
	}
	if linked != 1 {
		t.Errorf("%d refunds linked to their credit note, want 1", linked)
	}
	if n := f.srv.Counts()["GET /v1/credit_notes"]; n != 3 {
		t.Errorf("credit notes listed again for the second payout: %d lists", n)
	}
}

// A credit note with more lines than Stripe embeds is read whole, through
// its lines endpoint.
func TestCreditNoteLinesPaged(t *testing.T) {
	b := stripefake.NewBuilder(9, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	cus := b.Customer(stripefake.CustomerSpec{Name: "Many", Email: "many@example.com"})
	var lines []stripefake.LineSpec
	var credit []stripefake.CreditLineSpec
	for i := range 13 {
		lines = append(lines, stripefake.LineSpec{Amount: int64(1000 + i), Description: "item"})
		credit = append(credit, stripefake.CreditLineSpec{Line: i})
	}
	inv, _ := b.Invoice(stripefake.InvoiceSpec{Customer: cus, Lines: lines})
	b.CreditNote(inv, stripefake.CreditNoteSpec{Lines: credit, Refund: true})
	b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC)})
	f := newFixture(t, b.Scenario(), 0, testKey)
	snap, err := f.reader.Snapshot(context.Background(), paidPayouts(t, f.reader)[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.CreditNotes) != 1 {
		t.Fatalf("%d credit notes", len(snap.CreditNotes))
	}
	for _, cn := range snap.CreditNotes {
		if len(cn.Lines) != 13 {
			t.Errorf("%d lines, want 13", len(cn.Lines))
		}
	}
	if n := f.srv.Counts()["GET /v1/credit_notes/:id/lines"]; n != 1 {
		t.Errorf("%d requests for the remaining lines, want 1", n)
	}
}

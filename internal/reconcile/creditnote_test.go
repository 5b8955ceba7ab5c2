package reconcile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// Credit notes, through the real Stripe client, the fake Stripe and the
// fake NetSuite (which refuses applying more than is open): the invoice
// with a pre-payment credit note ends settled by payment plus credit
// memo; the refund issued through a credit note applies a credit memo
// with the credit note's lines (the invoice's items, quantities, the
// discount and tax), not a line of the generic refund item; the credit
// note credited to the customer balance is a memo with its lines less the
// balance part. Nothing is left open.
func TestCreditNotesBooked(t *testing.T) {
	w := newWorld(t, "credit_notes")
	path := filepath.Join(t.TempDir(), "l.db")
	for i, d := range w.days {
		if got := statuses(w.run(path, d, d)); got != "reconciled" {
			t.Fatalf("day %d: %s", i+1, got)
		}
	}
	w.checkBooks(2)
	var exts []string
	for _, typ := range []string{netsuite.TypeInvoice, netsuite.TypeCreditMemo} {
		for _, r := range w.env.NetSuite.Records(typ) {
			exts = append(exts, r.ExternalID)
		}
	}
	found, err := w.ns.LookUp(context.Background(), netsuite.TableTransaction, nil, exts)
	if err != nil || len(found) != 6 {
		t.Fatalf("found %d of %v, %v", len(found), exts, err)
	}
	for _, f := range found {
		if f.Open != "0" {
			t.Errorf("%s has %s open", f.ExternalID, f.Open)
		}
	}
	items := map[string]string{} // NetSuite internal ID → external ID
	for _, typ := range []string{netsuite.TypeServiceSaleItem, netsuite.TypeDiscountItem} {
		for _, r := range w.env.NetSuite.Records(typ) {
			items[r.ID] = r.ExternalID
		}
	}
	refundItem := w.cfg.Items.Refund
	all := map[string]int{}
	for _, r := range w.env.NetSuite.Records(netsuite.TypeCreditMemo) {
		if !strings.HasPrefix(r.ExternalID, "stripe_cn_") {
			t.Errorf("credit memo %s is not a credit note's", r.ExternalID)
		}
		lines, _ := r.Fields["item"].(map[string]any)["items"].([]any)
		kinds := map[string]int{}
		for _, l := range lines {
			id, _ := l.(map[string]any)["item"].(map[string]any)["id"].(string)
			switch ext := items[id]; {
			case id == refundItem:
				t.Errorf("credit memo %s has a line of the generic refund item", r.ExternalID)
			case strings.HasPrefix(ext, "stripe_price_"):
				kinds["price"]++
			case strings.HasPrefix(ext, "stripe_co_"):
				kinds["discount"]++
			case id == w.cfg.Items.Tax:
				kinds["tax"]++
			case id == w.cfg.Items.CustomerBalance:
				kinds["balance"]++
			}
		}
		if kinds["price"] == 0 {
			t.Errorf("credit memo %s has no line of the invoice's items: %v", r.ExternalID, lines)
		}
		for k, n := range kinds {
			all[k] += n
		}
	}
	// The refunded one has the coupon and tax, the pre-payment one tax,
	// the one credited to the balance the balance line.
	if all["discount"] != 1 || all["tax"] != 2 || all["balance"] != 1 {
		t.Errorf("credit memo lines by kind %v; want 1 discount, 2 tax, 1 customer balance", all)
	}
	refunds := w.env.NetSuite.Records(netsuite.TypeCustomerRefund)
	if len(refunds) != 1 {
		t.Fatalf("%d customer refunds, want 1", len(refunds))
	}
}

// The refund of a credit note paid out a day after its invoice, run with
// a fresh ledger: the invoice's items and the invoice are found in
// NetSuite by external ID, and nothing is made twice.
func TestCreditNoteRefundAfterLedgerLost(t *testing.T) {
	w := newWorld(t, "credit_notes")
	dir := t.TempDir()
	if got := statuses(w.run(filepath.Join(dir, "first.db"), w.days[0], w.days[0])); got != "reconciled" {
		t.Fatalf("day 1: %s", got)
	}
	if got := statuses(w.run(filepath.Join(dir, "fresh.db"), w.days[1], w.days[1])); got != "reconciled" {
		t.Fatalf("day 2 with a fresh ledger: %s", got)
	}
	w.checkBooks(2)
	if n := len(w.env.NetSuite.Records(netsuite.TypeCreditMemo)); n != 3 {
		t.Errorf("%d credit memos, want 3 (one per credit note)", n)
	}
}

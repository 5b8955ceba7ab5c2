package plan

import (
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// cnSnap is a payout with the fuzz test's credit notes: invoice in_3 with
// a pre-payment credit note and one credited to the balance, paid by
// ch_3, and invoice in_c1 paid by ch_c1 and partly refunded through a
// credit note (qty 2, refunded 18.50 of its 19.50).
func cnSnap(t *testing.T, preListed byte) (*payout.Snapshot, Settings) {
	t.Helper()
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	creditNotes(b, "usd", &byteReader{data: []byte{preListed}})
	b.s.Charges["ch_3"] = &payout.Charge{ID: "ch_3", Amount: 7000, Currency: "usd", Customer: "cus_1", Invoice: "in_3"}
	b.bt("charge", "charge", "ch_3", 7000, 200)
	refundThroughCreditNote(b, "usd", 1, &byteReader{data: []byte{1, 1}})
	s := settings()
	s.BalanceItem = "450"
	return b.finish(), s
}

func recordOf[T netsuite.Body](t *testing.T, p *Plan, ext string) T {
	t.Helper()
	for _, r := range p.Records {
		if r.ExternalID == ext {
			return r.Body.(T)
		}
	}
	t.Fatalf("no record %s in the plan", ext)
	var zero T
	return zero
}

func TestCreditNotesPlanned(t *testing.T) {
	snap, s := cnSnap(t, 2)
	p := Build(snap, s, nil)
	if p.Held() {
		t.Fatalf("held: %+v", p.Problems)
	}
	pay := recordOf[*netsuite.CustomerPayment](t, p, "stripe_ch_3")
	pre := recordOf[*netsuite.CreditMemo](t, p, "stripe_cn_pre")
	if got := pay.Apply.Items[0].Amount.Minor + pre.Apply.Items[0].Amount.Minor; got != 9000 || pre.Apply.Items[0].Doc.ExternalID != "stripe_in_3" {
		t.Errorf("payment + pre-payment memo settle %d of in_3's 9000 (memo applies to %s)", got, pre.Apply.Items[0].Doc.ExternalID)
	}
	bal := recordOf[*netsuite.CreditMemo](t, p, "stripe_cn_bal")
	if bal.Item.Total() != 0 || bal.Apply != nil || bal.Item.Items[0].Item.ID != s.RefundItem || bal.Item.Items[1].Item.ID != "450" {
		t.Errorf("memo of the credit note credited to the balance: %+v", bal.Item.Items)
	}
	cm := recordOf[*netsuite.CreditMemo](t, p, "stripe_cn_c1")
	want := []struct {
		item   string
		qty    int64
		amount int64
	}{{"stripe_price_4", 2, 2000}, {"stripe_co_1", 0, -100}, {s.TaxItem, 1, 50}, {"450", 1, -100}}
	if len(cm.Item.Items) != len(want) {
		t.Fatalf("credit note memo lines %+v", cm.Item.Items)
	}
	for i, w := range want {
		l := cm.Item.Items[i]
		if got := l.Item.ExternalID + l.Item.ID; got != w.item || l.Quantity != w.qty || l.Amount.Minor != w.amount {
			t.Errorf("line %d: %s ×%d %d; want %s ×%d %d", i, got, l.Quantity, l.Amount.Minor, w.item, w.qty, w.amount)
		}
	}
	ref := recordOf[*netsuite.CustomerRefund](t, p, "stripe_re_c1")
	if a := ref.Apply.Items[0]; a.Doc.ExternalID != "stripe_cn_c1" || a.Amount.Minor != 1850 || cm.Item.Total() != 1850 {
		t.Errorf("refund applies %d to %s; memo totals %d", a.Amount.Minor, a.Doc.ExternalID, cm.Item.Total())
	}
}

// A pre-payment credit note Stripe did not list, or whose lines do not add
// up, holds the payout rather than leaving the invoice partly open.
func TestCreditNotesHeld(t *testing.T) {
	for _, pre := range []byte{0, 1} {
		snap, s := cnSnap(t, pre)
		p := Build(snap, s, nil)
		if !p.Held() || p.Problems[0].Code != outcome.CodeInvoiceMismatch {
			t.Errorf("pre-payment case %d: %+v", pre, p.Problems)
		}
	}
}

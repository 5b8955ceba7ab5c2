package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// open is a Known that also knows what is open in NetSuite.
type openKnown struct {
	KnownSet
	open map[string]string
}

func (k openKnown) OpenAmount(id string) (string, bool) { v, ok := k.open[id]; return v, ok }

// overRefund: a 100.00 charge partly refunded (30.00), then disputed in
// full (100.00): the dispute takes back 30.00 more than its payment has open.
func overRefund(invoice bool) *payout.Snapshot {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	inv := ""
	if invoice {
		inv = "in_1"
		b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Customer: "cus_1", Currency: "usd", Total: 10000, AmountDue: 10000, AmountPaid: 10000,
			Lines: []payout.InvoiceLine{{Amount: 10000, Quantity: 1, Price: payout.Price{ID: "price_1"}}}}
	}
	b.charge("ch_0", "cus_1", "", 20000, 610) // keeps the payout positive
	b.charge("ch_1", "cus_1", inv, 10000, 320)
	b.refund("re_1", "ch_1", 3000)
	b.s.Disputes["dp_1"] = &payout.Dispute{ID: "dp_1", Amount: 10000, Currency: "usd", Charge: "ch_1"}
	b.bt("dispute", "adjustment", "dp_1", -10000, 1500, payout.FeeDetail{Amount: 1500, Currency: "usd", Type: "stripe_fee"})
	return b.finish()
}

func TestOverRefundHeldByDefault(t *testing.T) {
	for _, invoice := range []bool{false, true} {
		p := Build(overRefund(invoice), settings(), nil)
		if !slices.Equal(codes(p), []string{outcome.CodeOverRefund}) || !strings.Contains(p.Problems[0].Message, "only 70.00 is still open") ||
			!strings.Contains(p.Problems[0].Fix, "rules.over_refund: deposit_line") {
			t.Fatalf("invoice %v: problems %+v", invoice, p.Problems)
		}
	}
}

func TestOverRefundDepositLine(t *testing.T) {
	s := settings()
	s.OverRefundRule, s.OverRefundAcct = "deposit_line", "910"
	for _, invoice := range []bool{false, true} {
		p := Build(overRefund(invoice), s, nil)
		mustReady(t, p)
		dp := rec(t, p, "stripe_dp_1").Body.(*netsuite.CustomerRefund)
		if dp.Total.Minor != 7000 || dp.Apply.Items[0].Amount.Minor != 7000 {
			t.Errorf("invoice %v: dispute refund %+v, want 70.00 applied", invoice, dp)
		}
		if invoice {
			cm := rec(t, p, "stripe_cm_dp_1").Body.(*netsuite.CreditMemo)
			if cm.Item.Total() != 7000 {
				t.Errorf("credit memo total %d, want 7000", cm.Item.Total())
			}
		}
		dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
		var beyond int64
		for _, c := range dep.CashBack.Items {
			if c.Account.ID == "910" {
				beyond += c.Amount.Minor
			}
		}
		if beyond != 3000 {
			t.Errorf("invoice %v: over-refund line %d, want 3000; cash back %+v", invoice, beyond, dep.CashBack.Items)
		}
	}
}

// Disputed in full in an earlier payout, then partly refunded: NetSuite
// says nothing is open on the payment, so the whole refund is a line.
func TestOverRefundAgainstEarlierPayment(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.charge("ch_new", "cus_1", "", 5000, 175)
	b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 3000, Currency: "usd", Customer: "cus_1"}
	b.refund("re_1", "ch_old", 1000)
	snap := b.finish()
	known := openKnown{KnownSet{"stripe_ch_old": true}, map[string]string{"stripe_ch_old": "0"}}
	if p := Build(snap, settings(), known); !slices.Equal(codes(p), []string{outcome.CodeOverRefund}) {
		t.Fatalf("problems %+v", p.Problems)
	}
	s := settings()
	s.OverRefundRule, s.OverRefundAcct = "deposit_line", "910"
	p := Build(snap, s, known)
	mustReady(t, p)
	if slices.Contains(extIDs(p), "stripe_re_1") {
		t.Errorf("a customer refund of nothing open was planned: %v", extIDs(p))
	}
	known.open["stripe_ch_old"] = "10.00"
	mustReady(t, Build(snap, settings(), known))
}

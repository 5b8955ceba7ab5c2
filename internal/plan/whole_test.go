package plan

import (
	"slices"
	"strings"
	"testing"
	"time"

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
	// An open amount NetSuite gives that cannot be read holds the payout:
	// it never falls back to the whole charge.
	known.open["stripe_ch_old"] = "ten"
	if p := Build(snap, settings(), known); !slices.Contains(codes(p), outcome.CodeNotOpen) {
		t.Errorf("unreadable open amount: problems %+v", p.Problems)
	}
}

// match_email: one NetSuite customer per email, compared trimmed and
// case-insensitively, within a payout and across payouts (the second
// payout finds the first's customer by its external ID).
func TestOneCustomerPerEmail(t *testing.T) {
	s := settings()
	s.CustomerMode = "match_email"
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "AP@Acme.test")
	b.customer("cus_2", "Acme (EU)", "  ap@acme.test ")
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.charge("ch_2", "cus_2", "", 2000, 88)
	p := Build(b.finish(), s, matcher{emails: map[string]string{}})
	mustReady(t, p)
	if n := p.Counts()[netsuite.TypeCustomer]; n != 1 {
		t.Fatalf("%d customers for one email: %v", n, extIDs(p))
	}
	c1 := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment).Customer
	c2 := rec(t, p, "stripe_ch_2").Body.(*netsuite.CustomerPayment).Customer
	if c1 != c2 || c1.ExternalID == "" {
		t.Errorf("payments name %+v and %+v", c1, c2)
	}
	if email := rec(t, p, c1.ExternalID).Body.(*netsuite.Customer).Email; email != "AP@Acme.test" {
		t.Errorf("customer email %q", email)
	}
	// The next payout: cus_3 shares the address; the first payout's
	// customer is known (ledger), so none is made.
	b = newSnap("usd")
	b.customer("cus_3", "Acme US", "ap@ACME.test")
	b.charge("ch_3", "cus_3", "", 1500, 74)
	p2 := Build(b.finish(), s, matcher{KnownSet: KnownSet{c1.ExternalID: true}, emails: map[string]string{}})
	mustReady(t, p2)
	if n := p2.Counts()[netsuite.TypeCustomer]; n != 0 || rec(t, p2, "stripe_ch_3").Body.(*netsuite.CustomerPayment).Customer != c1 {
		t.Errorf("second payout: %v", extIDs(p2))
	}
}

// Data Stripe should never send, held before planning with a reason:
// an invalid email, a payout without an arrival date, a charge without
// its source, malformed IDs, a netsuite_customer_id that is not an ID.
func TestStripeDataChecked(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(b *snap)
		code   string
	}{
		{"invalid email", func(b *snap) { b.customer("cus_1", "Acme", "ap at acme") }, outcome.CodeInvalidEmail},
		{"display-name email", func(b *snap) { b.customer("cus_1", "Acme", "Acme <ap@acme.test>") }, outcome.CodeInvalidEmail},
		{"no arrival date", func(b *snap) { b.s.Payout.ArrivalDate = time.Time{} }, outcome.CodeMalformed},
		{"malformed payout ID", func(b *snap) { b.s.Payout.ID = "po 1" }, outcome.CodeMalformed},
		{"charge without source", func(b *snap) { b.s.Transactions[0].Source = "" }, outcome.CodeMalformed},
		{"malformed source", func(b *snap) { b.s.Transactions[0].Source = "ch_1;DROP" }, outcome.CodeMalformed},
		{"malformed txn ID", func(b *snap) { b.s.Transactions[0].ID = "" }, outcome.CodeMalformed},
		{"customer ID not digits", func(b *snap) {
			b.s.Customers["cus_1"].Metadata = map[string]string{"netsuite_customer_id": "CUST-12"}
		}, outcome.CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newSnap("usd")
			b.customer("cus_1", "Acme", "ap@acme.test")
			b.charge("ch_1", "cus_1", "", 1000, 59)
			c.mutate(b)
			p := Build(b.finish(), settings(), nil)
			if !slices.Contains(codes(p), c.code) {
				t.Fatalf("problems %+v, want %s", p.Problems, c.code)
			}
			for _, pr := range p.Problems {
				if pr.Code == c.code && (pr.Fix == "" || pr.Object == "") {
					t.Errorf("problem without object or fix: %+v", pr)
				}
			}
		})
	}
}

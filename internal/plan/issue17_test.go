package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

func shippingInvoice(b *snap) {
	b.customer("cus_1", "Acme", "a@acme.test")
	b.s.Invoices["in_1"] = &payout.Invoice{
		ID: "in_1", Customer: "cus_1", Currency: "usd", Created: t0,
		Lines: []payout.InvoiceLine{{ID: "il_1", Amount: 5000, Quantity: 1, Price: payout.Price{ID: "price_a"}}},
		Tax:   413, Shipping: 1500, Subtotal: 5000, Total: 6913, AmountPaid: 6913, AmountDue: 6913,
	}
	b.charge("ch_1", "cus_1", "in_1", 6913, 230)
}

// Shipping is its own line to items.shipping, and lines − discounts + tax +
// shipping equal the total exactly.
func TestInvoiceShippingLine(t *testing.T) {
	b := newSnap("usd")
	shippingInvoice(b)
	s := settings()
	s.ShippingItem = "402"
	p := Build(b.finish(), s, nil)
	mustReady(t, p)
	inv := rec(t, p, "stripe_in_1").Body.(*netsuite.Invoice)
	if inv.Item.Total() != 6913 {
		t.Fatalf("invoice total %d, want 6913: %+v", inv.Item.Total(), inv.Item.Items)
	}
	i := slices.IndexFunc(inv.Item.Items, func(l netsuite.ItemLine) bool { return l.Item.ID == "402" })
	if i < 0 || inv.Item.Items[i].Amount.Minor != 1500 {
		t.Errorf("no shipping line of 15.00 to item 402: %+v", inv.Item.Items)
	}
}

func TestInvoiceShippingUnmappedHolds(t *testing.T) {
	b := newSnap("usd")
	shippingInvoice(b)
	p := Build(b.finish(), settings(), nil)
	if !slices.Equal(codes(p), []string{outcome.CodeMissingMapping}) || !strings.Contains(p.Problems[0].Message, string(KeyShippingItem)) {
		t.Fatalf("problems %+v, want a missing items.shipping", p.Problems)
	}
}

// An invoice a credit balance paid part of (issue 11; issue 17 held it)
// ends settled: the payment for the card part, a credit memo of
// items.customer_balance applied for the balance part. Without that
// mapping the payout is held naming it. A pre-payment credit note is
// still held.
func TestInvoicePaidPartlyByCreditBalance(t *testing.T) {
	mk := func(prePaymentCN int64) *payout.Snapshot {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.s.Invoices["in_1"] = &payout.Invoice{
			ID: "in_1", Customer: "cus_1", Currency: "usd", Created: t0,
			Lines:    []payout.InvoiceLine{{ID: "il_1", Amount: 5000, Quantity: 1, Price: payout.Price{ID: "price_a"}}},
			Subtotal: 5000, Total: 5000, StartingBalance: -2000, AmountDue: 3000 - prePaymentCN, AmountPaid: 3000 - prePaymentCN,
			PrePaymentCreditNotes: prePaymentCN,
		}
		b.charge("ch_1", "cus_1", "in_1", 3000-prePaymentCN, 117)
		return b.finish()
	}
	p := Build(mk(0), settings(), nil)
	if !slices.Equal(codes(p), []string{outcome.CodeMissingMapping}) || !strings.Contains(p.Problems[0].Message, string(KeyBalanceItem)) {
		t.Fatalf("problems %+v, want items.customer_balance missing", p.Problems)
	}
	s := settings()
	s.BalanceItem = "450"
	p = Build(mk(0), s, nil)
	mustReady(t, p)
	cm := rec(t, p, "stripe_balance_in_1").Body.(*netsuite.CreditMemo)
	pay := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment)
	if cm.Item.Total() != 2000 || cm.Item.Items[0].Item.ID != "450" || cm.Apply.Items[0].Doc.ExternalID != "stripe_in_1" || cm.Apply.Items[0].Amount.Minor != 2000 {
		t.Errorf("balance credit memo %+v", cm)
	}
	if pay.Apply.Items[0].Amount.Minor != 3000 {
		t.Errorf("payment applies %d, want 3000", pay.Apply.Items[0].Amount.Minor)
	}
	if got := extIDs(p); slices.Index(got, "stripe_in_1") > slices.Index(got, "stripe_balance_in_1") {
		t.Errorf("credit memo planned before its invoice: %v", got)
	}
	p = Build(mk(500), s, nil)
	if !slices.Equal(codes(p), []string{outcome.CodeInvoiceMismatch}) || !strings.Contains(p.Problems[0].Message, "credit notes before payment 5.00") {
		t.Fatalf("problems %+v, want the pre-payment credit note named", p.Problems)
	}
}

// A refund with charge null is never looked up as charge "": it follows
// rules.orphan_refund.
func TestRefundWithoutCharge(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.charge("ch_1", "cus_1", "", 5000, 175)
	b.refund("re_1", "", 2500)
	snap := b.finish()

	held := Build(snap, settings(), nil)
	if !slices.Equal(codes(held), []string{outcome.CodeUnresolvedRef}) || !strings.Contains(held.Problems[0].Message, "has no charge") {
		t.Fatalf("problems %+v, want the refund held as without a charge", held.Problems)
	}
	s := settings()
	s.OrphanRule, s.OrphanAccount = "deposit_line", "620"
	p := Build(snap, s, nil)
	mustReady(t, p)
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	i := slices.IndexFunc(dep.CashBack.Items, func(l netsuite.DepositCashBack) bool { return l.Account.ID == "620" })
	if i < 0 || dep.CashBack.Items[i].Amount.Minor != 2500 {
		t.Errorf("no 25.00 cash-back line to 620: %+v", dep.CashBack.Items)
	}
}

// A deleted customer's charge is booked to whoever its billing details
// name (a customer by email), or to the NetSuite customer an earlier
// payout made for it; without an email it is held.
func TestDeletedCustomer(t *testing.T) {
	build := func(email string, known Known) *Plan {
		b := newSnap("usd")
		b.s.Customers["cus_gone"] = &payout.Customer{ID: "cus_gone", Deleted: true}
		b.charge("ch_1", "cus_gone", "", 4200, 152)
		b.s.Charges["ch_1"].BillingName, b.s.Charges["ch_1"].BillingEmail = "Gone Fishing", email
		return Build(b.finish(), settings(), known)
	}
	p := build("ap@gone.test", nil)
	mustReady(t, p)
	ext := ExternalID("email_" + hashID("ap@gone.test"))
	c := rec(t, p, ext).Body.(*netsuite.Customer)
	if c.Email != "ap@gone.test" || c.CompanyName != "Gone Fishing" || !strings.Contains(c.Comments, "cus_gone") {
		t.Errorf("customer %+v", c)
	}
	if pay := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment); pay.Customer.ExternalID != ext {
		t.Errorf("payment customer %+v, want %s", pay.Customer, ext)
	}

	p = build("", KnownSet{"stripe_cus_gone": true})
	mustReady(t, p)
	if pay := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment); pay.Customer.ExternalID != "stripe_cus_gone" {
		t.Errorf("payment customer %+v, want the existing stripe_cus_gone", pay.Customer)
	}

	p = build("", nil)
	if !slices.Equal(codes(p), []string{outcome.CodeMissingField}) || !strings.Contains(p.Problems[0].Message, "deleted") {
		t.Fatalf("problems %+v, want a held deleted customer without email", p.Problems)
	}
}

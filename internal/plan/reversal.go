package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// reversed is what a refund or a dispute takes back from a charge.
type reversed struct {
	kind   string // "refund" or "dispute", as messages name it
	id     string // the refund or dispute
	ch     *payout.Charge
	ccy    string // the charge's currency (lower-case)
	amount int64  // in ccy, positive
	fee    Mapping
}

// reversal plans a refund or a dispute (funds withdrawn): for invoice charges
// a credit memo for the invoice and a customer refund of it, otherwise a
// customer refund of the customer payment.
func (b *builder) reversal(bt *payout.BalanceTransaction, row category.Row) {
	r, ok := b.reversedOf(bt, row)
	if !ok {
		return
	}
	if r.ch == nil {
		b.orphan(bt, r, "")
		return
	}
	payID := ExternalID(r.ch.ID)
	parentID := payID // the document the refund applies to
	if r.ch.Invoice != "" {
		parentID = ExternalID(r.ch.Invoice)
	}
	if !b.planned(parentID) && !b.known.Has(parentID) {
		b.orphan(bt, r, parentID)
		return
	}
	cust, ok := b.customer(r.ch, bt.ID)
	if !ok {
		return
	}
	apply, ok := b.applicable(bt, r)
	if !ok {
		return
	}
	b.open[r.ch.ID] -= apply
	if apply == 0 { // nothing open: all of it beyond (rules.over_refund)
		b.overRefundLine(bt, r, bt.Amount)
		b.fees(bt, r.id, r.fee)
		return
	}
	rest := r.amount - apply
	r.amount = apply
	refund := b.customerRefund(bt, r, cust)
	applyTo := payID
	if r.ch.Invoice != "" {
		if applyTo, ok = b.reversalMemo(bt, r, cust, rest); !ok {
			return
		}
	}
	refund.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
		Doc: netsuite.Ref{ExternalID: applyTo}, Apply: true,
		Amount: netsuite.Amount{Minor: r.amount, Currency: r.ccy},
	}}}
	b.add(Record{Type: netsuite.TypeCustomerRefund, ExternalID: refund.ExternalID, Source: r.id, Body: refund})
	if rest == 0 {
		b.depositPayment(bt, refund.ExternalID, -r.amount, r.ccy, r.id)
	} else {
		// What the deposit does not get from the refund is the part beyond.
		b.depositPart(bt, refund.ExternalID, -r.amount, r.ccy, func(diff int64) { b.overRefundLine(bt, r, diff) })
	}
	b.fees(bt, r.id, r.fee)
}

// reversedOf finds the refund or dispute of a balance transaction and its
// charge, and checks they can be booked.
func (b *builder) reversedOf(bt *payout.BalanceTransaction, row category.Row) (reversed, bool) {
	r := reversed{kind: "refund", fee: b.feeMapping(row)}
	var chargeID string
	if row.Booking == category.Dispute {
		r.kind = "dispute"
		dp := b.snap.Disputes[bt.Source]
		if dp == nil {
			b.problem(outcome.CodeMissingObject, bt.ID, "", "balance transaction %s: dispute %q was not returned by Stripe", bt.ID, bt.Source)
			return r, false
		}
		r.id, chargeID, r.amount = dp.ID, dp.Charge, dp.Amount
	} else {
		re := b.snap.Refunds[bt.Source]
		if re == nil {
			b.problem(outcome.CodeMissingObject, bt.ID, "", "balance transaction %s: refund %q was not returned by Stripe", bt.ID, bt.Source)
			return r, false
		}
		r.id, chargeID, r.amount = re.ID, re.Charge, re.Amount
		if chargeID == "" {
			// A refund without a charge (charge: null, e.g. of a cash
			// balance) reverses no payment: the orphan rule decides.
			return b.chargeless(bt, r, re)
		}
	}
	if r.ch = b.snap.Charges[chargeID]; r.ch == nil {
		b.problem(outcome.CodeMissingObject, bt.ID, "", "%s %s: its charge %q was not returned by Stripe", r.kind, r.id, chargeID)
		return r, false
	}
	r.ccy = strings.ToLower(r.ch.Currency)
	if !b.currencyMapped(r.ccy, bt.ID) {
		return r, false
	}
	if r.ccy == b.cur {
		r.amount = -bt.Amount
	}
	if r.amount <= 0 {
		b.problem(outcome.CodeBadAmount, bt.ID, "", "%s %s has amount %d; expected a positive amount", r.kind, r.id, r.amount)
		return r, false
	}
	return r, true
}

// chargeless checks a refund without a charge, which only a deposit line
// can book (in the payout currency: there is no charge to convert from).
func (b *builder) chargeless(bt *payout.BalanceTransaction, r reversed, re *payout.Refund) (reversed, bool) {
	r.ccy = strings.ToLower(re.Currency)
	if r.ccy == b.cur {
		r.amount = -bt.Amount
	}
	if r.amount <= 0 {
		b.problem(outcome.CodeBadAmount, bt.ID, "", "refund %s has amount %d; expected a positive amount", r.id, r.amount)
		return r, false
	}
	return r, true
}

// orphan handles a refund or dispute of a charge nsrecon never reconciled
// (paid out before its first run, or in a payout not yet reconciled): a
// deposit line when rules.orphan_refund says so, else a held payout.
// A refund without a charge (r.ch nil, parentID "") has no payment to
// reverse at all and takes the same rule.
func (b *builder) orphan(bt *payout.BalanceTransaction, r reversed, parentID string) {
	if r.ch == nil {
		b.noCharge(bt, r)
		return
	}
	if b.s.OrphanRule == "deposit_line" {
		b.line(bt.Amount, b.s.Mapping(KeyOrphanAccount), bt.ID,
			fmt.Sprintf("Stripe %s %s of charge %s (charge not in NetSuite)", r.kind, r.id, r.ch.ID))
		b.fees(bt, r.id, r.fee)
		return
	}
	b.problem(outcome.CodeUnresolvedRef, bt.ID,
		fmt.Sprintf("reconcile the payout that contains %s first, or set %s: deposit_line", r.ch.ID, KeyOrphanRule),
		"%s %s is for charge %s, which nsrecon has not reconciled: %s is neither in the ledger nor in NetSuite", r.kind, r.id, r.ch.ID, parentID)
}

// noCharge books a refund without a charge by the orphan rule.
func (b *builder) noCharge(bt *payout.BalanceTransaction, r reversed) {
	if b.s.OrphanRule == "deposit_line" {
		b.line(bt.Amount, b.s.Mapping(KeyOrphanAccount), bt.ID,
			fmt.Sprintf("Stripe %s %s without a charge (%s)", r.kind, r.id, bt.ID))
		b.fees(bt, r.id, r.fee)
		return
	}
	b.problem(outcome.CodeUnresolvedRef, bt.ID,
		fmt.Sprintf("book it by hand in NetSuite, or set %s: deposit_line to post such refunds to %s", KeyOrphanRule, KeyOrphanAccount),
		"%s %s has no charge (charge: null): there is no NetSuite payment to refund", r.kind, r.id)
}

// customerRefund is the customer refund of r, paid from Undeposited Funds;
// the caller says what it applies to.
func (b *builder) customerRefund(bt *payout.BalanceTransaction, r reversed, cust netsuite.Ref) *netsuite.CustomerRefund {
	return &netsuite.CustomerRefund{
		ExternalID:     ExternalID(r.id),
		Customer:       cust,
		TranDate:       date(bt.Created),
		Total:          netsuite.Amount{Minor: r.amount, Currency: r.ccy},
		Account:        refPtr(b.ref(b.s.Mapping(KeyUndepositedFunds), bt.ID)),
		Currency:       b.currency(r.ccy),
		ExchangeRate:   netsuite.Rate(bt.ExchangeRate),
		Memo:           fmt.Sprintf("Stripe %s %s of charge %s (%s)", r.kind, r.id, r.ch.ID, bt.ID),
		Classification: b.classification(),
	}
}

// creditMemo plans the credit memo of r against the charge's invoice and
// returns its external ID, which the customer refund consumes.
func (b *builder) creditMemo(bt *payout.BalanceTransaction, r reversed, cust netsuite.Ref) string {
	cm := &netsuite.CreditMemo{
		ExternalID: ExternalID("cm_" + r.id),
		Entity:     cust,
		TranDate:   date(bt.Created),
		Memo:       fmt.Sprintf("Stripe %s %s of invoice %s (%s)", r.kind, r.id, r.ch.Invoice, bt.ID),
		AutoApply:  new(bool), // the customer refund consumes it
		Currency:   b.currency(r.ccy),
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{{
			Item:        b.ref(b.s.Mapping(KeyRefundItem), bt.ID),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: r.amount, Currency: r.ccy},
			Description: fmt.Sprintf("Stripe %s %s", r.kind, r.id),
		}}},
		// No apply list: the invoice is already paid (nothing remains
		// to credit), so the memo stays an open credit that the customer
		// refund consumes, as NetSuite does for paid invoices.
		Classification: b.classification(),
	}
	b.add(Record{Type: netsuite.TypeCreditMemo, ExternalID: cm.ExternalID, Source: r.id, Body: cm})
	return cm.ExternalID
}

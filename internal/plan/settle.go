package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// balancePart is the part of a charge's invoice that the customer's
// Stripe credit balance paid (Total − pre-payment credit notes − amount
// due), and whether the rest adds up: the charge paid what was due, and
// Stripe listed the pre-payment credit notes the invoice counts (their
// memos settle the rest, creditnote.go). A debit balance added to the
// invoice cannot be booked yet: the payout is held rather than leaving
// the NetSuite invoice partly open.
func (b *builder) balancePart(ch *payout.Charge, object string) (int64, bool) {
	in := b.snap.Invoices[ch.Invoice]
	if in == nil {
		return 0, true // invoiceRef reports it
	}
	paid := captured(ch)
	prepaid, listed := b.prePayment(in)
	if listed && in.StartingBalance == 0 && paid == in.Total-prepaid {
		return 0, true
	}
	balance := in.Total - prepaid - in.AmountDue
	if listed && in.StartingBalance < 0 && paid == in.AmountDue && balance > 0 && balance <= -in.StartingBalance {
		return balance, true
	}
	ccy := strings.ToLower(in.Currency)
	b.problem(outcome.CodeInvoiceMismatch, object,
		"check the invoice's payments, credit notes and customer balance in Stripe; book this invoice's settlement by hand and reconcile this payout by hand",
		"invoice %s (total %s, amount due %s) was paid %s by charge %s: credit balance %s, credit notes before payment %s (Stripe listed %s of them); nsrecon books credit balances and credit notes, not a debit balance",
		in.ID, money.Format(in.Total, ccy), money.Format(in.AmountDue, ccy), money.Format(paid, ccy), ch.ID,
		money.Format(-in.StartingBalance, ccy), money.Format(in.PrePaymentCreditNotes, ccy), money.Format(prepaid, ccy))
	return 0, false
}

// balanceMemo plans the credit memo (items.customer_balance) for the part
// of an invoice the customer's Stripe credit balance paid, applied to the
// invoice, so the NetSuite invoice ends fully settled with the payment.
func (b *builder) balanceMemo(ch *payout.Charge, invExt string, cust netsuite.Ref, amount int64, object string) {
	in := b.snap.Invoices[ch.Invoice]
	ccy := strings.ToLower(in.Currency)
	cm := &netsuite.CreditMemo{
		ExternalID: ExternalID("balance_" + in.ID),
		Entity:     cust,
		TranDate:   date(in.Created),
		Memo:       fmt.Sprintf("Stripe customer balance applied to invoice %s", in.ID),
		AutoApply:  new(bool),
		Currency:   b.currency(ccy),
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{{
			Item:        b.ref(b.s.Mapping(KeyBalanceItem), object),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: amount, Currency: ccy},
			Description: "Stripe customer credit balance (" + in.Customer + ")",
		}}},
		Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
			Doc: netsuite.Ref{ExternalID: invExt}, Apply: true,
			Amount: netsuite.Amount{Minor: amount, Currency: ccy},
		}}},
		Classification: b.classification(),
	}
	b.add(Record{Type: netsuite.TypeCreditMemo, ExternalID: cm.ExternalID, Source: in.ID, Body: cm})
}

// revRec gives a subscription line Stripe's period as its revenue
// recognition dates when netsuite.revenue_recognition is on. Stripe's
// period end is exclusive (the next period's start); NetSuite's end date
// is the last day recognised, the day before.
func (b *builder) revRec(l payout.InvoiceLine, line netsuite.ItemLine) netsuite.ItemLine {
	if !b.s.RevenueRecognition || l.Type != "subscription" || l.Period == nil {
		return line
	}
	line.RevRecStartDate = date(l.Period.Start)
	end := l.Period.End.Add(-time.Second)
	if end.Before(l.Period.Start) {
		end = l.Period.Start
	}
	line.RevRecEndDate = date(end)
	return line
}

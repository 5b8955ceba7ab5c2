package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// charge plans the customer, the invoice (if any) and the payment for a
// charge, and adds the payment and its fee to the deposit.
func (b *builder) charge(bt *payout.BalanceTransaction) {
	ch := b.snap.Charges[bt.Source]
	if ch == nil {
		b.problem(outcome.CodeMissingObject, bt.ID, "check the Stripe API key has read access to charges",
			"balance transaction %s: charge %q was not returned by Stripe", bt.ID, bt.Source)
		return
	}
	cust, ok := b.customer(ch, bt.ID)
	if !ok {
		return
	}
	ccy := strings.ToLower(ch.Currency)
	if !b.currencyMapped(ccy, bt.ID) {
		return
	}
	paid := ch.Amount
	if ch.AmountCaptured > 0 && ch.AmountCaptured < paid {
		paid = ch.AmountCaptured // a partial capture: the rest was never taken
	}
	if ccy == b.cur {
		// What settled is what the customer paid (partial captures settle less).
		paid = bt.Amount
	}
	pay := &netsuite.CustomerPayment{
		ExternalID:     ExternalID(ch.ID),
		Customer:       cust,
		TranDate:       date(bt.Created),
		Payment:        netsuite.Amount{Minor: paid, Currency: ccy},
		Currency:       b.currency(ccy),
		ExchangeRate:   netsuite.Rate(bt.ExchangeRate),
		UndepFunds:     netsuite.UndepositedFunds(),
		AutoApply:      new(bool), // never let NetSuite apply it to another open invoice
		Memo:           fmt.Sprintf("Stripe charge %s (%s)", ch.ID, bt.ID),
		Classification: b.classification(),
	}
	if ch.Invoice != "" && !b.applyToInvoice(pay, bt, ch, cust, paid) {
		return
	}
	if ch.ApplicationFeeAmount != 0 || ch.Transfer != "" || ch.OnBehalfOf != "" {
		pay.Memo += connectMemo(ch)
	}
	b.add(Record{Type: netsuite.TypeCustomerPayment, ExternalID: pay.ExternalID, Source: ch.ID, Body: pay})
	b.open[ch.ID] = paid
	b.depositPayment(bt, pay.ExternalID, paid, ccy, ch.ID)
	b.fees(bt, ch.ID, b.s.Mapping(KeyStripeFees))
}

// applyToInvoice applies a payment to the NetSuite invoice of the charge's
// Stripe invoice, planning that invoice when needed.
func (b *builder) applyToInvoice(pay *netsuite.CustomerPayment, bt *payout.BalanceTransaction, ch *payout.Charge, cust netsuite.Ref, paid int64) bool {
	if other, paid := b.invoicePaidBy[ch.Invoice]; paid {
		b.problem(outcome.CodeInvoiceMismatch, bt.ID, "check the charges of invoice "+ch.Invoice+" in the Stripe Dashboard and book the second by hand",
			"charge %s pays invoice %s, which charge %s in this payout already paid", ch.ID, ch.Invoice, other)
		return false
	}
	balance, ok := b.balancePart(ch, bt.ID)
	if !ok {
		return false
	}
	b.invoicePaidBy[ch.Invoice] = ch.ID
	invExt, invTotal, ok := b.invoiceRef(ch.Invoice, cust, bt.ID)
	if !ok {
		return false
	}
	if balance > 0 {
		b.balanceMemo(ch, invExt, cust, balance, bt.ID)
	}
	credited, ok := b.invoiceCreditNotes(b.snap.Invoices[ch.Invoice], invExt, cust, bt.ID)
	if !ok {
		return false
	}
	pay.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
		Doc: netsuite.Ref{ExternalID: invExt}, Apply: true,
		Amount: netsuite.Amount{Minor: min(paid, invTotal-balance-credited), Currency: pay.Payment.Currency},
	}}}
	pay.Memo = fmt.Sprintf("Stripe charge %s for invoice %s (%s)", ch.ID, ch.Invoice, bt.ID)
	return true
}

func connectMemo(ch *payout.Charge) string {
	var parts []string
	if ch.ApplicationFeeAmount != 0 {
		parts = append(parts, "application fee "+money.Format(ch.ApplicationFeeAmount, ch.Currency)+" "+strings.ToUpper(ch.Currency))
	}
	if ch.Transfer != "" {
		parts = append(parts, "transfer "+ch.Transfer)
	}
	if ch.OnBehalfOf != "" {
		parts = append(parts, "on behalf of "+ch.OnBehalfOf)
	}
	return "; Connect: " + strings.Join(parts, ", ")
}

package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Stripe credit notes become NetSuite credit memos with the credit note's
// lines: each credited invoice line as the item the invoice line used, its
// quantity and amount, the discounts as discount item lines, shipping and
// exclusive tax as lines of items.shipping and items.tax. External ID
// stripe_cn_…. How the credit note was settled decides the rest:
//
//   - refunded (post-payment, credit_note.refund): the customer refund of
//     the refund applies the memo (reversal.go);
//   - credited to the customer's Stripe balance (post-payment, no refund):
//     the memo gets a negative line of items.customer_balance for that
//     part, so it credits the balance's account rather than leaving an
//     open credit in NetSuite; a later invoice paid from the balance draws
//     it down with its own memo of that item (settle.go). Planned with the
//     charge of its invoice: a credit note that moves no money is in no
//     payout, so one issued after its invoice's payout is not seen;
//   - issued before payment (pre-payment): the memo is applied to the
//     invoice beside the payment, so the invoice ends fully settled.
//
// The part of a post-payment credit note settled outside Stripe
// (out_of_band_amount) stays an open credit on the memo.

// creditNoteOf is the issued credit note that made refund id, if known.
func (b *builder) creditNoteOf(refundID string) *payout.CreditNote {
	for _, id := range sortedIDs(b.snap.CreditNotes) {
		if cn := b.snap.CreditNotes[id]; cn.Refund == refundID && cn.Issued() {
			return cn
		}
	}
	return nil
}

// creditNotes are the issued credit notes of invoice of the given type,
// in ID order.
func (b *builder) creditNotes(invoice, typ string) []*payout.CreditNote {
	var out []*payout.CreditNote
	for _, id := range sortedIDs(b.snap.CreditNotes) {
		if cn := b.snap.CreditNotes[id]; cn.Invoice == invoice && cn.Type == typ && cn.Issued() {
			out = append(out, cn)
		}
	}
	return out
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// prePayment is the total of the invoice's pre-payment credit notes, and
// whether Stripe listed all of them (their sum is what the invoice says).
func (b *builder) prePayment(in *payout.Invoice) (int64, bool) {
	var sum int64
	for _, cn := range b.creditNotes(in.ID, "pre_payment") {
		sum += cn.Total
	}
	return sum, sum == in.PrePaymentCreditNotes
}

// creditNoteMemo plans the credit memo of a credit note and returns it.
// refunded is the part paid back by the refund of the credit note; the
// rest of a post-payment credit note, less what was settled outside
// Stripe, went to the customer's balance.
func (b *builder) creditNoteMemo(cn *payout.CreditNote, cust netsuite.Ref, refunded int64, object string) (*netsuite.CreditMemo, bool) {
	extID := ExternalID(cn.ID)
	if i, ok := b.index[extID]; ok {
		return b.plan.Records[i].Body.(*netsuite.CreditMemo), true
	}
	in := b.snap.Invoices[cn.Invoice]
	if in == nil {
		b.problem(outcome.CodeMissingObject, object, "", "credit note %s: its invoice %q was not returned by Stripe", cn.ID, cn.Invoice)
		return nil, false
	}
	ccy := strings.ToLower(cn.Currency)
	lines, ok := b.creditNoteLines(cn, in, ccy, object)
	if !ok {
		return nil, false
	}
	credited := cn.Total - refunded - cn.OutOfBand
	if cn.Type == "post_payment" && credited < 0 {
		b.problem(outcome.CodeBadAmount, object, "check the credit note and its refund in Stripe",
			"credit note %s totals %s but its refund and the part settled outside Stripe take %s",
			cn.ID, money.Format(cn.Total, ccy), money.Format(refunded+cn.OutOfBand, ccy))
		return nil, false
	}
	if cn.Type == "post_payment" && credited != 0 {
		lines = append(lines, netsuite.ItemLine{
			Item:        b.ref(b.s.Mapping(KeyBalanceItem), object),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: -credited, Currency: ccy},
			Description: "Stripe credit note " + cn.ID + " credited to the customer balance (" + in.Customer + ")",
		})
	}
	memo := fmt.Sprintf("Stripe credit note %s of invoice %s", cn.ID, cn.Invoice)
	if cn.Number != "" {
		memo = fmt.Sprintf("Stripe credit note %s (%s) of invoice %s", cn.ID, cn.Number, cn.Invoice)
	}
	cm := &netsuite.CreditMemo{
		ExternalID:     extID,
		Entity:         cust,
		TranDate:       date(cn.Created),
		Memo:           memo,
		AutoApply:      new(bool),
		Currency:       b.currency(ccy),
		Item:           netsuite.ItemList{Items: lines},
		Classification: b.classification(),
	}
	b.add(Record{Type: netsuite.TypeCreditMemo, ExternalID: extID, Source: cn.ID, Body: cm})
	return cm, true
}

// creditNoteLines are the item lines of a credit note, which must add up
// to its total.
func (b *builder) creditNoteLines(cn *payout.CreditNote, in *payout.Invoice, ccy, object string) ([]netsuite.ItemLine, bool) {
	lines := make([]netsuite.ItemLine, 0, len(cn.Lines)+len(cn.Discounts)+2)
	for _, l := range cn.Lines {
		line := netsuite.ItemLine{Quantity: max(l.Quantity, 1), Amount: netsuite.Amount{Minor: l.Amount, Currency: ccy}}
		if il := invoiceLine(in, l.InvoiceLine); il != nil {
			line.Item = b.priceItem(*il, in.ID)
			line.Description = truncate(firstNonEmpty(l.Description, il.Description, il.Price.ProductName), 999)
		} else { // a custom line: credited without an item of the invoice
			line.Item = b.ref(b.s.Mapping(KeyRefundItem), object)
			line.Description = truncate(firstNonEmpty(l.Description, "Stripe credit note "+cn.ID), 999)
		}
		lines = append(lines, line)
	}
	for _, d := range cn.Discounts {
		lines = append(lines, netsuite.ItemLine{
			Item:        b.discountItem(d, in.ID),
			Amount:      netsuite.Amount{Minor: -d.Amount, Currency: ccy},
			Description: "Stripe discount " + firstNonEmpty(d.Name, d.ID),
		})
	}
	for _, extra := range []struct {
		key    Key
		amount int64
		what   string
	}{{KeyShippingItem, cn.Shipping, "Stripe shipping"}, {KeyTaxItem, cn.Tax, "Stripe tax"}} {
		if extra.amount != 0 {
			lines = append(lines, netsuite.ItemLine{Item: b.ref(b.s.Mapping(extra.key), object), Quantity: 1,
				Amount: netsuite.Amount{Minor: extra.amount, Currency: ccy}, Description: extra.what})
		}
	}
	list := netsuite.ItemList{Items: lines}
	if got := list.Total(); got != cn.Total || cn.Total <= 0 {
		b.problem(outcome.CodeInvoiceMismatch, object, "check the credit note's lines, discounts and tax in Stripe",
			"credit note %s of invoice %s: lines − discounts + tax + shipping = %s but its total is %s %s",
			cn.ID, in.ID, money.Format(got, ccy), money.Format(cn.Total, ccy), strings.ToUpper(ccy))
		return nil, false
	}
	return lines, true
}

func invoiceLine(in *payout.Invoice, id string) *payout.InvoiceLine {
	if id == "" {
		return nil
	}
	for i := range in.Lines {
		if in.Lines[i].ID == id {
			return &in.Lines[i]
		}
	}
	return nil
}

// invoiceCreditNotes plans, with the payment of an invoice, its
// pre-payment credit notes applied to it, and its post-payment credit
// notes that credited the customer balance (no refund: no balance
// transaction will ever bring them). It returns what the pre-payment
// memos settle.
func (b *builder) invoiceCreditNotes(in *payout.Invoice, invExt string, cust netsuite.Ref, object string) (int64, bool) {
	var settled int64
	for _, cn := range b.creditNotes(in.ID, "pre_payment") {
		cm, ok := b.creditNoteMemo(cn, cust, 0, object)
		if !ok {
			return 0, false
		}
		cm.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
			Doc: netsuite.Ref{ExternalID: invExt}, Apply: true,
			Amount: netsuite.Amount{Minor: cn.Total, Currency: strings.ToLower(cn.Currency)},
		}}}
		settled += cn.Total
	}
	for _, cn := range b.creditNotes(in.ID, "post_payment") {
		if cn.Refund != "" {
			continue // booked with its refund
		}
		if _, ok := b.creditNoteMemo(cn, cust, 0, object); !ok {
			return 0, false
		}
	}
	return settled, true
}

// reversalMemo plans the credit memo that the customer refund of an
// invoice charge's refund applies: its credit note's when the refund was
// issued through one (and all of it is applied: an over-refund keeps the
// generic memo), else one line of items.refund.
func (b *builder) reversalMemo(bt *payout.BalanceTransaction, r reversed, cust netsuite.Ref, rest int64) (string, bool) {
	if r.kind != "refund" || rest != 0 {
		return b.creditMemo(bt, r, cust), true
	}
	cn := b.creditNoteOf(r.id)
	if cn == nil || cn.Invoice != r.ch.Invoice {
		return b.creditMemo(bt, r, cust), true
	}
	cm, ok := b.creditNoteMemo(cn, cust, r.amount, bt.ID)
	if !ok {
		return "", false
	}
	return cm.ExternalID, true
}

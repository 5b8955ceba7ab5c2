package plan

import (
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// BuildInvoice plans the NetSuite records of one finalized Stripe invoice,
// outside any payout: its Customer, the items its lines and discounts need,
// and the Invoice, with problems when it cannot be synced (a customer
// without an email, a missing mapping, lines that do not add up).
//
// It reuses the payout builder, so every record has the external ID the
// daily reconcile gives it (stripe_cus_…, stripe_price_…, stripe_in_…). That
// is what makes real-time sync idempotent with the daily run: when the
// invoice's payment arrives with a payout, the planner plans the same
// invoice, the pusher finds it done in the ledger (or upserts it by
// external ID), and the payment is applied to it; nothing is made twice.
//
// The result is an invoice plan: Kind is KindInvoice, Payout is the zero
// value, DepositTotal is 0 and no record is a deposit.
func BuildInvoice(inv *payout.Invoice, cust *payout.Customer, s Settings, known Known) *Plan {
	snap := &payout.Snapshot{
		Invoices:  map[string]*payout.Invoice{inv.ID: inv},
		Customers: map[string]*payout.Customer{},
	}
	if cust != nil {
		snap.Customers[cust.ID] = cust
	}
	b := newBuilder(snap, s, known, &Plan{Kind: KindInvoice}, inv.Currency)
	b.buildInvoice(inv)
	b.precision()
	b.validateRefs()
	return b.plan
}

// IsInvoicePlan reports whether p came from BuildInvoice or another
// real-time builder rather than Build: it belongs to no payout and has no
// deposit.
func (p *Plan) IsInvoicePlan() bool { return p.Kind != KindPayout }

func (b *builder) buildInvoice(inv *payout.Invoice) {
	switch inv.Status {
	case "draft":
		b.problem(outcome.CodeNotFinalized, inv.ID, "finalize the invoice in Stripe; it syncs when finalized",
			"invoice %s is a draft; only finalized invoices are synced to NetSuite", inv.ID)
		return
	case "void":
		b.problem(outcome.CodeVoided, inv.ID, "nothing to do, or void it in NetSuite by hand if it was synced before",
			"invoice %s is void; voided invoices are not synced", inv.ID)
		return
	}
	if !money.Known(b.cur) {
		b.problem(outcome.CodeUnknownCurrency, inv.ID, "", "invoice %s has currency %q, which is not an ISO 4217 code", inv.ID, inv.Currency)
		return
	}
	if inv.Customer == "" {
		b.problem(outcome.CodeMissingField, inv.ID, "attach a customer to the invoice in Stripe",
			"invoice %s has no customer; NetSuite invoices need one", inv.ID)
		return
	}
	if b.snap.Customers[inv.Customer] == nil && b.s.CustomerMode != "global" {
		b.problem(outcome.CodeMissingObject, inv.ID, "check the Stripe API key has read access to customers",
			"invoice %s: its customer %s was not returned by Stripe", inv.ID, inv.Customer)
		return
	}
	// customer() speaks of charges; an invoice is paid by one, and the
	// customer it names is the one a payment of it would name.
	cust, ok := b.customer(&payout.Charge{ID: inv.ID, Customer: inv.Customer}, inv.ID)
	if !ok {
		return
	}
	b.invoice(inv.ID, cust, inv.ID)
}

// invoiceRef returns the external ID and total of the NetSuite invoice for
// a Stripe invoice: planned here, or already in NetSuite (synced in real
// time, or by an earlier payout), in which case it is not sent again.
func (b *builder) invoiceRef(id string, cust netsuite.Ref, object string) (string, int64, bool) {
	extID := ExternalID(id)
	if in := b.snap.Invoices[id]; in != nil && !b.planned(extID) && b.known.Has(extID) {
		return extID, in.Total, true
	}
	inv, ok := b.invoice(id, cust, object)
	if !ok {
		return "", 0, false
	}
	return inv.ExternalID, inv.Item.Total(), true
}

// invoice plans the NetSuite invoice for a Stripe invoice (and the items its
// lines need) unless it is already planned.
func (b *builder) invoice(id string, cust netsuite.Ref, object string) (*netsuite.Invoice, bool) {
	extID := ExternalID(id)
	if i, ok := b.index[extID]; ok {
		return b.plan.Records[i].Body.(*netsuite.Invoice), true
	}
	in := b.snap.Invoices[id]
	if in == nil {
		b.problem(outcome.CodeMissingObject, object, "", "invoice %q was not returned by Stripe", id)
		return nil, false
	}
	ccy := strings.ToLower(in.Currency)
	inv := &netsuite.Invoice{
		ExternalID:     extID,
		Entity:         cust,
		TranDate:       date(in.Created),
		OtherRefNum:    in.Number,
		Memo:           "Stripe invoice " + in.ID,
		Currency:       b.currency(ccy),
		Classification: b.classification(),
	}
	if !in.DueDate.IsZero() {
		inv.DueDate = date(in.DueDate)
	}
	if in.Number != "" {
		inv.Memo += " (" + in.Number + ")"
	}
	inv.Item.Items = b.invoiceLines(in, ccy)
	if got := inv.Item.Total(); got != in.Total {
		b.problem(outcome.CodeInvoiceMismatch, in.ID, "check the invoice's lines, discounts and tax in Stripe",
			"invoice %s: lines − discounts + tax + shipping = %s but the invoice total is %s %s",
			in.ID, money.Format(got, ccy), money.Format(in.Total, ccy), strings.ToUpper(ccy))
		return nil, false
	}
	b.add(Record{Type: netsuite.TypeInvoice, ExternalID: extID, Source: in.ID, Body: inv})
	return inv, true
}

// invoiceLines are the item lines of a Stripe invoice: its lines, its
// discounts, its shipping cost, and its tax when the prices exclude it.
func (b *builder) invoiceLines(in *payout.Invoice, ccy string) []netsuite.ItemLine {
	lines := make([]netsuite.ItemLine, 0, len(in.Lines)+len(in.Discounts)+1)
	for _, l := range in.Lines {
		qty := l.Quantity
		if qty == 0 {
			qty = 1
		}
		lines = append(lines, b.revRec(l, netsuite.ItemLine{
			Item:        b.priceItem(l, in.ID),
			Quantity:    qty,
			Amount:      netsuite.Amount{Minor: l.Amount, Currency: ccy},
			Description: truncate(firstNonEmpty(l.Description, l.Price.ProductName), 999),
		}))
	}
	for _, d := range in.Discounts {
		if d.Amount == 0 {
			continue
		}
		lines = append(lines, netsuite.ItemLine{
			Item:        b.discountItem(d, in.ID),
			Amount:      netsuite.Amount{Minor: -d.Amount, Currency: ccy},
			Description: "Stripe discount " + firstNonEmpty(d.Name, d.ID),
		})
	}
	if in.Shipping != 0 {
		lines = append(lines, netsuite.ItemLine{
			Item:        b.ref(b.s.Mapping(KeyShippingItem), in.ID),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: in.Shipping, Currency: ccy},
			Description: "Stripe shipping",
		})
	}
	var gross int64
	for _, l := range lines {
		gross += l.Amount.Minor
	}
	// Tax-inclusive prices already hold the tax in the line amounts (the
	// total is lines − discounts); only exclusive tax is a line of its own.
	if in.Tax != 0 && gross != in.Total {
		lines = append(lines, netsuite.ItemLine{
			Item:        b.ref(b.s.Mapping(KeyTaxItem), in.ID),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: in.Tax, Currency: ccy},
			Description: "Stripe tax",
		})
	}
	return lines
}

package stripefake

import (
	"fmt"
	"strconv"
)

// CreditNoteSpec describes a credit note of an invoice: which of its
// lines it credits and how it is settled. Discounts and tax are credited
// in proportion to the invoice's, as Stripe does.
type CreditNoteSpec struct {
	Lines []CreditLineSpec
	// Refund: a post-payment credit note is refunded to the card (a refund
	// and its balance transaction). Otherwise it credits the customer's
	// Stripe balance. Pre-payment credit notes ignore it: they lower what
	// the invoice asks.
	Refund bool
	Reason string // duplicate, fraudulent, order_change, product_unsatisfactory
}

// CreditLineSpec credits Quantity units (0: all) of the invoice's line
// number Line (from 0).
type CreditLineSpec struct {
	Line     int
	Quantity int64
}

// CreditNote issues a post-payment credit note on a paid invoice and
// returns its ID (and the refund's, when it is refunded).
func (b *Builder) CreditNote(invoice string, s CreditNoteSpec) (creditNote, refund string) {
	cn := b.creditNote(invoice, s, "post_payment")
	if !s.Refund {
		cn["customer_balance_transaction"] = b.id("cbtxn")
		cust := b.obj(cn["customer"].(string))
		cust["balance"] = intField(cust, "balance") - cn["total"].(int64)
		return cn["id"].(string), ""
	}
	charge, _ := b.obj(invoice)["charge"].(string)
	refund = b.Refund(charge, cn["total"].(int64), "requested_by_customer")
	cn["refund"] = refund
	return cn["id"].(string), refund
}

// creditedLine is what a credit note credits of one invoice line.
type creditedLine struct {
	amount, discount, tax, qty int64
	line                       map[string]any
}

// invoiceRates are the invoice's discount and tax, to credit in proportion.
type invoiceRates struct {
	subtotal, discount, tax, taxable int64
	di, taxRate                      any
}

func ratesOf(inv map[string]any) invoiceRates {
	r := invoiceRates{subtotal: inv["subtotal"].(int64)}
	if tda, _ := inv["total_discount_amounts"].([]any); len(tda) > 0 {
		m := tda[0].(map[string]any)
		r.discount, r.di = m["amount"].(int64), m["discount"]
	}
	if tta, _ := inv["total_tax_amounts"].([]any); len(tta) > 0 {
		m := tta[0].(map[string]any)
		r.tax, r.taxable, r.taxRate = m["amount"].(int64), m["taxable_amount"].(int64), m["tax_rate"]
	}
	return r
}

// credit works out what crediting l of an invoice line takes.
func (r invoiceRates) credit(line map[string]any, want int64) creditedLine {
	qty := intField(line, "quantity")
	amount := intField(line, "amount")
	c := creditedLine{qty: max(qty, 1), line: line}
	if qty > 0 && want > 0 && want < qty {
		c.qty = want
		amount = amount * want / qty
	}
	c.amount = amount
	if r.subtotal > 0 {
		c.discount = (amount*r.discount + r.subtotal/2) / r.subtotal
	}
	if r.taxable > 0 {
		c.tax = ((amount-c.discount)*r.tax + r.taxable/2) / r.taxable
	}
	return c
}

// creditNote creates a credit note of type typ (pre_payment, post_payment)
// and records it on the invoice; the caller settles it.
func (b *Builder) creditNote(invoice string, s CreditNoteSpec, typ string) map[string]any {
	inv := b.obj(invoice)
	rates := ratesOf(inv)
	invLines := inv["lines"].(map[string]any)["data"].([]any)
	id, created := b.id("cn"), b.tick()
	var lines []any
	var subtotal, discount, tax int64
	for _, ls := range s.Lines {
		c := rates.credit(invLines[ls.Line].(map[string]any), ls.Quantity)
		subtotal, discount, tax = subtotal+c.amount, discount+c.discount, tax+c.tax
		lines = append(lines, b.creditNoteLine(c, rates))
	}
	total := subtotal - discount + tax
	discounts, taxes := []any{}, []any{}
	if discount > 0 {
		discounts = append(discounts, map[string]any{"amount": discount, "discount": rates.di})
	}
	if tax > 0 {
		taxes = append(taxes, map[string]any{"amount": tax, "inclusive": false, "tax_rate": rates.taxRate,
			"taxability_reason": nil, "taxable_amount": subtotal - discount})
	}
	key := typ + "_credit_notes_amount"
	inv[key] = intField(inv, key) + total
	cn := map[string]any{
		"id": id, "object": "credit_note", "created": created, "livemode": false,
		"amount": total, "amount_shipping": int64(0), "currency": inv["currency"], "customer": inv["customer"],
		"customer_balance_transaction": nil, "discount_amount": discount, "discount_amounts": discounts,
		"effective_at": created, "invoice": invoice, "memo": nil, "metadata": map[string]any{},
		"lines":  map[string]any{"object": "list", "data": lines, "has_more": false, "url": "/v1/credit_notes/" + id + "/lines"},
		"number": fmt.Sprintf("%s-CN-%02d", inv["number"], b.countNotes(invoice)+1), "out_of_band_amount": nil,
		"pdf": "https://pay.stripe.com/credit_notes/acct_stripefake/" + id + "/pdf", "reason": nullable(s.Reason),
		"refund": nil, "shipping_cost": nil, "status": "issued", "subtotal": subtotal,
		"subtotal_excluding_tax": subtotal, "tax_amounts": taxes, "total": total,
		"total_excluding_tax": subtotal - discount, "type": typ, "voided_at": nil,
	}
	b.put(cn)
	return cn
}

// creditNoteLine is the credit_note_line_item of c.
func (b *Builder) creditNoteLine(c creditedLine, r invoiceRates) map[string]any {
	discounts, taxes := []any{}, []any{}
	if c.discount > 0 {
		discounts = append(discounts, map[string]any{"amount": c.discount, "discount": r.di})
	}
	if c.tax > 0 {
		taxes = append(taxes, map[string]any{"amount": c.tax, "inclusive": false, "tax_rate": r.taxRate,
			"taxability_reason": nil, "taxable_amount": c.amount - c.discount})
	}
	unit := c.amount / c.qty
	return map[string]any{
		"id": b.id("cnli"), "object": "credit_note_line_item", "livemode": false, "type": "invoice_line_item",
		"invoice_line_item": c.line["id"], "description": c.line["description"], "quantity": c.qty,
		"amount": c.amount, "amount_excluding_tax": c.amount, "discount_amount": c.discount,
		"discount_amounts": discounts, "tax_amounts": taxes, "tax_rates": []any{},
		"unit_amount": unit, "unit_amount_decimal": strconv.FormatInt(unit, 10),
		"unit_amount_excluding_tax": strconv.FormatInt(unit, 10),
	}
}

// countNotes is how many credit notes the invoice has.
func (b *Builder) countNotes(invoice string) int {
	n := 0
	for _, id := range b.order {
		if o := b.objs[id]; objectType(o) == "credit_note" && o["invoice"] == invoice {
			n++
		}
	}
	return n
}

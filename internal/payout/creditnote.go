package payout

import (
	"context"
	"time"

	"github.com/stripe/stripe-go/v76"
)

// CreditNote is a Stripe credit note of an invoice. Amounts are in the
// invoice currency. Total = Σ line amounts − Σ discounts + exclusive tax
// + shipping, as on an invoice.
type CreditNote struct {
	ID       string `json:"id"`
	Number   string `json:"number,omitempty"`
	Invoice  string `json:"invoice"`
	Customer string `json:"customer,omitempty"`
	Currency string `json:"currency"`
	// Type is "pre_payment" (issued on an open invoice: it lowers what is
	// due) or "post_payment" (on a paid invoice: refunded, credited to the
	// customer balance, or settled outside Stripe).
	Type    string    `json:"type"`
	Status  string    `json:"status"` // issued, void
	Reason  string    `json:"reason,omitempty"`
	Created time.Time `json:"created"`
	Total   int64     `json:"total"`
	// Tax is the exclusive tax credited (inclusive tax is in the lines).
	Tax      int64 `json:"tax,omitempty"`
	Shipping int64 `json:"amount_shipping,omitempty"`
	// OutOfBand is the part settled outside Stripe.
	OutOfBand int64 `json:"out_of_band_amount,omitempty"`
	// Refund is the refund that paid the credit note back, if any.
	Refund    string           `json:"refund,omitempty"`
	Lines     []CreditNoteLine `json:"lines"`
	Discounts []Discount       `json:"discounts,omitempty"` // discount_amounts
}

// CreditNoteLine is one line of a credit note: Amount is what it credits
// before discounts and exclusive tax.
type CreditNoteLine struct {
	ID          string `json:"id"`
	Type        string `json:"type"` // invoice_line_item or custom_line_item
	InvoiceLine string `json:"invoice_line_item,omitempty"`
	Description string `json:"description,omitempty"`
	Quantity    int64  `json:"quantity,omitempty"`
	Amount      int64  `json:"amount"`
}

// Issued reports whether the credit note counts (it is not void).
func (c *CreditNote) Issued() bool { return c.Status != "void" }

// HasCreditNotes reports whether Stripe says credit notes were issued on
// the invoice: only then are they listed.
func (inv *Invoice) HasCreditNotes() bool {
	return inv.PrePaymentCreditNotes > 0 || inv.PostPaymentCreditNotes > 0
}

func creditNoteExpand() []string { return []string{"data.discount_amounts.discount"} }

// readCreditNotes reads the credit notes of the snapshot's invoices that
// have any.
func (r *Reader) readCreditNotes(ctx context.Context, snap *Snapshot) error {
	if snap.CreditNotes == nil {
		snap.CreditNotes = map[string]*CreditNote{}
	}
	for _, id := range sortedKeys(snap.Invoices) {
		if !snap.Invoices[id].HasCreditNotes() {
			continue
		}
		notes, err := r.creditNotes(ctx, id)
		if err != nil {
			return err
		}
		for _, cn := range notes {
			snap.CreditNotes[cn.ID] = cn
		}
	}
	return nil
}

// creditNotes lists an invoice's credit notes with all their lines,
// through the cache (once per invoice and run).
func (r *Reader) creditNotes(ctx context.Context, invoiceID string) ([]*CreditNote, error) {
	r.mu.Lock()
	notes, ok := r.invoiceNotes[invoiceID]
	r.mu.Unlock()
	if ok {
		return notes, nil
	}
	var raw []*stripe.CreditNote
	err := r.pages(ctx, "listing credit notes of invoice "+invoiceID, func(after string) (string, bool, error) {
		p := &stripe.CreditNoteListParams{Invoice: stripe.String(invoiceID)}
		r.listParams(ctx, &p.ListParams, after)
		for _, e := range creditNoteExpand() {
			p.AddExpand(e)
		}
		it := r.api.CreditNotes.List(p)
		var page []*stripe.CreditNote
		for it.Next() {
			page = append(page, it.CreditNote())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		raw = append(raw, page...)
		return lastID(page, func(c *stripe.CreditNote) string { return c.ID }), it.Meta().HasMore, nil
	})
	if err != nil {
		return nil, err
	}
	notes = make([]*CreditNote, 0, len(raw))
	for _, c := range raw {
		var lines []*stripe.CreditNoteLineItem
		if c.Lines != nil {
			lines = c.Lines.Data
			if c.Lines.HasMore && len(lines) > 0 {
				rest, err := r.creditNoteLines(ctx, c.ID, lines[len(lines)-1].ID)
				if err != nil {
					return nil, err
				}
				lines = append(lines, rest...)
			}
		}
		notes = append(notes, toCreditNote(c, lines))
	}
	r.mu.Lock()
	r.invoiceNotes[invoiceID] = notes
	r.mu.Unlock()
	return notes, nil
}

// creditNoteLines pages through a credit note's lines after the embedded
// ones.
func (r *Reader) creditNoteLines(ctx context.Context, id, after string) ([]*stripe.CreditNoteLineItem, error) {
	var out []*stripe.CreditNoteLineItem
	err := r.pagesFrom(ctx, "listing lines of credit note "+id, after, func(after string) (string, bool, error) {
		p := &stripe.CreditNoteListLinesParams{CreditNote: stripe.String(id)}
		r.listParams(ctx, &p.ListParams, after)
		it := r.api.CreditNotes.ListLines(p)
		var page []*stripe.CreditNoteLineItem
		for it.Next() {
			page = append(page, it.CreditNoteLineItem())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		out = append(out, page...)
		return lastID(page, func(l *stripe.CreditNoteLineItem) string { return l.ID }), it.Meta().HasMore, nil
	})
	return out, err
}

func toCreditNote(c *stripe.CreditNote, lines []*stripe.CreditNoteLineItem) *CreditNote {
	out := &CreditNote{
		ID: c.ID, Number: c.Number, Currency: string(c.Currency), Type: string(c.Type),
		Status: string(c.Status), Reason: string(c.Reason), Created: unixTime(c.Created),
		Total: c.Total, Shipping: c.AmountShipping, OutOfBand: c.OutOfBandAmount,
		Lines: make([]CreditNoteLine, 0, len(lines)),
	}
	if c.Invoice != nil {
		out.Invoice = c.Invoice.ID
	}
	if c.Customer != nil {
		out.Customer = c.Customer.ID
	}
	if c.Refund != nil {
		out.Refund = c.Refund.ID
	}
	for _, t := range c.TaxAmounts {
		if t != nil && !t.Inclusive {
			out.Tax += t.Amount
		}
	}
	for _, d := range c.DiscountAmounts {
		if d != nil && d.Amount != 0 {
			out.Discounts = append(out.Discounts, toDiscount(d.Amount, d.Discount))
		}
	}
	for _, l := range lines {
		if l != nil {
			out.Lines = append(out.Lines, CreditNoteLine{ID: l.ID, Type: string(l.Type), InvoiceLine: l.InvoiceLineItem,
				Description: l.Description, Quantity: l.Quantity, Amount: l.Amount})
		}
	}
	return out
}

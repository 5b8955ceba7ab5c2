package payout

import (
	"context"

	"github.com/stripe/stripe-go/v76"
)

// keepSource caches whatever the balance transaction list expanded.
func (r *Reader) keepSource(src *stripe.BalanceTransactionSource) {
	if src == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case src.Charge != nil && expanded(src.Charge.Object):
		r.keepChargeLocked(src.Charge)
	case src.Refund != nil && expanded(src.Refund.Object):
		r.refunds[src.Refund.ID] = toRefund(src.Refund)
		if src.Refund.Charge != nil && expanded(src.Refund.Charge.Object) {
			r.keepChargeLocked(src.Refund.Charge)
		}
	case src.Dispute != nil && expanded(src.Dispute.Object):
		r.disputes[src.Dispute.ID] = toDispute(src.Dispute)
		if src.Dispute.Charge != nil && expanded(src.Dispute.Charge.Object) {
			r.keepChargeLocked(src.Dispute.Charge)
		}
	}
}

func (r *Reader) keepChargeLocked(c *stripe.Charge) {
	r.charges[c.ID] = toCharge(c)
	if c.Customer != nil && expanded(c.Customer.Object) {
		r.customers[c.Customer.ID] = toCustomer(c.Customer)
	}
}

// cached returns the cached value for id, or whether Stripe said it is
// gone, under the lock.
func cached[T any](r *Reader, m map[string]*T, id string) (v *T, known bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := m[id]; ok {
		return v, true
	}
	return nil, r.missing[id]
}

// fetch gets one object through the cache: get is called only on a miss,
// and a 404 is remembered as missing (nil, nil).
func fetch[T any](ctx context.Context, r *Reader, m map[string]*T, id, what string, get func() (*T, error)) (*T, error) {
	if id == "" {
		return nil, nil
	}
	if v, known := cached(r, m, id); known {
		return v, nil
	}
	var v *T
	err := r.call(ctx, what+" "+id, func() (err error) {
		v, err = get()
		return err
	})
	if isMissing(err) {
		// No consequence in the message: a reconcile holds the payout, an
		// invoice sync fails; each says so in its own report.
		r.log.Warn("stripe object is missing", "id", id, "error", err)
		r.mu.Lock()
		r.missing[id] = true
		r.mu.Unlock()
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	m[id] = v
	r.mu.Unlock()
	return v, nil
}

func (r *Reader) charge(ctx context.Context, id string) (*Charge, error) {
	return fetch(ctx, r, r.charges, id, "getting charge", func() (*Charge, error) {
		p := &stripe.ChargeParams{}
		p.Context = ctx
		p.AddExpand("customer")
		c, err := r.api.Charges.Get(id, p)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		if c.Customer != nil && expanded(c.Customer.Object) {
			r.customers[c.Customer.ID] = toCustomer(c.Customer)
		}
		r.mu.Unlock()
		return toCharge(c), nil
	})
}

func (r *Reader) refund(ctx context.Context, id string) (*Refund, error) {
	return fetch(ctx, r, r.refunds, id, "getting refund", func() (*Refund, error) {
		p := &stripe.RefundParams{}
		p.Context = ctx
		p.AddExpand("charge")
		p.AddExpand("charge.customer")
		rf, err := r.api.Refunds.Get(id, p)
		if err != nil {
			return nil, err
		}
		if rf.Charge != nil && expanded(rf.Charge.Object) {
			r.mu.Lock()
			r.keepChargeLocked(rf.Charge)
			r.mu.Unlock()
		}
		return toRefund(rf), nil
	})
}

func (r *Reader) dispute(ctx context.Context, id string) (*Dispute, error) {
	return fetch(ctx, r, r.disputes, id, "getting dispute", func() (*Dispute, error) {
		p := &stripe.DisputeParams{}
		p.Context = ctx
		p.AddExpand("charge")
		p.AddExpand("charge.customer")
		d, err := r.api.Disputes.Get(id, p)
		if err != nil {
			return nil, err
		}
		if d.Charge != nil && expanded(d.Charge.Object) {
			r.mu.Lock()
			r.keepChargeLocked(d.Charge)
			r.mu.Unlock()
		}
		return toDispute(d), nil
	})
}

func (r *Reader) customer(ctx context.Context, id string) (*Customer, error) {
	return fetch(ctx, r, r.customers, id, "getting customer", func() (*Customer, error) {
		p := &stripe.CustomerParams{}
		p.Context = ctx
		c, err := r.api.Customers.Get(id, p)
		if err != nil {
			return nil, err
		}
		return toCustomer(c), nil
	})
}

// invoice gets an invoice with all of its lines; fresh bypasses the cache.
func (r *Reader) invoice(ctx context.Context, id string, fresh bool) (*Invoice, error) {
	if fresh {
		r.mu.Lock()
		delete(r.invoices, id)
		delete(r.missing, id)
		r.mu.Unlock()
	}
	return fetch(ctx, r, r.invoices, id, "getting invoice", func() (*Invoice, error) {
		p := &stripe.InvoiceParams{}
		p.Context = ctx
		for _, e := range invoiceExpand() {
			p.AddExpand(e)
		}
		inv, err := r.api.Invoices.Get(id, p)
		if err != nil {
			return nil, err
		}
		if inv.Customer != nil && expanded(inv.Customer.Object) {
			r.mu.Lock()
			r.customers[inv.Customer.ID] = toCustomer(inv.Customer)
			r.mu.Unlock()
		}
		var lines []*stripe.InvoiceLineItem
		more := false
		if inv.Lines != nil {
			lines = append(lines, inv.Lines.Data...)
			more = inv.Lines.HasMore
		}
		if more && len(lines) > 0 {
			rest, err := r.invoiceLines(ctx, id, lines[len(lines)-1].ID)
			if err != nil {
				return nil, err
			}
			lines = append(lines, rest...)
		}
		return toInvoice(inv, lines), nil
	})
}

// invoiceLines pages through an invoice's lines after the embedded ones.
func (r *Reader) invoiceLines(ctx context.Context, id, after string) ([]*stripe.InvoiceLineItem, error) {
	var out []*stripe.InvoiceLineItem
	err := r.pagesFrom(ctx, "listing lines of invoice "+id, after, func(after string) (string, bool, error) {
		p := &stripe.InvoiceListLinesParams{Invoice: stripe.String(id)}
		r.listParams(ctx, &p.ListParams, after)
		p.AddExpand("data.price.product")
		it := r.api.Invoices.ListLines(p)
		var page []*stripe.InvoiceLineItem
		for it.Next() {
			page = append(page, it.InvoiceLineItem())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		out = append(out, page...)
		return lastID(page, func(l *stripe.InvoiceLineItem) string { return l.ID }), it.Meta().HasMore, nil
	})
	return out, err
}

package payout

import (
	"context"
	"strings"

	"github.com/stripe/stripe-go/v76"
)

// Reads for real-time sync: each object as it is now, with the balance
// transactions the planner books it by. Stripe gives a charge, a refund
// and a dispute their balance transactions as soon as they happen, long
// before the payout that will contain them, so the planner can build
// exactly the records the payout's reconciliation will.

// Fresh returns a Reader on the same client with empty caches: what a
// real-time sync reads must be Stripe's current state, not what an
// earlier sync saw.
func (r *Reader) Fresh() *Reader {
	return &Reader{
		api: r.api, log: r.log, maxAttempts: r.maxAttempts, sleep: r.sleep, requests: r.requests,
		charges: map[string]*Charge{}, refunds: map[string]*Refund{}, disputes: map[string]*Dispute{},
		invoices: map[string]*Invoice{}, customers: map[string]*Customer{}, missing: map[string]bool{},
		invoiceNotes: map[string][]*CreditNote{},
	}
}

// Activity is a charge or a dispute as it is now, for real-time sync.
type Activity struct {
	// Snapshot holds the booked balance transactions (the charge's, its
	// refunds', a dispute's) and the objects they need. Its Payout is the
	// zero value but for Currency, the transactions' settlement currency.
	Snapshot *Snapshot
	// Charge is the charge's status ("succeeded", "pending", "failed")
	// and whether it is captured: only a captured, succeeded charge is
	// booked, and then its Snapshot has its transaction.
	ChargeStatus string
	Captured     bool
}

func newSnapshot() *Snapshot {
	return &Snapshot{
		Charges: map[string]*Charge{}, Refunds: map[string]*Refund{}, Disputes: map[string]*Dispute{},
		Invoices: map[string]*Invoice{}, Customers: map[string]*Customer{}, CreditNotes: map[string]*CreditNote{},
	}
}

// ChargeActivity reads a charge with its balance transaction, its refunds
// with theirs, its invoice and its customer. The error matches ErrNotFound
// when Stripe has no such charge.
func (r *Reader) ChargeActivity(ctx context.Context, id string) (*Activity, error) {
	snap := newSnapshot()
	act := &Activity{Snapshot: snap}
	if err := r.chargeInto(ctx, id, act); err != nil {
		return nil, err
	}
	return act, r.finishActivity(ctx, snap)
}

// chargeInto adds a charge, its transaction and its refunds to act.
func (r *Reader) chargeInto(ctx context.Context, id string, act *Activity) error {
	var c *stripe.Charge
	err := r.call(ctx, "getting charge "+id, func() (err error) {
		p := &stripe.ChargeParams{}
		p.Context = ctx
		p.AddExpand("customer")
		p.AddExpand("balance_transaction")
		c, err = r.api.Charges.Get(id, p)
		return err
	})
	if err != nil {
		return err
	}
	snap := act.Snapshot
	ch := toCharge(c)
	snap.Charges[ch.ID] = ch
	if c.Customer != nil && expanded(c.Customer.Object) {
		snap.Customers[c.Customer.ID] = toCustomer(c.Customer)
	}
	act.ChargeStatus, act.Captured = string(c.Status), c.Captured
	if c.Status != stripe.ChargeStatusSucceeded || !c.Captured || c.BalanceTransaction == nil {
		return nil
	}
	if err := r.addTxn(ctx, snap, c.BalanceTransaction); err != nil {
		return err
	}
	return r.refundsInto(ctx, ch.ID, snap)
}

// addTxn adds a balance transaction, fetching it when only its ID came.
func (r *Reader) addTxn(ctx context.Context, snap *Snapshot, bt *stripe.BalanceTransaction) error {
	if !expanded(bt.Object) {
		err := r.call(ctx, "getting balance transaction "+bt.ID, func() (err error) {
			p := &stripe.BalanceTransactionParams{}
			p.Context = ctx
			bt, err = r.api.BalanceTransactions.Get(bt.ID, p)
			return err
		})
		if err != nil {
			return err
		}
	}
	t := toBalanceTransaction(bt)
	if snap.Payout.Currency == "" {
		snap.Payout.Currency = strings.ToLower(t.Currency)
	}
	snap.Transactions = append(snap.Transactions, t)
	return nil
}

// refundsInto adds a charge's refunds that moved money (succeeded or
// pending: both have a balance transaction the payout will carry).
func (r *Reader) refundsInto(ctx context.Context, chargeID string, snap *Snapshot) error {
	var refunds []*stripe.Refund
	err := r.pages(ctx, "listing refunds of "+chargeID, func(after string) (string, bool, error) {
		p := &stripe.RefundListParams{Charge: stripe.String(chargeID)}
		r.listParams(ctx, &p.ListParams, after)
		p.AddExpand("data.balance_transaction")
		it := r.api.Refunds.List(p)
		var page []*stripe.Refund
		for it.Next() {
			page = append(page, it.Refund())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		refunds = append(refunds, page...)
		return lastID(page, func(x *stripe.Refund) string { return x.ID }), it.Meta().HasMore, nil
	})
	if err != nil {
		return err
	}
	for _, rf := range refunds {
		if rf.BalanceTransaction == nil || (rf.Status != stripe.RefundStatusSucceeded && rf.Status != stripe.RefundStatusPending) {
			continue
		}
		snap.Refunds[rf.ID] = toRefund(rf)
		if err := r.addTxn(ctx, snap, rf.BalanceTransaction); err != nil {
			return err
		}
	}
	return nil
}

// DisputeActivity reads a dispute with its balance transactions (funds
// withdrawn, and reinstated if it was won) and everything of its charge
// that ChargeActivity reads, so the dispute books even when it is the
// first event about the charge to arrive.
func (r *Reader) DisputeActivity(ctx context.Context, id string) (*Activity, error) {
	var d *stripe.Dispute
	err := r.call(ctx, "getting dispute "+id, func() (err error) {
		p := &stripe.DisputeParams{}
		p.Context = ctx
		d, err = r.api.Disputes.Get(id, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	snap := newSnapshot()
	act := &Activity{Snapshot: snap}
	dp := toDispute(d)
	snap.Disputes[dp.ID] = dp
	if dp.Charge != "" {
		if err := r.chargeInto(ctx, dp.Charge, act); err != nil {
			return nil, err
		}
	}
	for _, bt := range d.BalanceTransactions {
		if bt != nil {
			if err := r.addTxn(ctx, snap, bt); err != nil {
				return nil, err
			}
		}
	}
	return act, r.finishActivity(ctx, snap)
}

// finishActivity reads the invoices the charges pay and every customer.
func (r *Reader) finishActivity(ctx context.Context, snap *Snapshot) error {
	for _, id := range sortedKeys(snap.Charges) {
		if inv := snap.Charges[id].Invoice; inv != "" {
			got, err := r.invoice(ctx, inv, true)
			if err != nil {
				return err
			}
			if got != nil {
				snap.Invoices[got.ID] = got
			}
		}
	}
	if err := r.readCreditNotes(ctx, snap); err != nil {
		return err
	}
	for id, c := range snap.Customers {
		r.mu.Lock()
		r.customers[id] = c
		r.mu.Unlock()
	}
	return r.readCustomers(ctx, snap)
}

// Customer reads a customer as it is now; the error matches ErrNotFound
// when Stripe has no such customer.
func (r *Reader) Customer(ctx context.Context, id string) (*Customer, error) {
	c, err := r.customer(ctx, id)
	if err == nil && c == nil {
		err = &Error{What: "getting customer " + id, Err: notFound("customer")}
	}
	return c, err
}

// Price reads a price with its product's name.
func (r *Reader) Price(ctx context.Context, id string) (Price, error) {
	var p *stripe.Price
	err := r.call(ctx, "getting price "+id, func() (err error) {
		params := &stripe.PriceParams{}
		params.Context = ctx
		params.AddExpand("product")
		p, err = r.api.Prices.Get(id, params)
		return err
	})
	if err != nil {
		return Price{}, err
	}
	out := Price{ID: p.ID, Nickname: p.Nickname, UnitAmount: p.UnitAmount, Metadata: p.Metadata}
	if p.Product != nil {
		out.ProductID, out.ProductName = p.Product.ID, p.Product.Name
	}
	return out, nil
}

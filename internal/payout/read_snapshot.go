package payout

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stripe/stripe-go/v76"
)

// listTxns lists every balance transaction of an automatic payout, with
// their sources expanded when o says so.
func (r *Reader) listTxns(ctx context.Context, payoutID string, o ReadOptions) ([]BalanceTransaction, error) {
	var out []BalanceTransaction
	what := "listing balance transactions of " + payoutID
	err := r.pages(ctx, what, func(after string) (string, bool, error) {
		params := &stripe.BalanceTransactionListParams{Payout: stripe.String(payoutID)}
		r.listParams(ctx, &params.ListParams, after)
		if o.expandSources() {
			for _, e := range balanceTxnExpand() {
				params.AddExpand(e)
			}
		}
		it := r.api.BalanceTransactions.List(params)
		var page []*stripe.BalanceTransaction
		for it.Next() {
			page = append(page, it.BalanceTransaction())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		for _, t := range page {
			out = append(out, toBalanceTransaction(t))
			r.keepSource(t.Source)
		}
		return lastID(page, func(t *stripe.BalanceTransaction) string { return t.ID }), it.Meta().HasMore, nil
	})
	return out, err
}

// Snapshot reads an automatic payout's balance transactions and every
// object they need (DepthDetailed). Objects Stripe no longer has (404) are
// left out for the planner to hold the payout on; any other failure is an
// error.
func (r *Reader) Snapshot(ctx context.Context, p Payout) (*Snapshot, error) {
	return r.SnapshotWith(ctx, p, ReadOptions{})
}

// SnapshotWith is Snapshot reading only what o's depth needs (depth.go).
func (r *Reader) SnapshotWith(ctx context.Context, p Payout, o ReadOptions) (*Snapshot, error) {
	if !p.Automatic {
		return nil, fmt.Errorf("stripe: payout %s is manual (automatic=false): Stripe cannot list its balance transactions", p.ID)
	}
	steps, ok := r.readSteps()[o.Depth]
	if !ok {
		return nil, fmt.Errorf("stripe: read depth %d is not one of payout.Depth's", o.Depth)
	}
	snap := &Snapshot{
		Payout:    p,
		Charges:   map[string]*Charge{},
		Refunds:   map[string]*Refund{},
		Disputes:  map[string]*Dispute{},
		Invoices:  map[string]*Invoice{},
		Customers: map[string]*Customer{},

		CreditNotes: map[string]*CreditNote{},
	}
	txns, err := r.listTxns(ctx, p.ID, o)
	if err != nil {
		return nil, err
	}
	carried, err := r.carriedTxns(ctx, p.ID, txns, o)
	if err != nil {
		return nil, err
	}
	snap.Transactions = append(txns, carried...)
	for _, step := range steps {
		if err := step(ctx, snap); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// readSteps are what each depth reads after the balance transactions, in
// order. DepthDetailed walks from the transactions outwards: sources, then
// the charges that refunds and disputes point at, then invoices (whose
// expansion brings their customers), their credit notes, then any customer
// still unknown.
func (r *Reader) readSteps() map[Depth][]func(context.Context, *Snapshot) error {
	return map[Depth][]func(context.Context, *Snapshot) error{
		DepthDetailed:   {r.readSources, r.readParentCharges, r.readInvoices, r.readCreditNotes, r.readCustomers},
		DepthSummary:    nil,
		DepthSummaryTax: {r.readTaxInvoices},
	}
}

// carriedTxns lists what earlier failed or cancelled payouts carried into
// payout payoutID. A failed or cancelled payout's funds come back as one
// transaction in a later payout; what they were (charges, refunds, fees)
// was never deposited, so fetch it to account for it here, record by
// record.
func (r *Reader) carriedTxns(ctx context.Context, payoutID string, txns []BalanceTransaction, o ReadOptions) ([]BalanceTransaction, error) {
	var out []BalanceTransaction
	for _, t := range txns {
		if (t.Type != "payout_failure" && t.Type != "payout_cancel") || !strings.HasPrefix(t.Source, "po_") || t.Source == payoutID {
			continue
		}
		carried, err := r.listTxns(ctx, t.Source, o)
		if err != nil {
			return nil, err
		}
		for _, c := range carried {
			if c.Type == "payout" && c.Source == t.Source {
				continue // the failed payout's own withdrawal
			}
			c.Via = t.ID
			out = append(out, c)
		}
	}
	return out, nil
}

// readSources reads the charge, refund or dispute behind each transaction
// (normally expanded on the list pages already).
func (r *Reader) readSources(ctx context.Context, snap *Snapshot) error {
	ids := map[string][]string{}
	for _, t := range snap.Transactions {
		ids[t.SourceType] = append(ids[t.SourceType], t.Source)
	}
	if err := fetchInto(ctx, r, ids["charge"], r.charge, snap.Charges); err != nil {
		return err
	}
	if err := fetchInto(ctx, r, ids["refund"], r.refund, snap.Refunds); err != nil {
		return err
	}
	return fetchInto(ctx, r, ids["dispute"], r.dispute, snap.Disputes)
}

// readParentCharges reads the charges that refunds and disputes point at.
func (r *Reader) readParentCharges(ctx context.Context, snap *Snapshot) error {
	var parents []string
	for _, rf := range snap.Refunds {
		parents = append(parents, rf.Charge)
	}
	for _, d := range snap.Disputes {
		parents = append(parents, d.Charge)
	}
	return fetchInto(ctx, r, parents, r.charge, snap.Charges)
}

// readInvoices reads the invoices the charges pay, each with all its lines.
func (r *Reader) readInvoices(ctx context.Context, snap *Snapshot) error {
	var ids []string
	for _, c := range snap.Charges {
		ids = append(ids, c.Invoice)
	}
	return fetchInto(ctx, r, ids, func(ctx context.Context, id string) (*Invoice, error) {
		return r.invoice(ctx, id, false)
	}, snap.Invoices)
}

// readCustomers reads the customers of the charges and invoices.
func (r *Reader) readCustomers(ctx context.Context, snap *Snapshot) error {
	var ids []string
	for _, c := range snap.Charges {
		ids = append(ids, c.Customer)
	}
	for _, inv := range snap.Invoices {
		ids = append(ids, inv.Customer)
	}
	return fetchInto(ctx, r, ids, r.customer, snap.Customers)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

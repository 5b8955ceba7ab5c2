package payout

import (
	"context"

	"github.com/stripe/stripe-go/v76"
)

// Depth is how much of a payout a snapshot reads: what the planner of one
// mode needs, and nothing it does not.
type Depth int

const (
	// DepthDetailed reads everything detailed mode and the export need:
	// the balance transactions with their sources, the charges of refunds
	// and disputes, every invoice with all its lines, credit notes and
	// customers. The default.
	DepthDetailed Depth = iota
	// DepthSummary reads the payout's balance transactions alone (their
	// amounts, categories and fee_details are all a summary journal entry
	// books): one list page per 100 transactions, nothing per object.
	DepthSummary
	// DepthSummaryTax is DepthSummary plus what splitting the tax of paid
	// invoices out of sales needs (accounts.sales_tax): the sources
	// expanded on the list pages (a charge names its invoice) and, once
	// per distinct invoice, the invoice object alone — its tax, total and
	// currency; no lines, customers or credit notes.
	DepthSummaryTax
)

// ReadOptions choose how a Snapshot reads a payout.
type ReadOptions struct {
	Depth Depth
}

// expandSources reports whether the balance-transaction pages expand
// their sources.
func (o ReadOptions) expandSources() bool { return o.Depth != DepthSummary }

// View is a Reader whose Snapshot reads at fixed options: a reconcile run
// in summary mode hands its planner a View at a summary depth, while the
// export keeps the Reader's full read. Everything else is the Reader's.
type View struct {
	*Reader
	Options ReadOptions
}

// Snapshot reads p at the View's options.
func (v View) Snapshot(ctx context.Context, p Payout) (*Snapshot, error) {
	return v.SnapshotWith(ctx, p, v.Options)
}

// readTaxInvoices reads, for DepthSummaryTax, the charges behind the
// payout's charge transactions (expanded on the list pages, so normally
// no request) and the totals of the invoices they paid.
func (r *Reader) readTaxInvoices(ctx context.Context, snap *Snapshot) error {
	var chargeIDs []string
	for _, t := range snap.Transactions {
		if t.SourceType == "charge" {
			chargeIDs = append(chargeIDs, t.Source)
		}
	}
	if err := fetchInto(ctx, r, chargeIDs, r.charge, snap.Charges); err != nil {
		return err
	}
	var invoiceIDs []string
	for _, c := range snap.Charges {
		invoiceIDs = append(invoiceIDs, c.Invoice)
	}
	return fetchInto(ctx, r, invoiceIDs, r.invoiceTotals, snap.Invoices)
}

// invoiceTotals gets an invoice object without expansions or line pages:
// its Lines are left empty. Cached apart from full invoices, so a full
// read in the same run never sees an invoice without its lines.
func (r *Reader) invoiceTotals(ctx context.Context, id string) (*Invoice, error) {
	return fetch(ctx, r, r.invoiceTotalsCache, id, "getting invoice", func() (*Invoice, error) {
		p := &stripe.InvoiceParams{}
		p.Context = ctx
		inv, err := r.api.Invoices.Get(id, p)
		if err != nil {
			return nil, err
		}
		return toInvoice(inv, nil), nil
	})
}

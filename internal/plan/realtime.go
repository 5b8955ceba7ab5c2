package plan

import (
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// BuildRealtime plans, outside any payout, the NetSuite records of the
// balance transactions in snap (a charge with its refunds, a dispute with
// its charge): customers, items, invoices, customer payments, credit memos
// and customer refunds, exactly as Build plans them when the payout comes,
// with the same external IDs and bodies. Only the deposit is left out:
// what a payout's deposit alone carries (fees, dispute reversals, other
// categories) waits for the payout.
//
// That is what lets the real-time and the daily modes mix: the daily run
// plans these same records, finds them done in the ledger (or upserts
// them by external ID to the same body) and adds only the deposit.
//
// snap.Payout names no payout; its Currency must be the transactions'
// (the settlement currency the payout will have).
func BuildRealtime(snap *payout.Snapshot, s Settings, known Known) *Plan {
	b := newBuilder(snap, s, known, &Plan{Kind: KindRealtime}, snap.Payout.Currency)
	// A scratch deposit takes the payments and lines the builder adds; it
	// is never planned.
	b.dep = &netsuite.Deposit{}
	for _, bt := range b.oldestFirst() {
		b.txn(bt)
	}
	b.validateRefs()
	return b.plan
}

// BuildCustomer plans the NetSuite customer of a Stripe customer as a
// payment of theirs would (customer.created): nothing when
// customers.mode is global or the customer is linked by metadata
// netsuite_customer_id or matched by email (known implements
// CustomerMatcher), else the customer record.
func BuildCustomer(c *payout.Customer, s Settings, known Known) *Plan {
	snap := &payout.Snapshot{Customers: map[string]*payout.Customer{c.ID: c}}
	b := newBuilder(snap, s, known, &Plan{Kind: KindRealtime}, "")
	if c.Deleted {
		b.problem(outcome.CodeMissingObject, c.ID, "nothing to do", "customer %s is deleted in Stripe", c.ID)
		return b.plan
	}
	b.customer(&payout.Charge{ID: c.ID, Customer: c.ID}, c.ID)
	return b.plan
}

// BuildPrice plans the NetSuite item of a Stripe price as an invoice line
// billed at it would (price.created): nothing when items.global is set or
// the price is linked to an item by metadata, else a service sale item.
func BuildPrice(p payout.Price, s Settings, known Known) *Plan {
	b := newBuilder(&payout.Snapshot{}, s, known, &Plan{Kind: KindRealtime}, "")
	b.priceItem(payout.InvoiceLine{Price: p}, p.ID)
	return b.plan
}

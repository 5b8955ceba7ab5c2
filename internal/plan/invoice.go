package plan

import (
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
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
// The result is an invoice plan: Payout is the zero value (see
// IsInvoicePlan), DepositTotal is 0 and no record is a deposit.
func BuildInvoice(inv *payout.Invoice, cust *payout.Customer, s Settings, known Known) *Plan {
	if known == nil {
		known = KnownSet(nil)
	}
	b := &builder{
		snap: &payout.Snapshot{
			Invoices:  map[string]*payout.Invoice{inv.ID: inv},
			Customers: map[string]*payout.Customer{},
		},
		s:     s,
		known: known,
		plan:  &Plan{},
		index: make(map[string]int),
		cur:   strings.ToLower(inv.Currency),
	}
	if cust != nil {
		b.snap.Customers[cust.ID] = cust
	}
	b.buildInvoice(inv)
	b.validateRefs()
	return b.plan
}

// IsInvoicePlan reports whether p came from BuildInvoice rather than Build:
// a payout plan always names its payout, an invoice plan never does.
func (p *Plan) IsInvoicePlan() bool { return p.Payout.ID == "" }

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

package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// knownSet is what earlier payouts made: the ledger's records plus the
// records of payouts planned ready earlier in this run.
type knownSet struct {
	ledger  plan.Known
	planned map[string]bool
	remote  map[string]bool   // found in NetSuite by external ID this run
	emails  map[string]string // lower-case email → NetSuite customer ID ("" = none)
}

func (k knownSet) CustomerByEmail(email string) (string, bool) {
	id := k.emails[email]
	return id, id != ""
}

// findParents looks in NetSuite for the records that refunds and disputes
// of charges from earlier payouts apply to, when neither the ledger nor this
// run knows them: the payment (plain charges) or the invoice.
func (r *Runner) findParents(ctx context.Context, snap *payout.Snapshot, known knownSet) error {
	if r.Records == nil {
		return nil
	}
	inPayout := map[string]bool{}
	for _, bt := range snap.Transactions {
		if bt.ReportingCategory == "charge" {
			inPayout[bt.Source] = true
		}
	}
	var charges []string
	for _, rf := range snap.Refunds {
		charges = append(charges, rf.Charge)
	}
	for _, d := range snap.Disputes {
		charges = append(charges, d.Charge)
	}
	slices.Sort(charges)
	for _, id := range slices.Compact(charges) {
		ch := snap.Charges[id]
		if ch == nil || inPayout[id] {
			continue
		}
		typ, ext := netsuite.TypeCustomerPayment, plan.ExternalID(ch.ID)
		if ch.Invoice != "" {
			typ, ext = netsuite.TypeInvoice, plan.ExternalID(ch.Invoice)
		}
		if known.Has(ext) {
			continue
		}
		switch _, err := r.Records.FindByExternalID(ctx, typ, ext); {
		case err == nil:
			known.remote[ext] = true
		case errors.Is(err, netsuite.ErrNotFound):
		default:
			return fmt.Errorf("looking up %s %s in NetSuite: %w", typ, ext, err)
		}
	}
	return nil
}

// matchEmails looks up, once per run, the NetSuite customer of every email
// address the payout's customers use.
func (r *Runner) matchEmails(ctx context.Context, snap *payout.Snapshot, known knownSet) error {
	var emails []string
	for _, c := range snap.Customers {
		emails = append(emails, c.Email)
	}
	for _, ch := range snap.Charges {
		if ch.Customer == "" {
			emails = append(emails, ch.BillingEmail, ch.ReceiptEmail)
		}
	}
	slices.Sort(emails)
	for _, e := range slices.Compact(emails) {
		e = strings.ToLower(strings.TrimSpace(e))
		if _, done := known.emails[e]; done || e == "" {
			continue
		}
		id, _, err := r.Customers.FindCustomerByEmail(ctx, e)
		if err != nil {
			return fmt.Errorf("matching customers by email in NetSuite: %w", err)
		}
		known.emails[e] = id
	}
	return nil
}

func (k knownSet) Has(id string) bool {
	return k.planned[id] || k.remote[id] || (k.ledger != nil && k.ledger.Has(id))
}

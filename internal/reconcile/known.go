package reconcile

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// dryRun: planned records were not written, though a real run would
	// have written them before the payouts that follow.
	dryRun bool
	remote map[string]bool   // found in NetSuite by external ID this run
	emails map[string]string // lower-case email → NetSuite customer ID ("" = none)
	// verified holds "table:ID" of customers and items found in NetSuite
	// this run (verify.go); open, per external ID, what is open on a
	// transaction of an earlier payout, read for the payout being planned.
	verified map[string]bool
	open     map[string]string
	// absent holds "table:ID" of internal IDs looked up this run and not
	// found; kinds, what verified records are (netsuite.Found.Kind); keys,
	// the config keys that name each "table:ID" (configKeys).
	absent     map[string]bool
	kinds      map[string]string
	keys       map[string][]string
	refundable map[string]int64 // charge ID → what payouts planned ready this run left refundable
	// looked holds the transactions findParents asked NetSuite about for
	// the payout being planned (found or not: remote says).
	looked map[string]bool
}

// Refundable is what this run's earlier payouts left refundable on a
// charge (plan.RunMemory).
func (k knownSet) Refundable(chargeID string) (int64, bool) {
	v, ok := k.refundable[chargeID]
	return v, ok
}

// OpenAmount is what NetSuite has open on a transaction of an earlier
// payout (plan.OpenAmounts).
func (k knownSet) OpenAmount(externalID string) (string, bool) {
	v, ok := k.open[externalID]
	return v, ok
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
	clear(known.open)
	clear(known.looked)
	if v, ok := r.Records.(Verifier); ok {
		return findParentsBatched(ctx, v, parentIDs(snap), reversalIDs(snap), known)
	}
	for _, id := range parentIDs(snap) {
		if known.Has(id.ext) {
			continue
		}
		switch _, err := r.Records.FindByExternalID(ctx, id.typ, id.ext); {
		case err == nil:
			known.remote[id.ext] = true
		case errors.Is(err, netsuite.ErrNotFound):
		default:
			return fmt.Errorf("looking up %s %s in NetSuite: %w", id.typ, id.ext, err)
		}
	}
	return nil
}

type parentID struct{ typ, ext string }

// reversalIDs are the external IDs of the customer refunds of the
// payout's refunds and disputes.
func reversalIDs(snap *payout.Snapshot) []string {
	var out []string
	for id := range snap.Refunds {
		out = append(out, plan.ExternalID(id))
	}
	for id := range snap.Disputes {
		out = append(out, plan.ExternalID(id))
	}
	slices.Sort(out)
	return out
}

// parentIDs are the records refunds and disputes of charges from earlier
// payouts apply to: the payment (plain charges) or the invoice.
func parentIDs(snap *payout.Snapshot) []parentID {
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
	var out []parentID
	for _, id := range slices.Compact(charges) {
		ch := snap.Charges[id]
		if ch == nil || inPayout[id] {
			continue
		}
		p := parentID{netsuite.TypeCustomerPayment, plan.ExternalID(ch.ID)}
		if ch.Invoice != "" {
			p = parentID{netsuite.TypeInvoice, plan.ExternalID(ch.Invoice)}
		}
		out = append(out, p)
	}
	return out
}

// findParentsBatched finds the parents in one query (per LookupBatch),
// with what is open on each, also for those the ledger knows: what earlier
// refunds left open decides how much a new one can apply.
func findParentsBatched(ctx context.Context, v Verifier, ids []parentID, reversals []string, known knownSet) error {
	if len(ids) == 0 {
		return nil
	}
	exts := make([]string, len(ids), len(ids)+len(reversals))
	for i, id := range ids {
		exts[i] = id.ext
	}
	// The refunds and disputes themselves, in the same query: one that
	// exists already is inside what NetSuite says is open.
	exts = append(exts, reversals...)
	for _, e := range exts {
		known.looked[e] = true
	}
	found, err := v.LookUp(ctx, netsuite.TableTransaction, nil, exts)
	if err != nil {
		return err
	}
	for _, f := range found {
		known.remote[f.ExternalID] = true
		if f.Open != "" {
			known.open[f.ExternalID] = f.Open
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

// remember makes pl's records and what its charges leave refundable known to
// the payouts planned after it in this run.
func (k knownSet) remember(pl *plan.Plan) {
	for _, rec := range pl.Records {
		k.planned[rec.ExternalID] = true
	}
	maps.Copy(k.refundable, pl.Refundable)
}

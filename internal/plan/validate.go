package plan

import (
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// validate checks the invariants that must hold before anything is pushed:
//  1. Σ net of the payout's balance transactions = payout amount;
//  2. the planned deposit total = payout amount;
//  3. every reference resolves (mappings were checked as records were
//     built; here: every nsrecon-made record referenced is planned earlier
//     or already exists).
func (b *builder) validate() {
	po := b.snap.Payout
	if !po.Automatic || !money.Known(b.cur) || (b.dep == nil && b.je == nil) {
		return
	}
	var sum int64
	for i := range b.snap.Transactions {
		bt := &b.snap.Transactions[i]
		// Transactions carried in from a failed payout are already counted
		// by the failure transaction that returned them.
		if !b.isOwnPayoutTxn(bt) && bt.Via == "" {
			sum += bt.Net
		}
	}
	ccy := strings.ToUpper(b.cur)
	if sum != po.Amount {
		b.problem(outcome.CodeSumMismatch, po.ID, "check the payout in the Stripe Dashboard; re-run once Stripe's data is complete",
			"payout %s is %s %s but its %d balance transactions net to %s %s (difference %s)",
			po.ID, money.Format(po.Amount, b.cur), ccy, len(b.snap.Transactions),
			money.Format(sum, b.cur), ccy, money.Format(po.Amount-sum, b.cur))
	}
	// With a transaction-level problem or a sum mismatch the deposit is
	// known to be off; reporting that too would only bury the cause.
	if b.lineProblems == 0 && sum == po.Amount && b.plan.DepositTotal != b.depositTarget() {
		b.problem(outcome.CodeDepositMismatch, po.ID, "report this to the nsrecon maintainers with the payout ID",
			"planned deposit for %s totals %s %s, payout is %s %s",
			po.ID, money.Format(b.plan.DepositTotal, b.cur), ccy, money.Format(po.Amount, b.cur), ccy)
	}
	b.validateRefs()
}

// validateRefs checks that every nsrecon-made record a record references is
// planned before it or already exists. Invoice plans need only this check.
func (b *builder) validateRefs() {
	seen := make(map[string]bool, len(b.plan.Records))
	for _, r := range b.plan.Records {
		for _, d := range r.Deps {
			if !seen[d] && !b.known.Has(d) {
				b.problem(outcome.CodeUnresolvedRef, r.Source, "",
					"%s %s references %s, which is neither planned before it nor in NetSuite", r.Type, r.ExternalID, d)
			}
		}
		seen[r.ExternalID] = true
	}
}

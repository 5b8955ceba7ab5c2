package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// resolvable reports whether ledger resolve takes a payout in this state:
// one a run held or failed (its own hint says so). A reconciled payout has
// nothing to resolve.
func resolvable(s outcome.Status) bool { return s == outcome.Held || s == outcome.Failed }

// completePayouts completes payout IDs from the ledger: every payout,
// newest first, or with keep only the unreconciled ones keep accepts. It
// never creates a ledger.
func (f *Factory) completePayouts(keep func(outcome.Status) bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		if len(args) > 0 {
			return nil, none
		}
		l, err := f.ExistingLedger()
		if err != nil || l == nil {
			return nil, none
		}
		if keep == nil {
			ids, _ := l.PayoutIDs(cmd.Context(), toComplete, 200)
			return ids, none
		}
		return unreconciled(cmd, l, toComplete, keep), none
	}
}

// unreconciled are the payouts not reconciled (few: the ones that need a
// person) whose ID starts with prefix and whose state keep accepts.
func unreconciled(cmd *cobra.Command, l *ledger.Ledger, prefix string, keep func(outcome.Status) bool) []string {
	ids, err := l.PayoutsToRetry(cmd.Context())
	if err != nil {
		return nil
	}
	var out []string
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		if ps, ok, err := l.Payout(cmd.Context(), id); err == nil && ok && keep(ps.Status) {
			out = append(out, id)
		}
	}
	return out
}

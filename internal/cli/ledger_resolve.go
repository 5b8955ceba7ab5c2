package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// LedgerResolveOptions is nsrecon ledger resolve's command line.
type LedgerResolveOptions struct {
	Factory *Factory
	Payout  string
	Note    string
}

// NewCmdLedgerResolve is nsrecon ledger resolve; runF, when set, runs
// instead of ledgerResolveRun.
func NewCmdLedgerResolve(f *Factory, runF func(*LedgerResolveOptions) error) *cobra.Command {
	opts := &LedgerResolveOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "resolve po_… --note TEXT",
		Short: "Record that a held or failed payout was reconciled by hand, so runs stop retrying it",
		Long: `Record that a held or failed payout was reconciled by hand in NetSuite (a manual
payout, or one finance fixed directly), so later runs report it as reconciled
and stop retrying it. The note says what was done; it is kept in the ledger.`,
		Args: oneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Payout = args[0]
			if runF != nil {
				return runF(opts)
			}
			return ledgerResolveRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Note, "note", "", "what was done by hand (required)")
	return cmd
}

func ledgerResolveRun(cmd *cobra.Command, opts *LedgerResolveOptions) error {
	f, id := opts.Factory, opts.Payout
	if strings.TrimSpace(opts.Note) == "" {
		return usageErr(errors.New("--note is required: say what was done and where"), `nsrecon ledger resolve po_… --note "deposit 4711 entered by hand"`)
	}
	l, err := existingLedger(f)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	ps, ok, err := l.Payout(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return usageErr(fmt.Errorf("payout %s is not in the ledger %s", id, l.Path()), "only payouts a run has held or failed can be resolved")
	}
	if ps.Status == outcome.Reconciled {
		return usageErr(fmt.Errorf("payout %s is already reconciled", id), "")
	}
	if ps.Status != outcome.Held && ps.Status != outcome.Failed {
		// ready: listed by a run and not processed yet (or waiting for
		// Stripe): the next run reconciles it.
		return usageErr(fmt.Errorf("payout %s is %s, not held or failed: the next run reconciles it", id, ps.Status),
			"only payouts a run has held or failed can be resolved; see nsrecon ledger show "+id)
	}
	problems, err := json.Marshal([]outcome.Problem{{Code: "RESOLVED_BY_HAND", Object: id, Message: opts.Note}})
	if err != nil {
		return err
	}
	ps.Status, ps.Problems = outcome.Reconciled, problems
	if err := l.SetPayout(ctx, ps); err != nil {
		return err
	}
	fmt.Fprintf(f.Stdout, "payout %s marked reconciled by hand\n", id)
	return nil
}

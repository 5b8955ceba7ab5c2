package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/report"
)

// LedgerRunsOptions is nsrecon ledger runs's command line.
type LedgerRunsOptions struct {
	Factory *Factory
	Format  string
	Limit   int
}

// NewCmdLedgerRuns is nsrecon ledger runs; runF, when set, runs instead of
// ledgerRunsRun.
func NewCmdLedgerRuns(f *Factory, runF func(*LedgerRunsOptions) error) *cobra.Command {
	opts := &LedgerRunsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List recent runs (newest first)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Format = ledgerFormat(cmd)
			if runF != nil {
				return runF(opts)
			}
			return ledgerRunsRun(cmd, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 20, "how many runs")
	return cmd
}

func ledgerRunsRun(cmd *cobra.Command, opts *LedgerRunsOptions) error {
	if err := checkLedgerFormat(opts.Format); err != nil {
		return err
	}
	f := opts.Factory
	l, err := existingLedger(f)
	if err != nil {
		return err
	}
	rows, err := l.Runs(cmd.Context(), opts.Limit)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeJSON(f, newRunsDoc(rows))
	}
	t := report.NewTable(f.Stdout)
	t.Header("Run", "Started", "Ended", "Window", "Dry", "Payouts", "Reconciled", "Held", "Failed", "Records", "Outcome")
	for _, r := range rows {
		t.Append(fmt.Sprint(r.ID), ts(r.StartedAt), ts(r.EndedAt),
			window(r.RunInfo),
			yesNo(r.DryRun), fmt.Sprint(r.PayoutsTotal), fmt.Sprint(r.PayoutsReconciled),
			fmt.Sprint(r.PayoutsHeld), fmt.Sprint(r.PayoutsFailed), fmt.Sprint(r.RecordsPushed),
			firstNonEmpty(r.Outcome, "running or killed"))
	}
	return t.Render()
}

// window is a run's arrival window, both days inclusive; a --payout run
// has none.
func window(ri ledger.RunInfo) string {
	if ri.WindowFrom.IsZero() && ri.WindowTo.IsZero() {
		return "(--payout)"
	}
	return ri.WindowFrom.Format(time.DateOnly) + " … " + ri.WindowTo.Format(time.DateOnly)
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/report"
)

func newLedgerCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Inspect the local sync ledger: runs, and what exists in NetSuite for a payout",
	}
	var format string
	var limit int
	runs := &cobra.Command{
		Use:   "runs",
		Short: "List recent runs (newest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, closeFn, err := f.openExistingLedger(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			rows, err := l.Runs(cmd.Context(), limit)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(f, rows)
			}
			t := report.NewTable(f.Stdout)
			t.Header("Run", "Started", "Ended", "Window", "Dry", "Payouts", "Reconciled", "Held", "Failed", "Records", "Outcome")
			for _, r := range rows {
				t.Append(fmt.Sprint(r.ID), ts(r.StartedAt), ts(r.EndedAt),
					r.WindowFrom.Format(time.DateOnly)+" … "+r.WindowTo.Format(time.DateOnly),
					yesNo(r.DryRun), fmt.Sprint(r.PayoutsTotal), fmt.Sprint(r.PayoutsReconciled),
					fmt.Sprint(r.PayoutsHeld), fmt.Sprint(r.PayoutsFailed), fmt.Sprint(r.RecordsPushed),
					firstNonEmpty(r.Outcome, "running or killed"))
			}
			return t.Render()
		},
	}
	runs.Flags().IntVar(&limit, "limit", 20, "how many runs")
	show := &cobra.Command{
		Use:   "show po_…",
		Short: "Show a payout's state and every NetSuite record nsrecon made for it, with internal IDs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, closeFn, err := f.openExistingLedger(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			ps, ok, err := l.Payout(ctx, args[0])
			if err != nil {
				return err
			}
			recs, err := l.PayoutRecords(ctx, args[0])
			if err != nil {
				return err
			}
			if !ok && len(recs) == 0 {
				return usageErr(fmt.Errorf("payout %s is not in the ledger %s", args[0], l.Path()), "nsrecon ledger runs, or reconcile it first")
			}
			if format == "json" {
				return writeJSON(f, map[string]any{"payout": ps, "records": recs})
			}
			fmt.Fprintf(f.Stdout, "Payout %s: %s", args[0], firstNonEmpty(string(ps.Status), "unknown"))
			if ps.DepositID != "" {
				fmt.Fprintf(f.Stdout, ", deposit %s", ps.DepositID)
			}
			fmt.Fprintln(f.Stdout)
			var problems []outcome.Problem
			_ = json.Unmarshal(ps.Problems, &problems) // best effort: older rows may differ
			for _, p := range problems {
				fmt.Fprintf(f.Stdout, "  %s %s: %s\n", p.Code, p.Object, p.Message)
			}
			t := report.NewTable(f.Stdout)
			t.Header("Type", "External ID", "Stripe", "Internal ID", "Status", "Attempts", "Last error")
			for _, r := range recs {
				t.Append(r.Type, r.ExternalID, r.Source, r.InternalID, r.Status, fmt.Sprint(r.Attempts), r.LastError)
			}
			return t.Render()
		},
	}
	var note string
	resolve := &cobra.Command{
		Use:   "resolve po_… --note TEXT",
		Short: "Record that a held or failed payout was reconciled by hand, so runs stop retrying it",
		Long: `Record that a held or failed payout was reconciled by hand in NetSuite (a manual
payout, or one finance fixed directly), so later runs report it as reconciled
and stop retrying it. The note says what was done; it is kept in the ledger.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(note) == "" {
				return usageErr(errors.New("--note is required: say what was done and where"), `nsrecon ledger resolve po_… --note "deposit 4711 entered by hand"`)
			}
			l, closeFn, err := f.openExistingLedger(cmd)
			if err != nil {
				return err
			}
			defer closeFn()
			ctx := cmd.Context()
			ps, ok, err := l.Payout(ctx, args[0])
			if err != nil {
				return err
			}
			if !ok {
				return usageErr(fmt.Errorf("payout %s is not in the ledger %s", args[0], l.Path()), "only payouts a run has held or failed can be resolved")
			}
			if ps.Status == outcome.Reconciled {
				return usageErr(fmt.Errorf("payout %s is already reconciled", args[0]), "")
			}
			problems, err := json.Marshal([]outcome.Problem{{Code: "RESOLVED_BY_HAND", Object: args[0], Message: note}})
			if err != nil {
				return err
			}
			ps.Status, ps.Problems = outcome.Reconciled, problems
			if err := l.SetPayout(ctx, ps); err != nil {
				return err
			}
			fmt.Fprintf(f.Stdout, "payout %s marked reconciled by hand\n", args[0])
			return nil
		},
	}
	resolve.Flags().StringVar(&note, "note", "", "what was done by hand (required)")
	cmd.PersistentFlags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.AddCommand(runs, show, resolve)
	return cmd
}

func (f *Factory) openExistingLedger(cmd *cobra.Command) (*ledger.Ledger, func(), error) {
	cfg, err := f.parseConfig() // reading the ledger needs no mappings or credentials
	if err != nil {
		return nil, nil, err
	}
	path := cfg.Ledger.Path
	if path == "" {
		path = config.DefaultLedgerPath()
	}
	l, closeFn, err := openLedger(cmd.Context(), path, true)
	if err != nil {
		return nil, nil, err
	}
	if l == nil {
		return nil, nil, usageErr(fmt.Errorf("no ledger at %s", path), "run nsrecon reconcile first, or pass --ledger")
	}
	return l, closeFn, nil
}

func writeJSON(f *Factory, v any) error {
	enc := json.NewEncoder(f.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func newConfigCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check or show the configuration"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the config (file, NSRECON_* env, flags) and list every problem",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.parseConfig()
			if err != nil {
				return err
			}
			// Every rule at once: what a dry run needs, what pushing needs.
			all := &config.Error{}
			for _, check := range []func() error{cfg.Validate, cfg.ValidateStripe, cfg.ValidateForPush} {
				var ce *config.Error
				if err := check(); errors.As(err, &ce) {
					all.Problems = append(all.Problems, ce.Problems...)
				} else if err != nil {
					return err
				}
			}
			if len(all.Problems) > 0 {
				return all
			}
			fmt.Fprintln(f.Stdout, "config OK")
			return nil
		},
	}, &cobra.Command{
		Use:   "show",
		Short: "Print the effective config with secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.parseConfig() // shows an incomplete config too: that is when it helps
			if err != nil {
				return err
			}
			return writeJSON(f, cfg.Redacted())
		},
	})
	return cmd
}

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(f.Stdout, "nsrecon %s\n", f.Version)
		},
	}
}

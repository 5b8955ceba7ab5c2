package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/export"
)

// ExportOptions is nsrecon export's command line.
type ExportOptions struct {
	Factory  *Factory
	From, To string
	Payouts  []string
	Format   string
	Output   string
}

// exportFormats are the export's formats and their writers.
var exportFormats = map[string]func(io.Writer) (export.Writer, error){
	"csv":  export.NewCSV,
	"json": export.NewJSON,
	"xlsx": export.NewXLSX,
}

// NewCmdExport is nsrecon export; runF, when set, runs instead of
// exportRun.
func NewCmdExport(f *Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the audit trail: each Stripe balance transaction beside the NetSuite records it made",
		Long: `Export, for each payout the ledger has (reconciled or held), one row per
balance transaction with Stripe's payout reconciliation columns, followed by
the NetSuite record or deposit line it made: type, external and internal ID,
booked amount, currency and account, deposit, status and run. Only the first
row of a transaction carries its gross, fee and net, so a payout's rows net
to its amount.

Internal IDs and booked amounts come from the ledger; descriptions and
customers are read from Stripe once per payout. NetSuite is not called.`,
		Example: `  nsrecon export --from 2026-07-01 --to 2026-09-30 --format xlsx --output q3.xlsx
  nsrecon export --payout po_1OaBcD > po_1OaBcD.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "first payout arrival date, YYYY-MM-DD (UTC)")
	fl.StringVar(&opts.To, "to", "", "last payout arrival date, YYYY-MM-DD (UTC, default today)")
	fl.StringSliceVar(&opts.Payouts, "payout", nil, "export this payout ID (repeatable); not with --from/--to")
	fl.StringVar(&opts.Format, "format", "csv", "csv, json or xlsx")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout (required for xlsx)")
	return cmd
}

// selection checks the flags and returns the payouts they choose.
func (opts *ExportOptions) selection(now time.Time) (export.Selection, error) {
	var sel export.Selection
	if exportFormats[opts.Format] == nil {
		return sel, usageErr(fmt.Errorf("--format %q: want csv, json or xlsx", opts.Format), "")
	}
	if opts.Format == "xlsx" && opts.Output == "" {
		return sel, usageErr(errors.New("--format xlsx needs --output FILE (a workbook is not written to a terminal)"), "nsrecon export --format xlsx --output payouts.xlsx")
	}
	if len(opts.Payouts) > 0 {
		if opts.From != "" || opts.To != "" {
			return sel, usageErr(errors.New("--payout and --from/--to cannot be combined"), "")
		}
		sel.PayoutIDs = opts.Payouts
		return sel, nil
	}
	if opts.From == "" {
		return sel, usageErr(errors.New("export needs --from (with --to) or --payout"), "nsrecon export --from 2026-07-01 --to 2026-07-31")
	}
	var err error
	if sel.From, err = parseDay("from", opts.From); err != nil {
		return sel, err
	}
	if sel.To, err = parseDay("to", opts.To); err != nil {
		return sel, err
	}
	if sel.To.IsZero() {
		sel.To = now.UTC()
	}
	if sel.From.After(sel.To) {
		return sel, usageErr(fmt.Errorf("--from %s is after --to %s", opts.From, sel.To.Format(time.DateOnly)), "swap the dates")
	}
	return sel, nil
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	f := opts.Factory
	sel, err := opts.selection(f.Now())
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if err := cfg.ValidateStripe(); err != nil {
		return err
	}
	l, err := existingLedger(f)
	if err != nil {
		return err
	}
	reader, err := f.Stripe()
	if err != nil {
		return err
	}
	log, err := f.Logger()
	if err != nil {
		return err
	}
	out, closeOut, err := opts.open(f)
	if err != nil {
		return err
	}
	w, err := exportFormats[opts.Format](out)
	if err == nil {
		e := &export.Exporter{Stripe: reader, Ledger: l, Settings: plansettings.From(cfg), Log: log}
		if err = e.Export(ctx, sel, w); errors.Is(err, export.ErrNotInLedger) {
			err = usageErr(err, "nsrecon ledger runs, or reconcile it first")
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	return closeOut(err)
}

// open returns where the export goes, and a function that ends it: a file
// is removed again when the export failed, so no half file looks complete.
func (opts *ExportOptions) open(f *Factory) (io.Writer, func(error) error, error) {
	if opts.Output == "" {
		return f.Stdout, func(err error) error { return err }, nil
	}
	file, err := os.OpenFile(opts.Output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, usageErr(fmt.Errorf("--output: %w", err), "")
	}
	return file, func(err error) error {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(opts.Output)
		}
		return err
	}, nil
}

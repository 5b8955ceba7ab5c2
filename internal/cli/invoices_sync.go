package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/report"
)

// InvoicesSyncOptions is nsrecon invoices sync's command line.
type InvoicesSyncOptions struct {
	Factory *Factory
	IDs     []string
	Format  string
}

// NewCmdInvoicesSync is nsrecon invoices sync; runF, when set, runs
// instead of invoicesSyncRun.
func NewCmdInvoicesSync(f *Factory, runF func(*InvoicesSyncOptions) error) *cobra.Command {
	opts := &InvoicesSyncOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sync in_… [in_…]",
		Short: "Sync these invoices (customer, items, invoice) to NetSuite now",
		Long: `Fetch each invoice from Stripe as it is now (all lines, customer, discounts,
tax), plan its NetSuite customer, items and invoice, validate them and push
them. Records already in NetSuite cost no call; an invoice that changed in
Stripe since it was synced is updated.

` + invoicesExitHelp,
		Example: `  nsrecon invoices sync in_1OaBcD
  nsrecon invoices sync in_1OaBcD in_1OaBcE --format json`,
		Args: typedArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			if runF != nil {
				return runF(opts)
			}
			return invoicesSyncRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "table", "report format on stdout: table or json")
	return cmd
}

func invoicesSyncRun(ctx context.Context, opts *InvoicesSyncOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErr(fmt.Errorf("--format %q: want table or json", opts.Format), "")
	}
	for _, id := range opts.IDs {
		if !strings.HasPrefix(id, "in_") {
			return usageErr(fmt.Errorf("%q is not a Stripe invoice ID", id), "invoice IDs start with in_, e.g. nsrecon invoices sync in_1OaBcD")
		}
	}
	deps, err := invoiceDepsFrom(opts.Factory)
	if err != nil {
		return err
	}
	// No run lock: a sync touches only its invoice's records, each write is
	// one short ledger transaction (SQLite waits out a concurrent writer),
	// and NetSuite records are upserted by external ID, so running beside
	// `nsrecon reconcile` or the listener cannot duplicate anything.
	var results []invoicesync.Result
	var runErr error
	for _, id := range opts.IDs {
		res, err := deps.syncer.Sync(ctx, id)
		if err != nil {
			runErr = err
			if res.Status == "" {
				res.Status = outcome.Failed
			}
			results = append(results, res)
			break
		}
		results = append(results, res)
	}
	if err := writeInvoiceReport(opts.Factory.Stdout, results, opts.Format); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	return invoicesSyncOutcome(results)
}

// invoicesSyncOutcome is the error, if any, that gives the sync its exit
// status.
func invoicesSyncOutcome(results []invoicesync.Result) error {
	var held, failed, auth int
	for _, r := range results {
		switch {
		case r.Auth:
			auth++
		case r.Status == outcome.Held:
			held++
		case r.Status != outcome.Synced:
			failed++
		}
	}
	switch {
	case auth > 0:
		return &exitError{outcome.ExitAuth, errors.New("credentials rejected by Stripe or NetSuite"),
			"check stripe.api_key and netsuite.auth.*"}
	case failed > 0:
		return &exitError{outcome.ExitError, fmt.Errorf("%d invoice(s) failed", failed), "see the problems above; run again once fixed"}
	case held > 0:
		return &exitError{code: outcome.ExitHeld, err: fmt.Errorf("%d invoice(s) held", held)}
	}
	return nil
}

func writeInvoiceReport(w io.Writer, results []invoicesync.Result, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(newInvoicesDoc(results))
	}
	t := report.NewTable(w)
	t.Header("Invoice", "Number", "Customer", "Status", "Internal ID", "Pushed", "Skipped")
	for _, r := range results {
		if err := t.Append(r.Invoice, dash(r.Number), dash(r.Customer), r.Status,
			dash(r.NetSuiteID), fmt.Sprint(r.Pushed), fmt.Sprint(r.Skipped)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, r := range results {
		for _, p := range r.Problems {
			fmt.Fprintf(w, "%s %s: %s %s: %s\n", r.Invoice, r.Status, p.Code, p.Object, p.Message)
			if p.Fix != "" {
				fmt.Fprintf(w, "    fix: %s\n", p.Fix)
			}
		}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

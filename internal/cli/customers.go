package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/custexport"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/report"
)

// NewCmdCustomers is nsrecon customers: export.
func NewCmdCustomers(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customers",
		Short: "Customers from NetSuite to Stripe",
	}
	cmd.AddCommand(NewCmdCustomersExport(f, nil))
	return cmd
}

// CustomersExportOptions is nsrecon customers export's command line.
type CustomersExportOptions struct {
	Factory *Factory
	Apply   bool
	Format  string
}

// NewCmdCustomersExport is nsrecon customers export; runF, when set, runs
// instead of customersExportRun.
func NewCmdCustomersExport(f *Factory, runF func(*CustomersExportOptions) error) *cobra.Command {
	opts := &CustomersExportOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Create or update a Stripe customer for each NetSuite customer",
		Long: `Look each NetSuite customer up in Stripe, first by the Stripe customer ID stored
in the NetSuite field customers.export_field, then by email; update the match
(name, email, metadata netsuite_customer_id) or create the Stripe customer, and
write the Stripe ID into that NetSuite field, which links the two for good.
A company's name is its company name; an individual's is first and last name.

Without --apply it only shows what it would do (create, update, link,
unchanged, skip); nothing is written. --apply needs a Stripe key with write
access to customers and a NetSuite role that can edit customers.

EXIT STATUS
  0    every customer exported (or, without --apply, planned)
  1    an error, or Stripe/NetSuite refused a customer (see its reason)
  2    usage or configuration error (customers.export_field unset)
  4    Stripe or NetSuite rejected the credentials`,
		Example: `  nsrecon customers export                 # what it would do
  nsrecon customers export --apply --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return customersExportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Apply, "apply", false, "make the changes (default: show what would change)")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "report format on stdout: table or json")
	return cmd
}

func customersExportRun(ctx context.Context, opts *CustomersExportOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErr(fmt.Errorf("--format %q: want table or json", opts.Format), "")
	}
	f := opts.Factory
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Customers.ExportField == "" {
		return usageErr(errors.New("customers.export_field is not set"),
			"set it to the NetSuite customer field that holds the Stripe customer ID, e.g. custentity_stripe_customer_id")
	}
	if err := errors.Join(cfg.ValidateStripe(), cfg.ValidateForPush()); err != nil {
		return err
	}
	reader, err := f.Stripe()
	if err != nil {
		return err
	}
	ns, err := f.NetSuite()
	if err != nil {
		return err
	}
	x := &custexport.Exporter{NetSuite: ns, Stripe: custexport.StripeOf(reader), Field: cfg.Customers.ExportField, Apply: opts.Apply}
	results, err := x.Run(ctx)
	if err != nil {
		return classifyRunErr(err)
	}
	if err := writeCustomersReport(f.Stdout, results, opts); err != nil {
		return err
	}
	if n := custexport.Counts(results)[custexport.ActionFailed]; n > 0 {
		return &exitError{outcome.ExitError, fmt.Errorf("%d customer(s) failed", n), "see each reason; run again once fixed"}
	}
	return nil
}

type customersDoc struct {
	SchemaVersion int                 `json:"schema_version"`
	Applied       bool                `json:"applied"`
	Customers     []custexport.Result `json:"customers"`
	Totals        map[string]int      `json:"totals"`
}

func writeCustomersReport(w io.Writer, results []custexport.Result, opts *CustomersExportOptions) error {
	if opts.Format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if results == nil {
			results = []custexport.Result{}
		}
		return enc.Encode(customersDoc{JSONSchemaVersion, opts.Apply, results, custexport.Counts(results)})
	}
	t := report.NewTable(w)
	t.Header("NetSuite ID", "Name", "Email", "Action", "Stripe ID", "Matched by", "Reason")
	for _, r := range results {
		if err := t.Append(r.NetSuiteID, dash(r.Name), dash(r.Email), r.Action, dash(r.StripeID), dash(r.MatchedBy), dash(r.Reason)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	verb := "would do"
	if opts.Apply {
		verb = "did"
	}
	_, err := fmt.Fprintf(w, "%s: %s\n", verb, custexport.Summary(results))
	if err == nil && !opts.Apply {
		_, err = fmt.Fprintln(w, "dry run: nothing was written; add --apply to make these changes")
	}
	return err
}

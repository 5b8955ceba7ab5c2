package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/report"
)

// LedgerShowOptions is nsrecon ledger show's command line.
type LedgerShowOptions struct {
	Factory *Factory
	Format  string
	Payout  string
}

// NewCmdLedgerShow is nsrecon ledger show; runF, when set, runs instead of
// ledgerShowRun.
func NewCmdLedgerShow(f *Factory, runF func(*LedgerShowOptions) error) *cobra.Command {
	opts := &LedgerShowOptions{Factory: f}
	return &cobra.Command{
		Use:   "show po_…",
		Short: "Show a payout's state and every NetSuite record nsrecon made for it, with internal IDs",
		Args:  oneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Format, opts.Payout = ledgerFormat(cmd), args[0]
			if runF != nil {
				return runF(opts)
			}
			return ledgerShowRun(cmd, opts)
		},
	}
}

func ledgerShowRun(cmd *cobra.Command, opts *LedgerShowOptions) error {
	if err := checkLedgerFormat(opts.Format); err != nil {
		return err
	}
	f, id := opts.Factory, opts.Payout
	l, err := existingLedger(f)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	ps, ok, err := l.Payout(ctx, id)
	if err != nil {
		return err
	}
	recs, err := l.PayoutRecords(ctx, id)
	if err != nil {
		return err
	}
	if !ok && len(recs) == 0 {
		return usageErr(fmt.Errorf("payout %s is not in the ledger %s", id, l.Path()), "nsrecon ledger runs, or reconcile it first")
	}
	problems := problemsOf(ps.Problems)
	if opts.Format == "json" {
		return writeJSON(f, newPayoutDoc(id, ps, problems, recs))
	}
	fmt.Fprintf(f.Stdout, "Payout %s: %s", id, firstNonEmpty(string(ps.Status), "unknown"))
	if ps.DepositID != "" {
		fmt.Fprintf(f.Stdout, ", deposit %s", ps.DepositID)
	}
	fmt.Fprintln(f.Stdout)
	for _, p := range problems {
		fmt.Fprintf(f.Stdout, "  %s %s: %s\n", p.Code, p.Object, p.Message)
	}
	t := report.NewTable(f.Stdout)
	t.Header("Type", "External ID", "Stripe", "Internal ID", "Status", "Amount", "Account", "Date", "Attempts", "Last error")
	for _, r := range recs {
		t.Append(r.Type, r.ExternalID, r.Source, r.InternalID, r.Status, bookedAmount(r.Booked), r.Booked.Account, r.Booked.Date,
			fmt.Sprint(r.Attempts), r.LastError)
	}
	return t.Render()
}

// bookedAmount is what a record booked, e.g. "12.34 USD"; "" when nothing
// or not known (customers, items, records made before ledger schema 3).
func bookedAmount(b ledger.Booked) string {
	if !b.Known() {
		return ""
	}
	return money.Format(b.Amount, b.Currency) + " " + strings.ToUpper(b.Currency)
}

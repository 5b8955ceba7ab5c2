package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/ledger"
)

// NewCmdLedger is nsrecon ledger: runs, show and resolve.
func NewCmdLedger(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Inspect the local sync ledger: runs, and what exists in NetSuite for a payout",
	}
	addLedgerFlags(cmd)
	cmd.AddCommand(NewCmdLedgerRuns(f, nil), NewCmdLedgerShow(f, nil), NewCmdLedgerResolve(f, nil))
	return cmd
}

// addLedgerFlags defines the flags every ledger subcommand inherits.
func addLedgerFlags(cmd *cobra.Command) {
	cmd.PersistentFlags().String("format", "table", "output format: table or json")
}

// ledgerFormats are the values of the ledger subcommands' --format.
var ledgerFormats = []string{"table", "json"}

// ledgerFormat is the inherited --format of a ledger subcommand.
func ledgerFormat(cmd *cobra.Command) string {
	format, _ := cmd.Flags().GetString("format")
	return format
}

// checkLedgerFormat refuses a --format the ledger subcommands do not
// print, as every other command does, rather than printing a table.
func checkLedgerFormat(format string) error {
	if !slices.Contains(ledgerFormats, format) {
		return usageErr(fmt.Errorf("--format %q: want table or json", format), "")
	}
	return nil
}

// existingLedger is the ledger a ledger subcommand reads: it must exist.
func existingLedger(f *Factory) (*ledger.Ledger, error) {
	l, err := f.ExistingLedger()
	if err != nil || l != nil {
		return l, err
	}
	path, err := f.ledgerPath()
	if err != nil {
		return nil, err
	}
	return nil, usageErr(fmt.Errorf("no ledger at %s", path), "run nsrecon reconcile first, or pass --ledger")
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

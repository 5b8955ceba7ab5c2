// Package cli is nsrecon's command tree. main only calls Main, so tests and
// testscript run the whole CLI in-process.
//
// Each command follows one pattern: NewCmdX(f, runF) parses flags into an
// XOptions and hands it to runF (tests) or xRun; xRun asks the Factory for
// what it needs.
package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

const exitStatusHelp = `EXIT STATUS
  0    every payout is ready (dry run) or reconciled
  1    an error stopped the run, or NetSuite rejected a payout's records (failed)
  2    usage or configuration error
  3    at least one payout is held (validation failed; nothing pushed for it)
  4    Stripe or NetSuite rejected the credentials
  11   another nsrecon run holds the ledger lock
  130  interrupted (Ctrl-C / SIGTERM); the ledger is consistent, re-run to finish`

// Main runs nsrecon with args and returns the process exit code.
func Main(ctx context.Context, args []string, f *Factory) int {
	f.defaults(ctx)
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.Stdin)
	root.SetOut(f.Stdout)
	root.SetErr(f.Stderr)
	err := root.ExecuteContext(ctx)
	f.closeAll()
	if err == nil {
		return outcome.ExitOK
	}
	if !f.started {
		// Cobra rejected the command line before any command ran; the
		// root's unknown-command check has no hook to type its error.
		err = &FlagError{err}
	}
	code, hint := exitCodeFor(err)
	if code == outcome.ExitHeld || code == outcome.ExitOK {
		return code // the report already said it
	}
	printError(f, err, code, hint)
	return code
}

// printError tells stderr why the run stopped: as a log record with
// --log-format json (so a log pipeline sees one format), else as text.
func printError(f *Factory, err error, code int, hint string) {
	if f.flags.logFormat == "json" {
		if log, lerr := f.Logger(); lerr == nil {
			attrs := []any{"error", err.Error(), "exit_code", code}
			if hint != "" {
				attrs = append(attrs, "hint", hint)
			}
			log.Error("nsrecon stopped", attrs...)
			return
		}
	}
	fmt.Fprintf(f.Stderr, "nsrecon: %v\n", err)
	if hint != "" {
		fmt.Fprintf(f.Stderr, "Try: %s\n", hint)
	}
}

// NewRootCmd builds the command tree; nothing is global.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "nsrecon",
		Short: "Reconcile Stripe payouts into Oracle NetSuite",
		Long: `nsrecon reconciles every paid automatic Stripe payout into NetSuite: it walks the
payout's balance transactions, builds the customers, items, invoices, payments,
credit memos, refunds and the bank deposit that represent them, checks that they
add up to the payout to the cent, and pushes them through SuiteTalk REST,
idempotently.

Try it with no accounts:  nsrecon reconcile --sandbox

` + exitStatusHelp,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       f.Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			f.started = true
			// Every command logs: a bad --log-level is a usage error
			// whatever the command.
			_, err := f.Logger()
			return err
		},
	}
	root.SetVersionTemplate("nsrecon {{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	f.addGlobalFlags(root.PersistentFlags())
	root.AddCommand(
		NewCmdReconcile(f, nil),
		NewCmdLedger(f),
		NewCmdExport(f, nil),
		NewCmdSandbox(f),
		NewCmdConfig(f),
		NewCmdInvoices(f),
		NewCmdListen(f, nil),
		NewCmdCustomers(f),
		NewCmdVersion(f, nil),
		NewCmdDoctor(f, nil),
	)
	root.SetHelpCommand(newHelpCmd())
	// Cobra adds its completion command only when run; added here, the
	// group guard covers it too (completion tcsh exits 2, not help and 0).
	root.InitDefaultCompletionCmd()
	guardGroups(root)
	registerCompletions(root, f)
	return root
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

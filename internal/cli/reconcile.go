package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/report"
)

// ReconcileOptions is nsrecon reconcile's command line.
type ReconcileOptions struct {
	// Factory is the command's: the sandbox variant with --sandbox.
	Factory *Factory

	DryRun           bool
	Sandbox          bool
	From, To         string
	Payouts          []string
	Format           string
	IncludeInTransit bool
	Offline          bool
	LedgerFlag       bool // --ledger given
	// Quiet prints the report only when a payout needs attention (cron
	// mails only then).
	Quiet bool
	// WaitLock is how long to wait for another run's ledger lock before
	// giving up with exit 11 (0: give up at once).
	WaitLock time.Duration
}

// NewCmdReconcile is nsrecon reconcile; runF, when set, runs instead of
// reconcileRun (tests of the flags).
func NewCmdReconcile(f *Factory, runF func(*ReconcileOptions) error) *cobra.Command {
	opts := &ReconcileOptions{}
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Reconcile paid Stripe payouts into NetSuite (or validate them with --dry-run)",
		Long: `Reconcile every paid automatic Stripe payout in the window into NetSuite.

For each payout nsrecon reads its balance transactions, plans the NetSuite
records (customers, items, invoices, customer payments, credit memos, customer
refunds and the bank deposit), validates that the deposit equals the payout to
the cent, and pushes the records in dependency order. A payout that does not
validate is held and reported; the others go on. Re-running is safe: records
already in NetSuite cost no call and are never duplicated.

Window: --from/--to (arrival dates, inclusive), or --payout po_… (repeatable);
with neither, the payouts that arrived since the last successful run (yesterday
on a first run). Payouts held or failed by an earlier run are retried.

` + exitStatusHelp,
		Example: `  nsrecon reconcile --sandbox                 # demo account, no credentials needed
  nsrecon reconcile --dry-run --format markdown  # CI: validate, print, exit 3 if held
  nsrecon reconcile --from 2026-07-01 --to 2026-09-30
  nsrecon reconcile --payout po_1OaBcD --payout po_1OaBcE`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.LedgerFlag = cmd.Flags().Changed("ledger")
			opts.Factory = f
			if opts.Sandbox {
				opts.Factory = sandboxFactory(f)
			}
			if runF != nil {
				return runF(opts)
			}
			return reconcileRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "read Stripe, plan and validate, print the report; write nothing to NetSuite or the ledger")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "run against the built-in demo Stripe account and an in-process fake NetSuite")
	fl.StringVar(&opts.From, "from", "", "first payout arrival date, YYYY-MM-DD (UTC)")
	fl.StringVar(&opts.To, "to", "", "last payout arrival date, YYYY-MM-DD (UTC, default today)")
	fl.StringSliceVar(&opts.Payouts, "payout", nil, "reconcile this payout ID (repeatable); not with --from/--to")
	fl.StringVar(&opts.Format, "format", "table", "report format on stdout: table, json or markdown")
	fl.BoolVar(&opts.IncludeInTransit, "include-in-transit", false, "with --dry-run: also validate payouts not yet paid (never synced)")
	fl.BoolVar(&opts.Offline, "offline", false, "with --dry-run: do not look anything up in NetSuite, even with credentials configured")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print the report only when a payout needs attention (held or failed): for cron")
	fl.DurationVar(&opts.WaitLock, "wait-lock", 0, "wait up to this long (e.g. 30m) for another run's ledger lock instead of exiting 11 at once")
	return cmd
}

// reconcileOnce is one run: it writes the report and returns it (nil
// when the run stopped before it had one) with the run's error.
func reconcileOnce(ctx context.Context, opts *ReconcileOptions) (*report.Report, error) {
	from, to, err := opts.window()
	if err != nil {
		return nil, err
	}
	f := opts.Factory
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	if f.DefaultWindow != nil && opts.From == "" && len(opts.Payouts) == 0 {
		if from, to, err = f.DefaultWindow(); err != nil {
			return nil, err
		}
	}
	run, err := opts.wire(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer run.done()
	rep, runErr := run.Run(ctx, reconcile.Options{
		DryRun: opts.DryRun, From: from, To: to, PayoutIDs: opts.Payouts,
		IncludeInTransit: opts.IncludeInTransit, Settings: plansettings.From(cfg),
	})
	if cfg.Stripe.WriteBack && !opts.DryRun && runErr == nil {
		writeBackOnce(ctx, f, run.Ledger, run.Log)
	}
	rep.Run.Version = f.Version
	rep.Run.Sandbox = opts.Sandbox
	rep.Run.StripeRequests = sum(run.stripe.Requests())
	if run.netsuite != nil {
		rep.Run.NetSuiteRequests = int(run.netsuite.Stats().Requests)
	}
	interrupted := ctx.Err() != nil
	rep.Run.Interrupted = interrupted
	rep.Compute()
	run.done() // clear the progress line before the report
	if (len(rep.Payouts) > 0 || runErr == nil) && (!opts.Quiet || report.ExitCode(rep) != outcome.ExitOK) {
		if err := report.Write(f.Stdout, rep, opts.Format); err != nil {
			return rep, err
		}
	}
	switch {
	case interrupted:
		return rep, interruptedErr(rep, ctx.Err())
	case runErr != nil && len(opts.Payouts) > 0 && len(rep.Payouts) == 0 && errors.Is(runErr, payout.ErrNotFound):
		// The run stopped reading the payouts it was given: one is not
		// in this Stripe account.
		return rep, usageErr(runErr, payoutNotFoundHint)
	case runErr != nil:
		return rep, classifyRunErr(runErr)
	}
	if code := report.ExitCode(rep); code != outcome.ExitOK {
		return rep, &exitError{code: code, err: fmt.Errorf("%d payout(s) not ready", rep.Totals.Held+rep.Totals.Failed)}
	}
	return rep, nil
}

// window checks the flags and returns the arrival window they give.
func (opts *ReconcileOptions) window() (from, to time.Time, err error) {
	switch opts.Format {
	case "table", "json", "markdown":
	default:
		return from, to, usageErr(fmt.Errorf("--format %q: want table, json or markdown", opts.Format), "")
	}
	if opts.Offline && !opts.DryRun {
		return from, to, usageErr(errors.New("--offline only validates, so it needs --dry-run"), "nsrecon reconcile --dry-run --offline")
	}
	if opts.IncludeInTransit && !opts.DryRun {
		return from, to, usageErr(errors.New("--include-in-transit only validates, so it needs --dry-run"), "nsrecon reconcile --dry-run --include-in-transit")
	}
	if from, err = parseDay("from", opts.From); err != nil {
		return from, to, err
	}
	if to, err = parseDay("to", opts.To); err != nil {
		return from, to, err
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		return from, to, usageErr(fmt.Errorf("--from %s is after --to %s", opts.From, opts.To), "swap the dates")
	}
	if len(opts.Payouts) > 0 && (opts.From != "" || opts.To != "") {
		return from, to, usageErr(errors.New("--payout and --from/--to cannot be combined"), "")
	}
	if err := checkPayoutIDs(opts.Payouts); err != nil {
		return from, to, err
	}
	if opts.Sandbox && opts.LedgerFlag {
		return from, to, usageErr(errors.New("--ledger cannot be used with --sandbox: the sandbox's NetSuite lives only for this run"),
			"nsrecon sandbox serve, then point a config at it for a persistent sandbox")
	}
	return from, to, nil
}

func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, usageErr(fmt.Errorf("--%s %q: want a date like 2026-07-01", flag, s), "nsrecon reconcile --help")
	}
	return t, nil
}

// config is the config, checked for what this run needs: Stripe always,
// NetSuite unless it is a dry run.
func (opts *ReconcileOptions) config() (*config.Config, error) {
	cfg, err := opts.Factory.Config()
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateStripe(); err != nil {
		return nil, err
	}
	if !opts.DryRun {
		if err := cfg.ValidateForPush(); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// wiredRun is a wired reconcile.Runner and the clients it uses.
type wiredRun struct {
	*reconcile.Runner
	stripe   *payout.Reader
	netsuite *netsuite.Client // nil when the run does not need NetSuite
	done     func()           // releases the lock, clears the progress line
}

// wire builds the run: Stripe, the ledger, and NetSuite when the run
// pushes or matches customers by email.
func (opts *ReconcileOptions) wire(ctx context.Context, cfg *config.Config) (*wiredRun, error) {
	f := opts.Factory
	log, err := f.Logger()
	if err != nil {
		return nil, err
	}
	reader, err := f.Stripe()
	if err != nil {
		return nil, err
	}
	stripe := payout.View{Reader: reader, Options: stripeReadOptions(cfg)} // readdepth.go
	run := &wiredRun{Runner: &reconcile.Runner{Stripe: stripe, Now: f.Now, Log: log}, stripe: reader, done: func() {}}
	if !opts.DryRun {
		return run, opts.wirePush(ctx, cfg, run)
	}
	// A dry run writes nothing, and reads the ledger only if there is
	// one: CI's dry run has none and must not create one.
	if run.Ledger, err = f.ExistingLedger(); err != nil {
		return nil, err
	}
	if err := bindLedger(ctx, run.Ledger, reader, cfg, true); err != nil {
		return nil, err
	}
	if !opts.Offline && cfg.ValidateForPush() == nil {
		// A dry run writes nothing, but with credentials it reads NetSuite
		// as the real run would (the records refunds and disputes apply
		// to, the customers match_email finds), so a CI runner without
		// the ledger reaches the real run's verdict.
		if run.netsuite, err = f.NetSuite(); err != nil {
			return nil, err
		}
		run.Customers, run.Records = run.netsuite, run.netsuite
	}
	return run, nil
}

// wirePush adds what pushing needs: the run lock, NetSuite, the pusher
// and the progress line.
func (opts *ReconcileOptions) wirePush(ctx context.Context, cfg *config.Config, run *wiredRun) error {
	f := opts.Factory
	led, err := f.Ledger()
	if err != nil {
		return err
	}
	run.Ledger = led
	if err := bindLedger(ctx, led, run.stripe, cfg, false); err != nil {
		return err
	}
	unlock, err := waitLock(ctx, led, opts.WaitLock, run.Log)
	if err != nil {
		return err
	}
	if run.netsuite, err = f.NetSuite(); err != nil {
		unlock()
		return err
	}
	prog := newProgress(f, run.Log)
	run.Push = push.New(run.netsuite, led, push.Options{
		Concurrency: cfg.NetSuite.Concurrency, Logger: run.Log, Progress: prog.push,
		Batch: batchOptions(cfg),
	})
	run.Progress = prog.payout
	run.Customers, run.Records = run.netsuite, run.netsuite
	var once sync.Once
	run.done = func() { once.Do(func() { prog.done(); unlock() }) }
	return nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

type reconcileOptions struct {
	DryRun           bool
	Sandbox          bool
	From, To         string
	Payouts          []string
	Format           string
	IncludeInTransit bool
	Offline          bool
	ledgerFlag       bool // --ledger given
}

func newReconcileCmd(f *Factory) *cobra.Command {
	opts := &reconcileOptions{}
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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ledgerFlag = cmd.Flags().Changed("ledger")
			return reconcileRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "read Stripe, plan and validate, print the report; write nothing to NetSuite or the ledger")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "run against the built-in demo Stripe account and an in-process fake NetSuite")
	fl.StringVar(&opts.From, "from", "", "first payout arrival date, YYYY-MM-DD (UTC)")
	fl.StringVar(&opts.To, "to", "", "last payout arrival date, YYYY-MM-DD (UTC, default today)")
	fl.StringSliceVar(&opts.Payouts, "payout", nil, "reconcile this payout ID (repeatable); overrides the window")
	fl.StringVar(&opts.Format, "format", "table", "report format on stdout: table, json or markdown")
	fl.BoolVar(&opts.IncludeInTransit, "include-in-transit", false, "with --dry-run: also validate payouts not yet paid (never synced)")
	fl.BoolVar(&opts.Offline, "offline", false, "with --dry-run: do not look anything up in NetSuite, even with credentials configured")
	return cmd
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

func reconcileRun(ctx context.Context, f *Factory, opts *reconcileOptions) error {
	switch opts.Format {
	case "table", "json", "markdown":
	default:
		return usageErr(fmt.Errorf("--format %q: want table, json or markdown", opts.Format), "")
	}
	if opts.Offline && !opts.DryRun {
		return usageErr(errors.New("--offline only validates, so it needs --dry-run"), "nsrecon reconcile --dry-run --offline")
	}
	if opts.IncludeInTransit && !opts.DryRun {
		return usageErr(errors.New("--include-in-transit only validates, so it needs --dry-run"), "nsrecon reconcile --dry-run --include-in-transit")
	}
	from, err := parseDay("from", opts.From)
	if err != nil {
		return err
	}
	to, err := parseDay("to", opts.To)
	if err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		return usageErr(fmt.Errorf("--from %s is after --to %s", opts.From, opts.To), "swap the dates")
	}
	if len(opts.Payouts) > 0 && (opts.From != "" || opts.To != "") {
		return usageErr(errors.New("--payout and --from/--to cannot be combined"), "")
	}

	var cfg *config.Config
	if opts.Sandbox {
		if opts.ledgerFlag {
			return usageErr(errors.New("--ledger cannot be used with --sandbox: the sandbox's NetSuite lives only for this run"),
				"nsrecon sandbox serve, then point a config at it for a persistent sandbox")
		}
		env, err := sandbox.Start(ctx, sandbox.Options{Logger: f.log})
		if err != nil {
			return err
		}
		defer env.Close()
		cfg = env.Config()
		dir, err := os.MkdirTemp("", "nsrecon-sandbox-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Ledger.Path = dir + "/ledger.db"
		if opts.From == "" && len(opts.Payouts) == 0 {
			// The demo account's payouts arrived on fixed days.
			from, to = env.Window()
		}
		fmt.Fprintf(f.Stderr, "sandbox: fake Stripe at %s, fake NetSuite at %s\n", env.StripeURL, env.NetSuiteURL)
	} else {
		cfg, err = f.loadConfig()
		if err != nil {
			return err
		}
	}
	if err := cfg.ValidateStripe(); err != nil {
		return err
	}
	if !opts.DryRun {
		if err := cfg.ValidateForPush(); err != nil {
			return err
		}
	}

	retries := int64(cfg.Stripe.MaxRetries)
	reader, err := payout.NewReader(payout.ReaderConfig{
		APIKey: cfg.Stripe.APIKey.Reveal(), APIBase: cfg.Stripe.APIBase,
		HTTPClient: f.HTTPClient, Logger: f.log, NetworkRetries: &retries, Timeout: cfg.Stripe.Timeout,
	})
	if err != nil {
		return usageErr(err, "check stripe.api_base")
	}
	runner := &reconcile.Runner{Stripe: reader, Now: f.Now, Log: f.log}

	led, closeLedger, err := openLedger(ctx, cfg.Ledger.Path, opts.DryRun)
	if err != nil {
		return err
	}
	defer closeLedger()
	runner.Ledger = led
	if err := bindLedger(ctx, led, reader, cfg, opts.DryRun); err != nil {
		return err
	}

	var ns *netsuite.Client
	if !opts.DryRun {
		unlock, err := led.Lock(ctx, "nsrecon reconcile")
		if err != nil {
			return err
		}
		defer unlock()
		ns, err = newNetSuiteClient(f, cfg)
		if err != nil {
			return err
		}
		prog := newProgress(f)
		runner.Push = push.New(ns, led, push.Options{
			Concurrency: cfg.NetSuite.Concurrency, Logger: f.log, Progress: prog.push,
		})
		runner.Progress = prog.payout
		defer prog.done()
	} else if !opts.Offline && cfg.ValidateForPush() == nil {
		// A dry run writes nothing, but with credentials it reads NetSuite
		// as the real run would (the records refunds and disputes apply
		// to, the customers match_email finds), so a CI runner without
		// the ledger reaches the real run's verdict.
		if ns, err = newNetSuiteClient(f, cfg); err != nil {
			return err
		}
	}
	if ns != nil {
		runner.Customers, runner.Records = ns, ns
	}

	rep, runErr := runner.Run(ctx, reconcile.Options{
		DryRun: opts.DryRun, From: from, To: to, PayoutIDs: opts.Payouts,
		IncludeInTransit: opts.IncludeInTransit, Settings: cfg.PlanSettings(),
	})
	rep.Run.Version = f.Version
	rep.Run.Sandbox = opts.Sandbox
	rep.Run.StripeRequests = sum(reader.Requests())
	if ns != nil {
		rep.Run.NetSuiteRequests = int(ns.Stats().Requests)
	}
	if len(rep.Payouts) > 0 || runErr == nil {
		if err := report.Write(f.Stdout, rep, opts.Format); err != nil {
			return err
		}
	}
	if runErr != nil {
		return classifyRunErr(runErr)
	}
	if code := report.ExitCode(rep); code != outcome.ExitOK {
		return &exitError{code: code, err: fmt.Errorf("%d payout(s) not ready", rep.Totals.Held+rep.Totals.Failed)}
	}
	return nil
}

// openLedger opens the ledger. A dry run only reads it, and only if it
// exists: CI's dry run has none and must not create one.
func openLedger(ctx context.Context, path string, dryRun bool) (*ledger.Ledger, func(), error) {
	if path == "" {
		path = config.DefaultLedgerPath()
	}
	if path == "" {
		return nil, nil, usageErr(errors.New("ledger.path is not set and there is no user config directory (is HOME unset?)"),
			"set ledger.path (NSRECON_LEDGER_PATH or --ledger) to where the ledger lives")
	}
	if dryRun {
		if _, err := os.Stat(path); err != nil {
			return nil, func() {}, nil
		}
	}
	l, err := ledger.Open(ctx, path)
	if err != nil {
		return nil, nil, ledgerOpenErr(path, err)
	}
	return l, func() { l.Close() }, nil
}

func newNetSuiteClient(f *Factory, cfg *config.Config) (*netsuite.Client, error) {
	a := cfg.NetSuite.Auth
	auth := netsuite.AuthConfig{
		Method:      a.Method,
		ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
		TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal(),
		ClientID: a.ClientID.Reveal(), CertificateID: a.CertificateID, Algorithm: a.Algorithm,
	}
	if a.PrivateKeyFile != "" {
		pem, err := os.ReadFile(a.PrivateKeyFile)
		if err != nil {
			return nil, usageErr(fmt.Errorf("netsuite.auth.private_key_file: %w", err), "")
		}
		auth.PrivateKeyPEM = string(pem)
	}
	hc := *f.HTTPClient // netsuite.timeout bounds each request, not the run
	hc.Timeout = cfg.NetSuite.Timeout
	c, err := netsuite.New(netsuite.Config{
		AccountID: cfg.NetSuite.AccountID, BaseURL: cfg.NetSuite.BaseURLOrDefault(),
		Auth: auth, Concurrency: cfg.NetSuite.Concurrency, Logger: f.log,
	}, &hc)
	if err != nil {
		return nil, usageErr(err, "check the netsuite.* config keys")
	}
	return c, nil
}

func classifyRunErr(err error) error {
	var nerr *netsuite.Error
	switch {
	case errors.Is(err, reconcile.ErrNetSuiteAuth), errors.As(err, &nerr) && (nerr.Status == 401 || nerr.Status == 403):
		return &exitError{outcome.ExitAuth, err, "check netsuite.auth.* (token-based auth: consumer key/secret, token ID/secret)"}
	case payout.IsAuth(err):
		return &exitError{outcome.ExitAuth, err, "check stripe.api_key (or STRIPE_API_KEY)"}
	case errors.Is(err, reconcile.ErrNetSuiteThrottled):
		return &exitError{outcome.ExitError, err, "lower netsuite.concurrency (the limit is shared with other integrations) or run later; nothing is lost"}
	case errors.Is(err, reconcile.ErrNetSuiteUnreachable):
		return &exitError{outcome.ExitError, err, "check netsuite.base_url and the network; nothing is lost, run again when NetSuite answers"}
	}
	return err
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/webhook"
)

const invoicesExitHelp = `EXIT STATUS
  0    every invoice synced (sync), or the listener stopped cleanly on a signal (listen)
  1    an error, or NetSuite/Stripe refused an invoice (failed)
  2    usage or configuration error
  3    at least one invoice is held (e.g. its customer has no email; nothing pushed for it)
  4    Stripe or NetSuite rejected the credentials
  11   another nsrecon invoices listen uses this ledger
  130  interrupted in the middle of a sync; the ledger is consistent, run again to finish`

func newInvoicesCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invoices",
		Short: "Sync manual Stripe invoices to NetSuite in real time",
		Long: `Sync manual Stripe invoices to NetSuite as they are finalized, not at payout time.

Everything else settles once a day with the payout (nsrecon reconcile). An
invoice synced here gets the same NetSuite external IDs the daily run uses, so
when its payment arrives with a payout, the payment applies to this same
invoice and nothing is created twice.

` + invoicesExitHelp,
	}
	cmd.AddCommand(newInvoicesSyncCmd(f), newInvoicesListenCmd(f))
	return cmd
}

type invoicesSyncOptions struct {
	IDs    []string
	Format string
}

func newInvoicesSyncCmd(f *Factory) *cobra.Command {
	opts := &invoicesSyncOptions{}
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
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			return invoicesSyncRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "table", "report format on stdout: table or json")
	return cmd
}

// invoiceDeps are what both subcommands wire from the config.
type invoiceDeps struct {
	cfg    *config.Config
	ledger *ledger.Ledger
	syncer *invoicesync.Syncer
	close  func()
}

func (f *Factory) invoiceDeps(ctx context.Context) (*invoiceDeps, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	if err := errors.Join(cfg.ValidateStripe(), cfg.ValidateForPush()); err != nil {
		return nil, err
	}
	rc := payout.ReaderConfig{APIKey: cfg.Stripe.APIKey.Reveal(), APIBase: cfg.Stripe.APIBase, HTTPClient: f.HTTPClient, Logger: f.log, Timeout: cfg.Stripe.Timeout}
	if _, err := payout.NewReader(rc); err != nil {
		return nil, usageErr(err, "check stripe.api_base")
	}
	led, closeLedger, err := openLedger(ctx, cfg.Ledger.Path, false)
	if err != nil {
		return nil, err
	}
	ns, err := newNetSuiteClient(f, cfg)
	if err != nil {
		closeLedger()
		return nil, err
	}
	s := &invoicesync.Syncer{
		Stripe:   readerPerSync{rc},
		Push:     push.New(ns, led, push.Options{Concurrency: cfg.NetSuite.Concurrency, Logger: f.log}),
		Settings: cfg.PlanSettings(),
		Ledger:   led,
	}
	if cfg.Customers.Mode == config.CustomersMatchEmail {
		s.Customers = ns
	}
	return &invoiceDeps{cfg: cfg, ledger: led, syncer: s, close: closeLedger}, nil
}

// readerPerSync reads each invoice with a new payout.Reader: the Reader
// caches every object it reads for its lifetime, which suits one run but
// would grow without bound in a listener that runs for months (and keep
// customers as they were at first sight). A Reader costs no request to
// make, and the HTTP client's connections are shared.
type readerPerSync struct{ cfg payout.ReaderConfig }

func (r readerPerSync) Invoice(ctx context.Context, id string) (*payout.Invoice, *payout.Customer, error) {
	rd, err := payout.NewReader(r.cfg)
	if err != nil {
		return nil, nil, err
	}
	return rd.Invoice(ctx, id)
}

func invoicesSyncRun(ctx context.Context, f *Factory, opts *invoicesSyncOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErr(fmt.Errorf("--format %q: want table or json", opts.Format), "")
	}
	for _, id := range opts.IDs {
		if !strings.HasPrefix(id, "in_") {
			return usageErr(fmt.Errorf("%q is not a Stripe invoice ID", id), "invoice IDs start with in_, e.g. nsrecon invoices sync in_1OaBcD")
		}
	}
	deps, err := f.invoiceDeps(ctx)
	if err != nil {
		return err
	}
	defer deps.close()

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
	if err := writeInvoiceReport(f.Stdout, results, opts.Format); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
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
		return &exitError{outcome.ExitAuth, errors.New("Stripe or NetSuite rejected the credentials"),
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
		totals := map[outcome.Status]int{outcome.Synced: 0, outcome.Held: 0, outcome.Failed: 0}
		for _, r := range results {
			totals[r.Status]++
		}
		if results == nil {
			results = []invoicesync.Result{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"invoices": results, "totals": totals})
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

func newInvoicesListenCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive Stripe webhooks and sync manual invoices as they change",
		Long: `Serve POST /webhook for Stripe events and GET /healthz, and sync the invoices
the events name.

Every delivery's Stripe-Signature is verified with webhook.secret
(NSRECON_WEBHOOK_SECRET, whsec_…); a bad or missing signature gets 400 and
changes nothing. An event is acknowledged only once it is recorded in the
ledger, and redeliveries of it do nothing twice. invoice.finalized,
invoice.payment_succeeded, invoice.payment_failed, and invoice.updated when
it changes what the general ledger sees, queue a sync of manual invoices
(webhook.all_invoices: every invoice); other events are recorded as "no
action" or "settled by the daily reconcile". A worker syncs each queued
invoice as it is now in Stripe, so late or out-of-order deliveries cannot
take NetSuite back to an older state, retrying with backoff while NetSuite
or Stripe is unreachable. The queue lives in the ledger: a restart resumes it.

SIGINT/SIGTERM stop accepting, let syncs in flight finish (or abandon them
cleanly after a grace period) and exit. Run one listener per ledger; it can
run beside nsrecon reconcile.

` + invoicesExitHelp,
		Example: `  NSRECON_WEBHOOK_SECRET=whsec_… nsrecon invoices listen --addr 127.0.0.1:8080
  curl -s localhost:8080/healthz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return invoicesListenRun(cmd.Context(), f)
		},
	}
	cmd.Flags().String("addr", "", "listen address host:port (config webhook.addr, default "+config.DefaultWebhookAddr+")")
	_ = f.v.BindPFlag("webhook.addr", cmd.Flags().Lookup("addr"))
	return cmd
}

// shutdownGrace bounds how long open HTTP requests may take to finish once
// the listener is told to stop.
const shutdownGrace = 10 * time.Second

func invoicesListenRun(ctx context.Context, f *Factory) error {
	deps, err := f.invoiceDeps(ctx)
	if err != nil {
		return err
	}
	defer deps.close()
	cfg := deps.cfg
	if err := cfg.ValidateWebhook(); err != nil {
		return err
	}
	unlock, err := deps.ledger.ListenLock()
	if err != nil {
		var locked *ledger.LockedError
		if errors.As(err, &locked) {
			return &exitError{outcome.ExitLocked, fmt.Errorf("another nsrecon invoices listen uses the ledger %s", deps.ledger.Path()),
				"run one listener per ledger"}
		}
		return err
	}
	defer unlock()

	srv, err := webhook.New(webhook.Config{
		Secret: cfg.Webhook.Secret.Reveal(), Ledger: deps.ledger, Syncer: deps.syncer,
		AllInvoices: cfg.Webhook.AllInvoices, Concurrency: 2 * max(cfg.NetSuite.Concurrency, 1),
		Now: f.Now, Logger: f.log,
	})
	if err != nil {
		return usageErr(err, "set webhook.secret")
	}
	ln, err := net.Listen("tcp", cfg.Webhook.Addr)
	if err != nil {
		return usageErr(fmt.Errorf("listening on %s: %w", cfg.Webhook.Addr, err), "choose another --addr / webhook.addr")
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(f.log.Handler(), slog.LevelWarn),
	}
	// The worker outlives ctx by the time it needs to settle what is in
	// flight; it is stopped explicitly once the HTTP side is closed.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- srv.Run(workerCtx) }()
	serveDone := make(chan error, 1)
	go func() { serveDone <- hs.Serve(ln) }()
	fmt.Fprintf(f.Stderr, "nsrecon: listening on http://%s (POST /webhook, GET /healthz)\n", ln.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-serveDone:
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		f.log.Warn("closing open webhook connections", "err", err)
	}
	stopWorker()
	workerErr := <-workerDone
	f.log.Info("listener stopped")
	switch {
	case serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed):
		return fmt.Errorf("webhook server: %w", serveErr)
	case errors.Is(workerErr, webhook.ErrInterrupted):
		return &exitError{outcome.ExitInterrupted, workerErr, "start the listener again: queued syncs resume"}
	case workerErr != nil:
		return workerErr
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/webhook"
)

// InvoicesListenOptions is nsrecon invoices listen's command line.
type InvoicesListenOptions struct {
	Factory *Factory
	// Addr is --addr; it sets the config key webhook.addr, which is what
	// the listener uses.
	Addr string
}

// NewCmdInvoicesListen is nsrecon invoices listen; runF, when set, runs
// instead of invoicesListenRun.
func NewCmdInvoicesListen(f *Factory, runF func(*InvoicesListenOptions) error) *cobra.Command {
	opts := &InvoicesListenOptions{Factory: f}
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
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Bound here: nsrecon listen binds webhook.addr too, and viper
			// keeps one flag per key.
			_ = f.viper().BindPFlag("webhook.addr", cmd.Flags().Lookup("addr"))
			if runF != nil {
				return runF(opts)
			}
			return invoicesListenRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "", "listen address host:port (config webhook.addr, default "+config.DefaultWebhookAddr+")")
	return cmd
}

// shutdownGrace bounds how long open HTTP requests may take to finish once
// the listener is told to stop.
const shutdownGrace = 10 * time.Second

func invoicesListenRun(ctx context.Context, opts *InvoicesListenOptions) error {
	return listenRun(ctx, opts.Factory)
}

// serveWebhooks serves srv on ln and runs its worker, and the other
// workers given (write-back), until ctx ends, then stops them in order:
// the HTTP side first, then the workers.
func serveWebhooks(ctx context.Context, f *Factory, log *slog.Logger, srv *webhook.Server, ln net.Listener, others ...func(context.Context) error) error {
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// The worker outlives ctx by the time it needs to settle what is in
	// flight; it is stopped explicitly once the HTTP side is closed.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- srv.Run(workerCtx) }()
	var othersDone sync.WaitGroup
	for _, run := range others {
		othersDone.Add(1)
		go func() { defer othersDone.Done(); _ = run(workerCtx) }()
	}
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
		log.Warn("closing open webhook connections", "err", err)
	}
	stopWorker()
	workerErr := <-workerDone
	othersDone.Wait()
	log.Info("listener stopped")
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

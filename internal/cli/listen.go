package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/realtime"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/webhook"
)

// ListenOptions is nsrecon listen's command line.
type ListenOptions struct {
	Factory *Factory
	// Addr is --addr (config webhook.addr); Events is --events (config
	// webhook.events). The listener reads the config keys.
	Addr, Events string
}

const listenExitHelp = `EXIT STATUS
  0    the listener stopped cleanly on a signal
  1    an error
  2    usage or configuration error
  11   another listener uses this ledger
  130  interrupted in the middle of a sync; the ledger is consistent, start again to finish`

// NewCmdListen is nsrecon listen; runF, when set, runs instead of
// listenRun.
func NewCmdListen(f *Factory, runF func(*ListenOptions) error) *cobra.Command {
	opts := &ListenOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive Stripe webhooks and sync what they name in real time",
		Long: `Serve POST /webhook for Stripe events and GET /healthz, and sync to NetSuite
what the events name, as the connector's event table says.

With webhook.events: all (--events all), every event of the table acts in real
time: a charge makes its customer, invoice and payment; a refund or a dispute
its credit memo and customer refund; customer.created and price.created their
customer and item, as the customer and item settings say; payout.paid (and
payout.updated) the deposit, once every record is there; payout.created
validates only. Every other event is recorded as no action, with why. Records
get the daily run's external IDs: nsrecon reconcile finds them done and adds
only what is missing, so real-time, daily or both can be switched at any time
without duplicates. With webhook.events: invoices (the default) this is nsrecon
invoices listen: manual invoices in real time, the rest daily.

With stripe.write_back: true the NetSuite internal ID of each record goes into
its Stripe object's metadata (netsuite_customer_id, netsuite_invoice_id,
netsuite_payment_id, netsuite_refund_id, netsuite_credit_memo_id); a failed
write is retried and never changes the books.

Signatures, acknowledgement, redeliveries, backoff and shutdown are those of
nsrecon invoices listen (see its help).

` + listenExitHelp,
		Example: `  NSRECON_WEBHOOK_SECRET=whsec_… nsrecon listen --events all --addr 127.0.0.1:8080`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Bound here, not when the tree is built: nsrecon invoices
			// listen binds webhook.addr too, and viper keeps one flag per key.
			_ = f.viper().BindPFlag("webhook.addr", cmd.Flags().Lookup("addr"))
			_ = f.viper().BindPFlag("webhook.events", cmd.Flags().Lookup("events"))
			if runF != nil {
				return runF(opts)
			}
			return listenRun(cmd.Context(), f)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "", "listen address host:port (config webhook.addr, default "+config.DefaultWebhookAddr+")")
	cmd.Flags().StringVar(&opts.Events, "events", "", "invoices or all (config webhook.events, default "+config.EventsInvoices+")")
	return cmd
}

// listenRun serves webhooks as the config says: it is nsrecon listen and
// nsrecon invoices listen.
func listenRun(ctx context.Context, f *Factory) error {
	deps, err := invoiceDepsFrom(f)
	if err != nil {
		return err
	}
	cfg := deps.cfg
	if err := cfg.ValidateWebhook(); err != nil {
		return err
	}
	unlock, err := deps.ledger.ListenLock()
	if err != nil {
		var locked *ledger.LockedError
		if errors.As(err, &locked) {
			return &exitError{outcome.ExitLocked, fmt.Errorf("another nsrecon listener uses the ledger %s", deps.ledger.Path()),
				"run one listener per ledger"}
		}
		return err
	}
	defer unlock()
	log, err := f.Logger()
	if err != nil {
		return err
	}
	wcfg := webhook.Config{
		Secret: cfg.Webhook.Secret.Reveal(), Ledger: deps.ledger, Syncer: deps.syncer, Events: cfg.Webhook.Events,
		AllInvoices: cfg.Webhook.AllInvoices, Concurrency: 2 * max(cfg.NetSuite.Concurrency, 1),
		Now: f.Now, Logger: log,
	}
	var workers []func(context.Context) error
	if cfg.Webhook.Events == config.EventsAll {
		if wcfg.Syncer, err = realtimeSyncer(ctx, f, cfg, deps, log); err != nil {
			return err
		}
	}
	if cfg.Stripe.WriteBack {
		wb, err := writeBack(f, deps.ledger, log)
		if err != nil {
			return err
		}
		workers = append(workers, wb.Run)
	}
	srv, err := webhook.New(wcfg)
	if err != nil {
		return usageErr(err, "set webhook.secret")
	}
	ln, err := net.Listen("tcp", cfg.Webhook.Addr)
	if err != nil {
		return usageErr(fmt.Errorf("listening on %s: %w", cfg.Webhook.Addr, err), "choose another --addr / webhook.addr")
	}
	return serveWebhooks(ctx, f, log, srv, ln, workers...)
}

// realtimeSyncer wires the full real-time mode: the invoice syncer for
// invoices, the payout runner for payouts, and the planner for the rest.
func realtimeSyncer(ctx context.Context, f *Factory, cfg *config.Config, deps *invoiceDeps, log *slog.Logger) (*realtime.Syncer, error) {
	reader, err := f.Stripe()
	if err != nil {
		return nil, err
	}
	if err := bindLedger(ctx, deps.ledger, reader, cfg, false); err != nil {
		return nil, err
	}
	ns, err := f.NetSuite()
	if err != nil {
		return nil, err
	}
	settings := plansettings.From(cfg)
	pusher := push.New(ns, deps.ledger, push.Options{Concurrency: cfg.NetSuite.Concurrency, Logger: log})
	rt := &realtime.Syncer{Stripe: reader, Push: pusher, Settings: settings, Ledger: deps.ledger, Invoices: deps.syncer}
	deps.syncer.Push = rt.LockingPusher(pusher)
	if cfg.Customers.Mode == config.CustomersMatchEmail {
		rt.Customers = ns
	}
	rt.Payouts = &realtime.PayoutSyncer{
		Runner: &reconcile.Runner{Stripe: reader, Ledger: deps.ledger, Push: rt.LockingPusher(pusher), Now: f.Now, Log: log,
			Customers: ns, Records: ns},
		Settings: settings,
		Lock:     func(ctx context.Context) (func() error, error) { return deps.ledger.Lock(ctx, "nsrecon listen") },
	}
	return rt, nil
}

// writeBack is the write-back worker on the configured Stripe key.
func writeBack(f *Factory, led *ledger.Ledger, log *slog.Logger) (*realtime.WriteBack, error) {
	reader, err := f.Stripe()
	if err != nil {
		return nil, err
	}
	return &realtime.WriteBack{Ledger: led, Stripe: reader.Writer(), Log: log.With("component", "write-back"), Now: f.Now}, nil
}

// writeBackOnce writes back what a reconcile run made (stripe.write_back).
// A failure is logged and left for the next run or the listener: it never
// changes the run's outcome, as it never changes the books.
func writeBackOnce(ctx context.Context, f *Factory, led *ledger.Ledger, log *slog.Logger) {
	wb, err := writeBack(f, led, log)
	if err == nil {
		var n int
		n, err = wb.Once(ctx)
		log.Info("write-back", "written", n)
	}
	if err != nil {
		log.Warn("write-back stopped; the next run or nsrecon listen retries it", "err", err)
	}
}

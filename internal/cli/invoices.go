package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/push"
)

const invoicesExitHelp = `EXIT STATUS
  0    every invoice synced (sync), or the listener stopped cleanly on a signal (listen)
  1    an error, or NetSuite/Stripe refused an invoice (failed)
  2    usage or configuration error
  3    at least one invoice is held (e.g. its customer has no email; nothing pushed for it)
  4    Stripe or NetSuite rejected the credentials
  11   another nsrecon invoices listen uses this ledger
  130  interrupted in the middle of a sync; the ledger is consistent, run again to finish`

// NewCmdInvoices is nsrecon invoices: sync and listen.
func NewCmdInvoices(f *Factory) *cobra.Command {
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
	cmd.AddCommand(NewCmdInvoicesSync(f, nil), NewCmdInvoicesListen(f, nil))
	return cmd
}

// invoiceDeps are what both subcommands wire from the Factory.
type invoiceDeps struct {
	cfg    *config.Config
	ledger *ledger.Ledger
	syncer *invoicesync.Syncer
}

func invoiceDepsFrom(f *Factory) (*invoiceDeps, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	if err := errors.Join(cfg.ValidateStripe(), cfg.ValidateForPush()); err != nil {
		return nil, err
	}
	stripe, err := f.StripeInvoices()
	if err != nil {
		return nil, err
	}
	led, err := f.Ledger()
	if err != nil {
		return nil, err
	}
	ns, err := f.NetSuite()
	if err != nil {
		return nil, err
	}
	log, err := f.Logger()
	if err != nil {
		return nil, err
	}
	s := &invoicesync.Syncer{
		Stripe:   stripe,
		Push:     push.New(ns, led, push.Options{Concurrency: cfg.NetSuite.Concurrency, Logger: log}),
		Settings: plansettings.From(cfg),
		Ledger:   led,
	}
	if cfg.Customers.Mode == config.CustomersMatchEmail {
		s.Customers = ns
	}
	return &invoiceDeps{cfg: cfg, ledger: led, syncer: s}, nil
}

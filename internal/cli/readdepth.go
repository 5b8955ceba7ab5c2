package cli

import (
	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// stripeReadOptions is how deep a reconcile run reads each payout from
// Stripe, from reconcile.mode: summary mode books balance transactions
// alone, and needs invoices (their totals, not their lines) only to split
// their tax out when accounts.sales_tax is set. Detailed mode, and the
// export whatever the mode, read everything.
func stripeReadOptions(cfg *config.Config) payout.ReadOptions {
	switch {
	case cfg.Reconcile.Mode != config.ModeSummary:
		return payout.ReadOptions{Depth: payout.DepthDetailed}
	case cfg.Accounts.SalesTax != "":
		return payout.ReadOptions{Depth: payout.DepthSummaryTax}
	default:
		return payout.ReadOptions{Depth: payout.DepthSummary}
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// bindLedger checks that the ledger belongs to the configured Stripe and
// NetSuite accounts and, on a ledger that does not know them yet, records
// them (a dry run only checks). Another pair of accounts is a
// configuration error (exit 2) naming both.
func bindLedger(ctx context.Context, led *ledger.Ledger, reader *payout.Reader, cfg *config.Config, dryRun bool) error {
	if led == nil {
		return nil
	}
	acct, err := reader.AccountID(ctx)
	if err != nil {
		return classifyRunErr(err)
	}
	err = led.BindAccounts(ctx, ledger.Accounts{Stripe: acct, NetSuite: strings.ToUpper(cfg.NetSuite.AccountID)}, dryRun)
	var mismatch *ledger.AccountMismatchError
	if errors.As(err, &mismatch) {
		return &exitError{outcome.ExitUsage, err,
			"each pair of Stripe and NetSuite accounts needs its own ledger: point ledger.path (--ledger) at the ledger of these accounts, or at a new file"}
	}
	return err
}

// ledgerOpenErr explains why the ledger would not open, with the fix.
func ledgerOpenErr(path string, err error) error {
	var newer *ledger.NewerSchemaError
	var links *ledger.HardLinkError
	switch {
	case errors.As(err, &newer):
		return &exitError{outcome.ExitError, err, "install an nsrecon at least as new as the one that last wrote this ledger"}
	case errors.As(err, &links):
		return &exitError{outcome.ExitUsage, err, "keep one name for the ledger file: remove the other hard links (a symlink is fine)"}
	}
	return &exitError{outcome.ExitError, fmt.Errorf("ledger %s: %w", path, err),
		"if the file is damaged, move it aside and run again: a new ledger adopts what NetSuite already has by external ID"}
}

// resolveLedgerPath makes a relative ledger.path from the config file
// relative to that file's folder, not to wherever cron or systemd started
// nsrecon. A path from --ledger or NSRECON_LEDGER_PATH is left to the
// working directory, as a path on a command line is.
func (f *Factory) resolveLedgerPath(cfg *config.Config, configFile string, fromFlag bool) {
	p := cfg.Ledger.Path
	if p == "" || filepath.IsAbs(p) || configFile == "" || fromFlag || f.Getenv("NSRECON_LEDGER_PATH") != "" {
		return
	}
	cfg.Ledger.Path = filepath.Join(filepath.Dir(configFile), p)
}

// sandboxLedgerYAML gives a sandbox config its own ledger, beside the
// config file (a relative ledger.path is the config file's), so trying
// the sandbox never touches the default ledger of real accounts. The
// fake NetSuite's port names it: a new sandbox has a new NetSuite, whose
// records an older sandbox's ledger would wrongly claim.
func sandboxLedgerYAML(netsuiteURL string) string {
	port := "sandbox"
	if u, err := url.Parse(netsuiteURL); err == nil && u.Port() != "" {
		port = u.Port()
	}
	return "ledger:\n  # The sandbox's own ledger, beside this file: never the ledger of real accounts.\n" +
		"  path: nsrecon-sandbox-" + port + ".db\n"
}

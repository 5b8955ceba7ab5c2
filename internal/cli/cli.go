// Package cli is nsrecon's command tree. main only calls Main, so tests and
// testscript run the whole CLI in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
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

// Factory holds everything a command needs from the outside world, so a
// test can swap any of it.
type Factory struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	HTTPClient     *http.Client
	// IsTerminal reports whether w is an interactive terminal (progress,
	// table output).
	IsTerminal func(w io.Writer) bool
	Version    string

	v          *viper.Viper
	log        *slog.Logger
	configFile func() string
	status     *statusWriter // stderr with a status line, on a terminal only
	ledgerFlag *pflag.Flag   // --ledger, whose relative path is not the config file's
}

// exitError carries an exit code and an optional hint ("Try: …").
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error, hint string) error { return &exitError{outcome.ExitUsage, err, hint} }

// Main runs nsrecon with args and returns the process exit code.
func Main(ctx context.Context, args []string, f *Factory) int {
	f.defaults()
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.Stdin)
	root.SetOut(f.Stdout)
	root.SetErr(f.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return outcome.ExitOK
	}
	code, hint := outcome.ExitError, ""
	var ee *exitError
	var locked *ledger.LockedError
	var cfgErr *config.Error
	switch {
	case errors.Is(err, context.Canceled):
		// First: an interrupt surfaces wrapped in whatever was running.
		code, hint = outcome.ExitInterrupted, "run the same command again to finish: the ledger is consistent and records already done are not sent twice"
	case errors.As(err, &ee):
		code, hint = ee.code, ee.hint
	case errors.As(err, &locked):
		code, hint = outcome.ExitLocked, "wait for that run to finish; a lock left by a killed process is released automatically"
	case errors.As(err, &cfgErr):
		code, hint = outcome.ExitUsage, "fix the config keys above (nsrecon config check shows them all)"
	case isFlagError(err):
		code, hint = outcome.ExitUsage, "see nsrecon --help"
	}
	if code == outcome.ExitHeld || code == outcome.ExitOK {
		return code // the report already said it
	}
	fmt.Fprintf(f.Stderr, "nsrecon: %v\n", err)
	if hint != "" {
		fmt.Fprintf(f.Stderr, "Try: %s\n", hint)
	}
	return code
}

func isFlagError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown flag") || strings.HasPrefix(s, "unknown command") ||
		strings.HasPrefix(s, "unknown shorthand flag") || strings.Contains(s, "flag needs an argument") ||
		strings.HasPrefix(s, "invalid argument") || strings.Contains(s, "accepts ") || strings.HasPrefix(s, "required flag") ||
		strings.HasPrefix(s, "requires at least") || strings.HasPrefix(s, "requires exactly")
}

func (f *Factory) defaults() {
	if f.Stdin == nil {
		f.Stdin = strings.NewReader("")
	}
	if f.Stdout == nil {
		f.Stdout = io.Discard
	}
	if f.Stderr == nil {
		f.Stderr = io.Discard
	}
	if f.Getenv == nil {
		f.Getenv = os.Getenv
	}
	if f.Now == nil {
		f.Now = time.Now
	}
	if f.HTTPClient == nil {
		f.HTTPClient = &http.Client{Timeout: 5 * time.Minute}
	}
	if f.IsTerminal == nil {
		f.IsTerminal = func(io.Writer) bool { return false }
	}
	if f.Version == "" {
		f.Version = "dev"
	}
}

// NewRootCmd builds the command tree; nothing is global.
func NewRootCmd(f *Factory) *cobra.Command {
	f.v = config.New()
	var logLevel, logFormat, cfgFile string
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
			logTo := f.Stderr
			if f.IsTerminal(f.Stderr) {
				f.status = &statusWriter{w: f.Stderr}
				logTo = f.status
			}
			lg, err := newLogger(logTo, logLevel, logFormat)
			if err != nil {
				return usageErr(err, "--log-level debug|info|warn|error, --log-format text|json")
			}
			f.log = lg
			return nil
		},
	}
	root.SetVersionTemplate("nsrecon {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&cfgFile, "config", "", "config file (YAML); env NSRECON_CONFIG")
	pf.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	pf.String("ledger", "", "path of the SQLite ledger (config ledger.path)")
	f.ledgerFlag = pf.Lookup("ledger")
	_ = f.v.BindPFlag("ledger.path", pf.Lookup("ledger"))
	f.configFile = func() string {
		if cfgFile != "" {
			return cfgFile
		}
		return f.Getenv("NSRECON_CONFIG")
	}

	root.AddCommand(
		newReconcileCmd(f),
		newLedgerCmd(f),
		newSandboxCmd(f),
		newConfigCmd(f),
		newInvoicesCmd(f),
		newVersionCmd(f),
	)
	root.SetHelpCommand(&cobra.Command{Hidden: true, Use: "no-help"})
	return root
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// loadConfig reads the config file (if any), env and flags into a
// validated Config.
func (f *Factory) loadConfig() (*config.Config, error) {
	return f.readConfig(config.Load)
}

// parseConfig is loadConfig without the business rules (mappings,
// credentials), for commands that must work while those are incomplete.
func (f *Factory) parseConfig() (*config.Config, error) {
	return f.readConfig(config.Parse)
}

func (f *Factory) readConfig(load func(*viper.Viper, io.Reader) (*config.Config, error)) (*config.Config, error) {
	var r io.Reader
	if path := f.configFile(); path != "" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, usageErr(fmt.Errorf("config file: %w", err), "check --config / NSRECON_CONFIG")
		}
		defer fh.Close()
		if st, err := fh.Stat(); err == nil && !st.Mode().IsRegular() {
			return nil, usageErr(fmt.Errorf("config file %s is not a regular file", path), "pass the YAML file with --config")
		}
		if st, err := fh.Stat(); err == nil && runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 && f.log != nil {
			f.log.Warn("the config file is readable by other users; if it holds secrets, restrict it",
				"file", path, "mode", fmt.Sprintf("%04o", st.Mode().Perm()), "fix", "chmod 600 "+path)
		}
		r = fh
	}
	cfg, err := load(f.v, r)
	if err == nil {
		f.resolveLedgerPath(cfg, f.configFile(), f.ledgerFlag != nil && f.ledgerFlag.Changed)
	}
	return cfg, err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

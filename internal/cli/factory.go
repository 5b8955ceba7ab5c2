package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Factory is what a command gets from the outside world: the streams and
// clock main (or a test) sets, and one lazy constructor per dependency.
// Each constructor builds its dependency in one place, only when a command
// asks for it, and at most once (memoized). A variant of the Factory (the
// sandbox, a test) swaps constructors, never a command's code.
type Factory struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv feeds config loading only (NSRECON_CONFIG): commands never
	// read the environment themselves.
	Getenv     func(string) string
	Now        func() time.Time
	HTTPClient *http.Client
	// IsTerminal reports whether w is an interactive terminal (progress,
	// table output).
	IsTerminal func(w io.Writer) bool
	// TermWidth is the width in columns of the terminal w is (0: unknown),
	// so the status line never wraps.
	TermWidth func(w io.Writer) int
	// ProgressEvery is how often a push off a terminal logs its progress
	// (0: DefaultProgressEvery).
	ProgressEvery time.Duration
	Version       string

	// Config is the validated config: file, NSRECON_* env and flags,
	// with the business rules (mappings, credentials) checked.
	Config func() (*config.Config, error)
	// ParsedConfig is the config checked for syntax and types only, for
	// commands that must work while it is incomplete. It is Config when a
	// command already loaded that.
	ParsedConfig func() (*config.Config, error)
	// Ledger opens the ledger, creating it if absent; ExistingLedger
	// opens it only if it exists (nil, nil otherwise). The Factory closes
	// what they open when the command ends.
	Ledger, ExistingLedger func() (*ledger.Ledger, error)
	// Stripe is the payout reader a reconcile run uses.
	Stripe func() (*payout.Reader, error)
	// StripeInvoices reads one invoice per call with a fresh reader, for
	// the invoices commands.
	StripeInvoices func() (invoicesync.InvoiceReader, error)
	NetSuite       func() (*netsuite.Client, error)
	// Logger logs to stderr (above the status line on a terminal), as
	// --log-level and --log-format say.
	Logger func() (*slog.Logger, error)
	// DefaultWindow, when set, is the arrival window of an account whose
	// payouts arrived on fixed days (the sandbox's demo account): a
	// reconcile without --from or --payout uses it.
	DefaultWindow func() (from, to time.Time, err error)

	ctx       context.Context // the run's, for constructors that do I/O
	flags     *globalFlags
	v         *viper.Viper
	status    *statusWriter // stderr with a status line, on a terminal only
	validated *config.Config
	closers   *[]func()
	started   bool // a command's run began: cobra's own checks passed
	// configLogged: the config file's path was logged (once per run).
	configLogged bool
}

// globalFlags are the root's persistent flags the constructors read.
type globalFlags struct {
	configFile, logLevel, logFormat string
	ledger                          *pflag.Flag // --ledger
}

// addGlobalFlags defines the root's persistent flags on pf.
func (f *Factory) addGlobalFlags(pf *pflag.FlagSet) {
	if f.flags == nil {
		f.flags = &globalFlags{}
	}
	pf.StringVar(&f.flags.configFile, "config", "", "config file (YAML); env NSRECON_CONFIG")
	pf.StringVar(&f.flags.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.StringVar(&f.flags.logFormat, "log-format", "text", "log format on stderr: text or json")
	pf.String("ledger", "", "path of the SQLite ledger (config ledger.path)")
	f.flags.ledger = pf.Lookup("ledger")
	_ = f.viper().BindPFlag("ledger.path", f.flags.ledger)
}

// ledgerFlagChanged reports whether --ledger was given: its relative path
// is the working directory's, not the config file's.
func (f *Factory) ledgerFlagChanged() bool {
	return f.flags != nil && f.flags.ledger != nil && f.flags.ledger.Changed
}

// viper is the config's key registry, to which flags that set config keys
// (--ledger, --addr) are bound.
func (f *Factory) viper() *viper.Viper {
	if f.v == nil {
		f.v = config.New()
	}
	return f.v
}

// defaults fills in what main or a test left unset.
func (f *Factory) defaults(ctx context.Context) {
	f.ctx = ctx
	f.defaultIO()
	if f.flags == nil {
		f.flags = &globalFlags{logLevel: "info", logFormat: "text"}
	}
	if f.closers == nil {
		f.closers = new([]func())
	}
	if f.status == nil && f.IsTerminal(f.Stderr) {
		stderr := f.Stderr
		f.status = &statusWriter{w: stderr, width: func() int { return f.TermWidth(stderr) }}
	}
	f.defaultConstructors()
}

func (f *Factory) defaultIO() {
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
	if f.TermWidth == nil {
		f.TermWidth = func(io.Writer) int { return 0 }
	}
	if f.Version == "" {
		f.Version = "dev"
	}
}

// defaultConstructors sets every constructor left nil to the real one.
func (f *Factory) defaultConstructors() {
	set := func(p *func() (*config.Config, error), build func() (*config.Config, error)) {
		if *p == nil {
			*p = memo(build)
		}
	}
	set(&f.Config, f.newConfig)
	set(&f.ParsedConfig, f.newParsedConfig)
	if f.Ledger == nil {
		f.Ledger = memo(f.newLedger)
	}
	if f.ExistingLedger == nil {
		f.ExistingLedger = memo(f.newExistingLedger)
	}
	if f.Stripe == nil {
		f.Stripe = memo(f.newStripe)
	}
	if f.StripeInvoices == nil {
		f.StripeInvoices = memo(f.newStripeInvoices)
	}
	if f.NetSuite == nil {
		f.NetSuite = memo(f.newNetSuite)
	}
	if f.Logger == nil {
		f.Logger = memo(f.newLogger)
	}
}

// derive is a Factory with f's streams, flags, logger and cleanup, and
// the constructors given in with; Main's defaults fill in the rest, so
// they build from the variant's constructors.
func (f *Factory) derive(with func(*Factory)) *Factory {
	if f.closers == nil {
		f.closers = new([]func()) // shared: Main closes what either opens
	}
	d := &Factory{
		Stdin: f.Stdin, Stdout: f.Stdout, Stderr: f.Stderr, Getenv: f.Getenv, Now: f.Now,
		HTTPClient: f.HTTPClient, IsTerminal: f.IsTerminal, TermWidth: f.TermWidth, ProgressEvery: f.ProgressEvery,
		Version: f.Version,
		Logger:  f.Logger,
		flags:   f.flags, v: f.v, status: f.status, closers: f.closers,
	}
	with(d)
	d.defaults(f.ctx)
	return d
}

// onClose runs fn when the command ends (last registered, first run).
func (f *Factory) onClose(fn func()) {
	if f.closers == nil {
		f.closers = new([]func())
	}
	*f.closers = append(*f.closers, fn)
}

// closeAll closes what the constructors opened, newest first.
func (f *Factory) closeAll() {
	if f.closers == nil {
		return
	}
	for i := len(*f.closers) - 1; i >= 0; i-- {
		(*f.closers)[i]()
	}
	*f.closers = nil
}

// memo builds once, on the first call, and returns that ever after.
func memo[T any](build func() (T, error)) func() (T, error) {
	var once sync.Once
	var v T
	var err error
	return func() (T, error) {
		once.Do(func() { v, err = build() })
		return v, err
	}
}

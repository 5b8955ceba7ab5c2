package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/viper"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// The real constructors behind the Factory's fields. Each is the one
// place its dependency is built.

func (f *Factory) newConfig() (*config.Config, error) {
	cfg, err := f.readConfig(config.Load)
	f.validated = cfg
	return cfg, err
}

func (f *Factory) newParsedConfig() (*config.Config, error) {
	if f.validated != nil {
		// A validated config is a parsed one; reading the file again
		// would only warn about it twice.
		return f.validated, nil
	}
	return f.readConfig(config.Parse)
}

// configFile is --config, else NSRECON_CONFIG, else the first config
// file found in the search paths; "" means no file.
func (f *Factory) configFile() string {
	if f.flags != nil && f.flags.configFile != "" {
		return f.flags.configFile
	}
	if env := f.Getenv("NSRECON_CONFIG"); env != "" {
		return env
	}
	return config.FindFile()
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
		if st, err := fh.Stat(); err == nil && runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
			if log, err := f.Logger(); err == nil {
				log.Warn("the config file is readable by other users; if it holds secrets, restrict it",
					"file", path, "mode", fmt.Sprintf("%04o", st.Mode().Perm()), "fix", "chmod 600 "+path)
			}
		}
		r = fh
		if log, err := f.Logger(); err == nil && !f.configLogged {
			// Found by search, or named: either way say which one, so a
			// stray ./nsrecon.yaml cannot steer a run unnoticed.
			f.configLogged = true
			log.Info("config file", "path", absPath(path))
		}
	}
	cfg, err := load(f.viper(), r)
	if err == nil {
		f.resolveLedgerPath(cfg, f.configFile(), f.ledgerFlagChanged())
	}
	return cfg, err
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// ledgerPath is ledger.path, else the default in the user config
// directory.
func (f *Factory) ledgerPath() (string, error) {
	cfg, err := f.ParsedConfig() // the ledger needs no mappings or credentials
	if err != nil {
		return "", err
	}
	path := firstNonEmpty(cfg.Ledger.Path, config.DefaultLedgerPath())
	if path == "" {
		return "", usageErr(errors.New("ledger.path is not set and there is no user config directory (is HOME unset?)"),
			"set ledger.path (NSRECON_LEDGER_PATH or --ledger) to where the ledger lives")
	}
	return path, nil
}

func (f *Factory) newLedger() (*ledger.Ledger, error) {
	path, err := f.ledgerPath()
	if err != nil {
		return nil, err
	}
	return f.openLedger(path)
}

// newExistingLedger opens the ledger only if it exists: a dry run in CI
// has none and must not create one.
func (f *Factory) newExistingLedger() (*ledger.Ledger, error) {
	path, err := f.ledgerPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	return f.openLedger(path)
}

func (f *Factory) openLedger(path string) (*ledger.Ledger, error) {
	l, err := ledger.Open(f.ctx, path)
	if err != nil {
		return nil, ledgerOpenErr(path, err)
	}
	f.onClose(func() { l.Close() })
	return l, nil
}

// stripeReaderConfig is how every Stripe reader reaches Stripe.
func (f *Factory) stripeReaderConfig(cfg *config.Config) (payout.ReaderConfig, error) {
	log, err := f.Logger()
	if err != nil {
		return payout.ReaderConfig{}, err
	}
	return payout.ReaderConfig{
		APIKey: cfg.Stripe.APIKey.Reveal(), APIBase: cfg.Stripe.APIBase,
		HTTPClient: f.HTTPClient, Logger: log, Timeout: cfg.Stripe.Timeout,
	}, nil
}

func (f *Factory) newStripe() (*payout.Reader, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	rc, err := f.stripeReaderConfig(cfg)
	if err != nil {
		return nil, err
	}
	retries := int64(cfg.Stripe.MaxRetries)
	rc.NetworkRetries = &retries
	r, err := payout.NewReader(rc)
	if err != nil {
		return nil, usageErr(err, "check stripe.api_base")
	}
	return r, nil
}

func (f *Factory) newStripeInvoices() (invoicesync.InvoiceReader, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	rc, err := f.stripeReaderConfig(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := payout.NewReader(rc); err != nil {
		return nil, usageErr(err, "check stripe.api_base")
	}
	return readerPerSync{rc}, nil
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

func (f *Factory) newNetSuite() (*netsuite.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	log, err := f.Logger()
	if err != nil {
		return nil, err
	}
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
		Auth: auth, Concurrency: cfg.NetSuite.Concurrency, Logger: log,
		Defaults: cfg.NetSuite.Defaults,
	}, &hc)
	if err != nil {
		return nil, usageErr(err, "check the netsuite.* config keys")
	}
	return c, nil
}

func (f *Factory) newLogger() (*slog.Logger, error) {
	var w io.Writer = f.Stderr
	if f.status != nil {
		w = f.status
	}
	lg, err := newLogger(w, f.flags.logLevel, f.flags.logFormat)
	if err != nil {
		return nil, usageErr(err, "--log-level debug|info|warn|error, --log-format text|json")
	}
	return lg, nil
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

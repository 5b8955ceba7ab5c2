package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// sandboxFactory is f with the built-in demo Stripe account and an
// in-process fake NetSuite in place of the configured accounts: its config
// points at both, with a throwaway ledger, and its default window is the
// demo payouts' arrival days. Nothing starts until a command asks.
func sandboxFactory(f *Factory) *Factory {
	return f.derive(func(sf *Factory) {
		env := memo(func() (*sandbox.Env, error) {
			log, err := f.Logger()
			if err != nil {
				return nil, err
			}
			env, err := sandbox.Start(f.ctx, sandbox.Options{Logger: log})
			if err != nil {
				return nil, err
			}
			f.onClose(env.Close)
			return env, nil
		})
		sf.Config = memo(func() (*config.Config, error) {
			env, err := env()
			if err != nil {
				return nil, err
			}
			cfg := env.Config()
			dir, err := os.MkdirTemp("", "nsrecon-sandbox-")
			if err != nil {
				return nil, err
			}
			f.onClose(func() { os.RemoveAll(dir) })
			cfg.Ledger.Path = dir + "/ledger.db"
			fmt.Fprintf(f.Stderr, "sandbox: fake Stripe at %s, fake NetSuite at %s\n", env.StripeURL, env.NetSuiteURL)
			return cfg, nil
		})
		sf.ParsedConfig = sf.Config
		sf.DefaultWindow = func() (from, to time.Time, err error) {
			env, err := env()
			if err != nil {
				return from, to, err
			}
			from, to = env.Window()
			return from, to, nil
		}
	})
}

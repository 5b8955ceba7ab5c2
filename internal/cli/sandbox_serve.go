package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// NewCmdSandbox is nsrecon sandbox: serve.
func NewCmdSandbox(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the fake Stripe and fake NetSuite that the sandbox uses",
	}
	cmd.AddCommand(NewCmdSandboxServe(f, nil))
	return cmd
}

// SandboxServeOptions is nsrecon sandbox serve's command line.
type SandboxServeOptions struct {
	Factory *Factory
	sandbox.Options
	WriteConfig string
}

// NewCmdSandboxServe is nsrecon sandbox serve; runF, when set, runs
// instead of sandboxServeRun.
func NewCmdSandboxServe(f *Factory, runF func(*SandboxServeOptions) error) *cobra.Command {
	opts := &SandboxServeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the demo Stripe account and a fake NetSuite on 127.0.0.1 until interrupted",
		Long: `Serve the demo Stripe account and a fake NetSuite on 127.0.0.1 until interrupted.

It prints a config file that points nsrecon at both, exactly as at real
accounts: save it (or use --write-config) and run
  nsrecon reconcile --config sandbox.yaml
The fake NetSuite enforces what NetSuite enforces (signed requests, references,
external IDs, deposit arithmetic, the concurrency limit with 429s); the flags
below add latency and faults.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return sandboxServeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.StripeAddr, "stripe-addr", "127.0.0.1:0", "listen address of the fake Stripe (loopback only)")
	fl.StringVar(&opts.NetSuiteAddr, "netsuite-addr", "127.0.0.1:0", "listen address of the fake NetSuite (loopback only)")
	fl.IntVar(&opts.Concurrency, "concurrency-limit", 5, "fake NetSuite's concurrent request limit (beyond it: 429)")
	fl.DurationVar(&opts.Latency, "latency", 0, "fake NetSuite latency per request")
	fl.DurationVar(&opts.Jitter, "jitter", 0, "random extra latency, up to this")
	fl.Float64Var(&opts.Rate429, "rate-429", 0, "fraction of requests answered 429")
	fl.Float64Var(&opts.Rate5xx, "rate-5xx", 0, "fraction of requests answered 500")
	fl.Float64Var(&opts.RateDrop, "rate-drop", 0, "fraction of writes committed, then the connection dropped")
	fl.Int64Var(&opts.Seed, "seed", 1, "seed for latency jitter and faults")
	fl.StringVar(&opts.WriteConfig, "write-config", "", "write the sandbox config to this file (0600) instead of stdout")
	return cmd
}

// validate checks what the flag types cannot.
func (opts *SandboxServeOptions) validate() error {
	for flag, addr := range map[string]string{"--stripe-addr": opts.StripeAddr, "--netsuite-addr": opts.NetSuiteAddr} {
		if host, _, err := net.SplitHostPort(addr); err != nil || !(host == "localhost" || net.ParseIP(host).IsLoopback()) {
			return usageErr(fmt.Errorf("%s %q: the sandbox listens on loopback only", flag, addr), flag+" 127.0.0.1:0")
		}
	}
	for flag, rate := range map[string]float64{"--rate-429": opts.Rate429, "--rate-5xx": opts.Rate5xx, "--rate-drop": opts.RateDrop} {
		if rate < 0 || rate > 1 {
			return usageErr(fmt.Errorf("%s %v: want a fraction between 0 and 1", flag, rate), "")
		}
	}
	if opts.Latency < 0 || opts.Jitter < 0 {
		return usageErr(errors.New("--latency and --jitter cannot be negative"), "")
	}
	return nil
}

func sandboxServeRun(ctx context.Context, opts *SandboxServeOptions) error {
	f := opts.Factory
	log, err := f.Logger()
	if err != nil {
		return err
	}
	if err := opts.validate(); err != nil {
		return err
	}
	so := opts.Options
	so.Logger = log
	env, err := sandbox.Start(ctx, so)
	if err != nil {
		return err
	}
	defer env.Close()
	yaml := env.ConfigYAML() + sandboxLedgerYAML(env.NetSuiteURL)
	if opts.WriteConfig != "" {
		if err := os.WriteFile(opts.WriteConfig, []byte(yaml), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(f.Stderr, "wrote %s\n", opts.WriteConfig)
	}
	fmt.Fprintf(f.Stderr, "fake Stripe:   %s\nfake NetSuite: %s\nNetSuite state: %s/__nsfake/state\nCtrl-C to stop.\n",
		env.StripeURL, env.NetSuiteURL, env.NetSuiteURL)
	if opts.WriteConfig == "" {
		fmt.Fprint(f.Stdout, yaml)
	}
	<-ctx.Done()
	return nil
}

package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
)

// ConfigCheckOptions is nsrecon config check's command line (the global
// flags only).
type ConfigCheckOptions struct {
	Factory *Factory
}

// NewCmdConfigCheck is nsrecon config check; runF, when set, runs instead
// of configCheckRun.
func NewCmdConfigCheck(f *Factory, runF func(*ConfigCheckOptions) error) *cobra.Command {
	opts := &ConfigCheckOptions{Factory: f}
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the config (file, NSRECON_* env, flags) and list every problem",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return configCheckRun(opts)
		},
	}
}

func configCheckRun(opts *ConfigCheckOptions) error {
	cfg, err := opts.Factory.ParsedConfig()
	if err != nil {
		return err
	}
	// Every rule at once: what a dry run needs, what pushing needs.
	all := &config.Error{}
	for _, check := range []func() error{cfg.Validate, cfg.ValidateStripe, cfg.ValidateForPush} {
		var ce *config.Error
		if err := check(); errors.As(err, &ce) {
			all.Problems = append(all.Problems, ce.Problems...)
		} else if err != nil {
			return err
		}
	}
	if len(all.Problems) > 0 {
		return all
	}
	fmt.Fprintln(opts.Factory.Stdout, "config OK")
	return nil
}

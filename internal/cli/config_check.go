package cli

import (
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
	// config.Check, not ParsedConfig: an unknown key must not hide the
	// other problems (parsing stops at it), and check lists them all.
	if _, err := opts.Factory.readConfig(config.Check); err != nil {
		return err
	}
	fmt.Fprintln(opts.Factory.Stdout, "config OK")
	return nil
}

package cli

import "github.com/spf13/cobra"

// ConfigShowOptions is nsrecon config show's command line (the global
// flags only).
type ConfigShowOptions struct {
	Factory *Factory
}

// NewCmdConfigShow is nsrecon config show; runF, when set, runs instead of
// configShowRun.
func NewCmdConfigShow(f *Factory, runF func(*ConfigShowOptions) error) *cobra.Command {
	opts := &ConfigShowOptions{Factory: f}
	return &cobra.Command{
		Use:   "show",
		Short: "Print the effective config with secrets redacted",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return configShowRun(opts)
		},
	}
}

func configShowRun(opts *ConfigShowOptions) error {
	cfg, err := opts.Factory.ParsedConfig() // shows an incomplete config too: that is when it helps
	if err != nil {
		return err
	}
	return writeJSON(opts.Factory, configDoc(cfg.Redacted()))
}

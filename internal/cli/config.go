package cli

import "github.com/spf13/cobra"

// NewCmdConfig is nsrecon config: check and show.
func NewCmdConfig(f *Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check or show the configuration"}
	cmd.AddCommand(NewCmdConfigCheck(f, nil), NewCmdConfigShow(f, nil))
	return cmd
}

package cli

import "github.com/spf13/cobra"

// NewCmdConfig is nsrecon config: check, show and init.
func NewCmdConfig(f *Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check, show or create the configuration"}
	cmd.AddCommand(NewCmdConfigCheck(f, nil), NewCmdConfigShow(f, nil), NewCmdConfigInit(f, nil))
	return cmd
}

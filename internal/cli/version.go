package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// VersionOptions is nsrecon version's command line.
type VersionOptions struct {
	Factory *Factory
	Format  string
}

// NewCmdVersion is nsrecon version; runF, when set, runs instead of
// printing the version.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			switch opts.Format {
			case "json":
				return writeJSON(f, newVersionDoc(f.Version))
			case "text":
				fmt.Fprintf(f.Stdout, "nsrecon %s\n", f.Version)
				return nil
			}
			return usageErr(fmt.Errorf("--format %q: want text or json", opts.Format), "")
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

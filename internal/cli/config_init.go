package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
)

// ConfigInitOptions is nsrecon config init's command line.
type ConfigInitOptions struct {
	Factory *Factory
	Path    string // "" = the user config directory's config.yaml
	Force   bool
}

// NewCmdConfigInit is nsrecon config init; runF, when set, runs instead of
// configInitRun.
func NewCmdConfigInit(f *Factory, runF func(*ConfigInitOptions) error) *cobra.Command {
	opts := &ConfigInitOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a complete, commented config file to fill in",
		Long: `Write a complete, commented config file (mode 0600) to FILE, by default
config.yaml in the user config directory (` + "`$XDG_CONFIG_HOME/nsrecon`" + ` on Linux), where
nsrecon finds it without --config. An existing file is kept unless --force.`,
		Args: typedArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return configInitRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return cmd
}

func configInitRun(opts *ConfigInitOptions) error {
	path := opts.Path
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return usageErr(fmt.Errorf("no user config directory: %w", err), "nsrecon config init FILE")
		}
		path = filepath.Join(dir, "nsrecon", "config.yaml")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if opts.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	fh, err := os.OpenFile(path, flags, 0o600) // it may come to hold secrets
	if errors.Is(err, fs.ErrExist) {
		return usageErr(fmt.Errorf("%s already exists", path), "edit it, or pass --force to replace it with the example")
	}
	if err != nil {
		return err
	}
	if _, err := fh.WriteString(config.Example()); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	fmt.Fprintf(opts.Factory.Stdout, "wrote %s: fill in the NetSuite IDs, then run nsrecon config check\n", path)
	return nil
}

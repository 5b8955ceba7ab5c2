// Package gendocs generates nsrecon's man pages (cobra's doc package) and
// shell completions from the real command tree, for the release packages.
package gendocs

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/nsrecon/nsrecon/internal/cli"
)

// Write writes dir/man/nsrecon*.1 and dir/completions/nsrecon.{bash,zsh,fish,ps1}.
func Write(dir string) error {
	root := cli.NewRootCmd(&cli.Factory{})
	root.DisableAutoGenTag = true // reproducible: no generation date in the pages
	man := filepath.Join(dir, "man")
	comp := filepath.Join(dir, "completions")
	for _, d := range []string{man, comp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// A fixed date keeps the pages byte-identical between builds.
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := doc.GenManTree(root, &doc.GenManHeader{Title: "NSRECON", Section: "1", Source: "nsrecon", Manual: "nsrecon manual", Date: &date}, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	for name, gen := range map[string]func(*cobra.Command, string) error{
		"nsrecon.bash": func(c *cobra.Command, p string) error { return c.GenBashCompletionFileV2(p, true) },
		"nsrecon.zsh":  func(c *cobra.Command, p string) error { return c.GenZshCompletionFile(p) },
		"nsrecon.fish": func(c *cobra.Command, p string) error { return c.GenFishCompletionFile(p, true) },
		"nsrecon.ps1":  func(c *cobra.Command, p string) error { return c.GenPowerShellCompletionFileWithDesc(p) },
	} {
		if err := gen(root, filepath.Join(comp, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	return nil
}

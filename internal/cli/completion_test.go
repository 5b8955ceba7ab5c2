package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// Every command with a --format flag completes its values: a new command
// (or format) cannot forget it.
func TestEveryFormatFlagCompletes(t *testing.T) {
	root := NewRootCmd(&Factory{})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flag("format") != nil {
			if _, ok := c.GetFlagCompletionFunc("format"); !ok {
				t.Errorf("%s --format has no completion", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// A --format a command does not print, or a shell cobra does not know,
// is a usage error (exit 2), never a silent table or help with exit 0.
func TestUnknownValuesExit2(t *testing.T) {
	for _, args := range [][]string{
		{"ledger", "runs", "--format", "yaml"},
		{"ledger", "runs", "--format", "JSON"},
		{"ledger", "show", "po_1", "--format", "yaml"},
		{"completion", "tcsh"},
	} {
		code, out, errOut := run(t, context.Background(), "", args...)
		if code != outcome.ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want %d and nothing on stdout", args, code, out, outcome.ExitUsage)
		}
		if !strings.Contains(errOut, "want table or json") && !strings.Contains(errOut, `unknown command "tcsh"`) {
			t.Errorf("%v: stderr %q does not say what is wrong", args, errOut)
		}
	}
}

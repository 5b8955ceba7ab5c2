package cli

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// TestReadmeDocumentsEverything keeps README.md true: every config key,
// command, reconcile flag and exit status it should document is there.
func TestReadmeDocumentsEverything(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, k := range config.Keys() {
		if !strings.Contains(readme, "`"+k.Name+"`") {
			t.Errorf("README does not document config key %s", k.Name)
		}
		for _, e := range k.Env {
			if !strings.Contains(readme, e) {
				t.Errorf("README does not name env var %s", e)
			}
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			path := strings.TrimPrefix(sub.CommandPath(), "nsrecon ")
			if !strings.Contains(readme, "nsrecon "+path) {
				t.Errorf("README does not document command %q", sub.CommandPath())
			}
			walk(sub)
		}
	}
	root := NewRootCmd(&Factory{})
	walk(root)
	for _, name := range []string{"reconcile", "sandbox serve"} {
		cmd, _, err := root.Find(strings.Fields(name))
		if err != nil {
			t.Fatal(err)
		}
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" && !strings.Contains(readme, "--"+f.Name) {
				t.Errorf("README does not document %s --%s", name, f.Name)
			}
		})
	}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(readme, "--"+f.Name) {
			t.Errorf("README does not document global flag --%s", f.Name)
		}
	})
	for _, code := range []int{outcome.ExitOK, outcome.ExitError, outcome.ExitUsage, outcome.ExitHeld, outcome.ExitAuth, outcome.ExitLocked, outcome.ExitInterrupted} {
		if !strings.Contains(readme, "| "+strconv.Itoa(code)+" |") {
			t.Errorf("README's exit status table lacks %d", code)
		}
	}
}

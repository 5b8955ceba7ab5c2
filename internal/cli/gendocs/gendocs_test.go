package gendocs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The release's man pages and completions generate, cover every command,
// and show no hidden one.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"nsrecon.1", "nsrecon-reconcile.1", "nsrecon-ledger-show.1", "nsrecon-config-init.1", "nsrecon-invoices-listen.1"} {
		data, err := os.ReadFile(filepath.Join(dir, "man", name))
		if err != nil {
			t.Errorf("man page: %v", err)
			continue
		}
		if !strings.Contains(string(data), ".TH \"NSRECON\"") {
			t.Errorf("%s is not a man page:\n%.200s", name, data)
		}
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "man", "*.1"))
	for _, p := range pages {
		if strings.Contains(p, "no-help") || strings.Contains(p, "__complete") {
			t.Errorf("man page for a hidden command: %s", p)
		}
	}
	reconcile, _ := os.ReadFile(filepath.Join(dir, "man", "nsrecon-reconcile.1"))
	if !strings.Contains(string(reconcile), "wait-lock") || !strings.Contains(string(reconcile), "EXIT STATUS") {
		t.Error("nsrecon-reconcile.1 lacks --wait-lock or the exit status table")
	}
	for _, name := range []string{"nsrecon.bash", "nsrecon.zsh", "nsrecon.fish", "nsrecon.ps1"} {
		data, err := os.ReadFile(filepath.Join(dir, "completions", name))
		if err != nil || !strings.Contains(string(data), "nsrecon") {
			t.Errorf("completion %s: %v", name, err)
		}
	}
}

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// A ledger kept for one Stripe account refuses a run configured for
// another, naming both, with exit 2; a dry run checks the same.
func TestLedgerBelongsToItsAccounts(t *testing.T) {
	t.Setenv("NSRECON_CONFIG", "")
	env, yaml := startFakes(t, "plain_charges")
	led := filepath.Join(t.TempDir(), "ledger.db")
	cfg := yaml + "ledger:\n  path: " + led + "\n"
	window := []string{"reconcile", "--from", "2024-03-01", "--to", "2024-03-31"}
	if code, _, stderr := run(t, context.Background(), cfg, window...); code != outcome.ExitOK {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	l, err := ledger.Open(context.Background(), led)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Accounts(context.Background())
	l.Close()
	if err != nil || got.Stripe != "acct_stripefake" || got.NetSuite != "1234567_SB1" {
		t.Fatalf("ledger accounts %+v %v", got, err)
	}
	env.Stripe.AccountID = "acct_someone_else"
	for _, args := range [][]string{window, append(window, "--dry-run")} {
		code, _, stderr := run(t, context.Background(), cfg, args...)
		if code != outcome.ExitUsage || !strings.Contains(stderr, "acct_stripefake") || !strings.Contains(stderr, "acct_someone_else") {
			t.Errorf("%v: exit %d, stderr %s", args, code, stderr)
		}
	}
	env.Stripe.AccountID = ""
	other := strings.Replace(cfg, "account_id: \"1234567_SB1\"", "account_id: \"7654321\"", 1)
	if code, _, stderr := run(t, context.Background(), other, append(window, "--dry-run")...); code != outcome.ExitUsage ||
		!strings.Contains(stderr, "NetSuite account 1234567_SB1") || !strings.Contains(stderr, "7654321") {
		t.Errorf("other NetSuite account: exit %d, stderr %s", code, stderr)
	}
}

// A relative ledger.path in a config file is the config file's folder's,
// whatever the working directory.
func TestRelativeLedgerPathFollowsConfigFile(t *testing.T) {
	t.Setenv("NSRECON_CONFIG", "")
	_, yaml := startFakes(t, "plain_charges")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "nsrecon.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml+"ledger:\n  path: state/ledger.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"reconcile", "--from", "2024-03-01", "--to", "2024-03-31", "--config", cfgPath},
		&Factory{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	if code != outcome.ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "ledger.db")); err != nil {
		t.Fatalf("ledger not beside the config file: %v", err)
	}
	if _, err := os.Stat("state"); err == nil {
		t.Fatal("ledger made in the working directory")
	}
}

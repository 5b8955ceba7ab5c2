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
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// startFakes serves a scenario and returns a config file for it.
func startFakes(t *testing.T, scenario string) (env *sandbox.Env, yaml string) {
	t.Helper()
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", scenario))
	if err != nil {
		t.Fatal(err)
	}
	env, err = sandbox.Start(context.Background(), sandbox.Options{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	return env, env.ConfigYAML()
}

func run(t *testing.T, ctx context.Context, cfg string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if cfg != "" {
		if !strings.Contains("\n"+cfg, "\nledger:") {
			cfg += "ledger:\n  path: " + filepath.Join(t.TempDir(), "ledger.db") + "\n"
		}
		path := filepath.Join(t.TempDir(), "nsrecon.yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	var out, errb bytes.Buffer
	code = Main(ctx, args, &Factory{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	for _, k := range []string{"STRIPE_API_KEY", "NSRECON_CONFIG"} {
		t.Setenv(k, "")
	}
	_, plain := startFakes(t, "plain_charges")
	window := []string{"--from", "2024-03-01", "--to", "2024-03-31"}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	cases := []struct {
		name   string
		ctx    context.Context
		cfg    string
		args   []string
		code   int
		stderr string // substring
	}{
		{"all reconciled", nil, plain, append([]string{"reconcile"}, window...), outcome.ExitOK, ""},
		{"dry run ready", nil, plain, append([]string{"reconcile", "--dry-run"}, window...), outcome.ExitOK, ""},
		{"held", nil, "", []string{"reconcile", "--sandbox", "--dry-run"}, outcome.ExitHeld, ""},
		{"unknown config key", nil, plain + "netsuite_typo: 1\n", []string{"reconcile", "--dry-run"}, outcome.ExitUsage, "netsuite_typo"},
		{"bad concurrency", nil, strings.Replace(plain, "concurrency: 5", "concurrency: 0", 1), []string{"reconcile"}, outcome.ExitUsage, "netsuite.concurrency"},
		{"no bank account", nil, strings.Replace(plain, "  bank:\n    usd: \"200\"\n    eur: \"201\"\n    jpy: \"202\"\n    kwd: \"203\"\n", "", 1), []string{"reconcile", "--dry-run"}, outcome.ExitUsage, "accounts.bank"},
		{"bad flag", nil, "", []string{"reconcile", "--frm", "x"}, outcome.ExitUsage, "unknown flag"},
		{"wrong Stripe key", nil, strings.Replace(plain, sandbox.StripeKey, "sk_test_wrong", 1), append([]string{"reconcile", "--dry-run"}, window...), outcome.ExitAuth, "stripe.api_key"},
		{"wrong NetSuite secret", nil, strings.Replace(plain, sandbox.TokenSecret, "not-the-secret", 1), append([]string{"reconcile"}, window...), outcome.ExitAuth, "netsuite.auth"},
		{"Stripe unreachable", nil, strings.Replace(plain, "api_base: \"http://127.0.0.1:", "api_base: \"http://127.0.0.1:1", 1), append([]string{"reconcile", "--dry-run"}, window...), outcome.ExitError, "stripe"},
		{"interrupted", cancelled, plain, append([]string{"reconcile"}, window...), outcome.ExitInterrupted, "run the same command again"},
		{"malformed YAML", nil, "accounts: [\n", []string{"config", "check"}, outcome.ExitUsage, "config file"},
		{"config is a directory", nil, "", []string{"config", "show", "--config", os.TempDir()}, outcome.ExitUsage, "not a regular file"},
		{"not a payout ID", nil, plain, []string{"reconcile", "--payout", "ch_123"}, outcome.ExitUsage, "Try: payout IDs start with po_"},
		{"no such payout", nil, plain, []string{"reconcile", "--payout", "po_DOESNOTEXIST123"}, outcome.ExitUsage, "Try: check the ID in the Stripe Dashboard"},
		{"no such payout, dry run", nil, plain, []string{"reconcile", "--dry-run", "--payout", "po_DOESNOTEXIST123"}, outcome.ExitUsage, "No such payout"},
		{"from after to", nil, "", []string{"reconcile", "--dry-run", "--from", "2024-03-10", "--to", "2024-03-01"}, outcome.ExitUsage, "swap the dates"},
		{"missing argument", nil, "", []string{"invoices", "sync"}, outcome.ExitUsage, "requires at least"},
		{"sandbox on a public address", nil, "", []string{"sandbox", "serve", "--netsuite-addr", "192.0.2.1:0"}, outcome.ExitUsage, "loopback only"},
		{"cleartext Stripe URL", nil, strings.Replace(plain, "api_base: \"http://127.0.0.1:", "api_base: \"http://192.0.2.1:", 1), []string{"reconcile", "--dry-run"}, outcome.ExitUsage, "plain http://"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			code, out, errOut := run(t, ctx, c.cfg, c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) {
				t.Fatalf("exit %d, want %d; stderr %q should contain %q\nstdout:\n%s", code, c.code, errOut, c.stderr, out)
			}
			for _, secret := range []string{sandbox.TokenSecret, sandbox.ConsumerSecret, sandbox.StripeKey} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("output leaks secret %q", secret)
				}
			}
		})
	}
}

func TestLockedExit11(t *testing.T) {
	_, cfg := startFakes(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "ledger.db")
	cfg += "ledger:\n  path: " + path + "\n"
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	unlock, err := l.Lock(context.Background(), "test holder")
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01")
	if code != outcome.ExitLocked || !strings.Contains(errOut, "test holder") {
		t.Fatalf("exit %d stderr %q; want 11 naming the holder", code, errOut)
	}
	unlock()
	if code, _, errOut := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01"); code != outcome.ExitOK {
		t.Fatalf("after unlock: exit %d %s", code, errOut)
	}
}

func TestWarnsOnReadableConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("accounts:\n  undeposited_funds: \"1\"\n  bank:\n    usd: \"2\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	Main(context.Background(), []string{"config", "show", "--config", path}, &Factory{Stdout: &out, Stderr: &errb})
	if !strings.Contains(errb.String(), "chmod 600") {
		t.Errorf("no warning for a 0644 config: %q", errb.String())
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	Main(context.Background(), []string{"config", "show", "--config", path}, &Factory{Stdout: &out, Stderr: &errb})
	if strings.Contains(errb.String(), "chmod") {
		t.Errorf("warning for a 0600 config: %q", errb.String())
	}
}

func TestConfigCheckListsEverythingAtOnce(t *testing.T) {
	t.Setenv("STRIPE_API_KEY", "")
	code, _, errOut := run(t, context.Background(), "ledger:\n  path: /tmp/x.db\n", "config", "check")
	for _, key := range []string{"accounts.undeposited_funds", "accounts.bank", "stripe.api_key", "netsuite.account_id", "netsuite.auth.token_secret"} {
		if !strings.Contains(errOut, key) {
			t.Errorf("config check did not list %s:\n%s", key, errOut)
		}
	}
	if code != outcome.ExitUsage {
		t.Errorf("exit %d, want 2", code)
	}
}

// The ledger can be read, and the config shown, before the mappings are set.
func TestLedgerCommandsNeedNoMappings(t *testing.T) {
	_, cfg := startFakes(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	if code, _, errOut := run(t, context.Background(), cfg+"ledger:\n  path: "+path+"\n", "reconcile", "--from", "2024-03-01"); code != outcome.ExitOK {
		t.Fatalf("reconcile: %d %s", code, errOut)
	}
	bare := "ledger:\n  path: " + path + "\n"
	for _, args := range [][]string{{"ledger", "runs"}, {"config", "show"}} {
		if code, _, errOut := run(t, context.Background(), bare, args...); code != outcome.ExitOK {
			t.Errorf("%v with an incomplete config: exit %d %s", args, code, errOut)
		}
	}
}

// A held payout fixed by hand is resolved once and not retried after.
func TestLedgerResolve(t *testing.T) {
	_, cfg := startFakes(t, "customer_no_email")
	cfg += "ledger:\n  path: " + filepath.Join(t.TempDir(), "l.db") + "\n"
	code, out, _ := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01", "--format", "json")
	if code != outcome.ExitHeld {
		t.Fatalf("first run: exit %d", code)
	}
	id := out[strings.Index(out, `"id": "po_`)+7:]
	id = id[:strings.Index(id, `"`)]
	if code, _, errOut := run(t, context.Background(), cfg, "ledger", "resolve", id); code != outcome.ExitUsage || !strings.Contains(errOut, "--note") {
		t.Errorf("resolve without a note: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, context.Background(), cfg, "ledger", "resolve", id, "--note", "entered by hand as deposit 4711"); code != outcome.ExitOK {
		t.Fatalf("resolve: exit %d %s", code, errOut)
	}
	// No longer retried by default runs…
	code, out, _ = run(t, context.Background(), cfg, "reconcile", "--format", "json")
	if code != outcome.ExitOK || strings.Contains(out, id) {
		t.Errorf("default run after resolve: exit %d\n%s", code, out)
	}
	// …and reported as resolved when its window is run again.
	code, out, _ = run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01", "--format", "json")
	if code != outcome.ExitOK || !strings.Contains(out, "reconciled by hand") {
		t.Errorf("window run after resolve: exit %d\n%s", code, out)
	}
}

// A run with --to in the future must not push the next default run's
// window into the future.
func TestFutureToDoesNotBreakLaterRuns(t *testing.T) {
	_, cfg := startFakes(t, "plain_charges")
	cfg += "ledger:\n  path: " + filepath.Join(t.TempDir(), "l.db") + "\n"
	if code, _, errOut := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01", "--to", "2999-01-01"); code != outcome.ExitOK {
		t.Fatalf("first run: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, context.Background(), cfg, "reconcile"); code != outcome.ExitOK {
		t.Errorf("default run after a future --to: exit %d %s", code, errOut)
	}
}

// Wrong NetSuite credentials cost one request (the preflight), not a burst
// of failed logins that could lock the NetSuite user.
func TestWrongCredentialsCostOneRequest(t *testing.T) {
	env, cfg := startFakes(t, "plain_charges")
	cfg = strings.Replace(cfg, sandbox.TokenSecret, "not-the-secret", 1)
	code, _, errOut := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01")
	if code != outcome.ExitAuth {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := env.NetSuite.Counts()["401"]; n != 1 {
		t.Errorf("NetSuite saw %d failed logins, want 1", n)
	}
}

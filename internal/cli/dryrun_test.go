package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// A dry run on a fresh CI runner (no ledger) with NetSuite credentials
// looks parents up in NetSuite read-only and reaches the real run's
// verdict; --offline does not, and says why.
func TestDryRunSeesNetSuite(t *testing.T) {
	t.Setenv("NSRECON_CONFIG", "")
	env, yaml := startFakes(t, "refunds_plain")
	prod := yaml + "ledger:\n  path: " + filepath.Join(t.TempDir(), "prod.db") + "\n"
	if code, _, stderr := run(t, context.Background(), prod, "reconcile", "--from", "2024-03-05", "--to", "2024-03-05"); code != outcome.ExitOK {
		t.Fatalf("day 1: exit %d %s", code, stderr)
	}
	before := env.NetSuite.Counts()
	ci := yaml + "ledger:\n  path: " + filepath.Join(t.TempDir(), "none.db") + "\n"
	day2 := []string{"reconcile", "--dry-run", "--from", "2024-03-06", "--to", "2024-03-06", "--format", "json"}
	if code, out, stderr := run(t, context.Background(), ci, day2...); code != outcome.ExitOK {
		t.Fatalf("dry run with NetSuite: exit %d\n%s\n%s", code, out, stderr)
	}
	after := env.NetSuite.Counts()
	for k, n := range after {
		if n != before[k] && !isRead(k) {
			t.Errorf("the dry run wrote to NetSuite: %s %d → %d", k, before[k], n)
		}
	}
	if code, out, _ := run(t, context.Background(), ci, append(day2, "--offline")...); code != outcome.ExitHeld {
		t.Fatalf("offline dry run: exit %d, want %d (the refund's parent is unknown)\n%s", code, outcome.ExitHeld, out)
	}
	if code, _, _ := run(t, context.Background(), ci, "reconcile", "--offline"); code != outcome.ExitUsage {
		t.Fatalf("--offline without --dry-run: exit %d", code)
	}
}

// isRead tells a fake NetSuite route that only reads (GET, SuiteQL).
func isRead(route string) bool {
	return route == "POST suiteql" || len(route) > 4 && route[:4] == "GET "
}

// A dry run over several days gives each payout the verdict the real run
// gives it: the later payouts rely on records the earlier ones would have
// written (customers, items, the payments refunds apply to), which a dry
// run never writes and NetSuite therefore does not have.
func TestDryRunVerdictMatchesRealRun(t *testing.T) {
	t.Setenv("NSRECON_CONFIG", "")
	_, yaml := startFakes(t, "sandbox")
	cfg := yaml + "ledger:\n  path: " + filepath.Join(t.TempDir(), "l.db") + "\n"
	window := []string{"reconcile", "--from", "2024-03-01", "--to", "2024-03-31", "--format", "json"}
	verdicts := func(args ...string) map[string]string {
		t.Helper()
		_, out, stderr := run(t, context.Background(), cfg, args...)
		var rep struct {
			Payouts []struct {
				ID, Status string
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s\n%s", err, out, stderr)
		}
		m := map[string]string{}
		for _, p := range rep.Payouts {
			m[p.ID] = p.Status
		}
		return m
	}
	dry := verdicts(append(window, "--dry-run")...)
	real := verdicts(window...)
	if len(real) < 3 {
		t.Fatalf("the sandbox has %d payouts in the window", len(real))
	}
	for id, got := range real {
		want := got
		if got == string(outcome.Reconciled) {
			want = string(outcome.Ready)
		}
		if dry[id] != want {
			t.Errorf("%s: dry run says %s, the real run %s", id, dry[id], got)
		}
	}
}

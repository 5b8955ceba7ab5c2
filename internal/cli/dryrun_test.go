package cli

import (
	"context"
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

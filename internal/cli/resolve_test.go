package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// ledger resolve takes only a payout a run held or failed: one the
// listing keeps as ready (here Stripe's in_progress payout, reported
// waiting) is the next run's, and resolving it by hand would stop that run
// from booking it.
func TestResolveRefusesReadyPayout(t *testing.T) {
	t.Setenv("NSRECON_CONFIG", "")
	_, yaml := startFakes(t, "payout_in_progress")
	cfg := yaml + "ledger:\n  path: " + filepath.Join(t.TempDir(), "ledger.db") + "\n"
	if code, stdout, stderr := run(t, context.Background(), cfg, "reconcile", "--from", "2024-03-01", "--to", "2024-03-31"); code != outcome.ExitOK ||
		!strings.Contains(stdout, "waiting") {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	const waiting = "po_1ALX9QdiaPfcghHZFiB21VID"
	code, _, stderr := run(t, context.Background(), cfg, "ledger", "resolve", waiting, "--note", "by hand")
	if code != outcome.ExitUsage || !strings.Contains(stderr, "is ready, not held or failed") {
		t.Errorf("resolve of a ready payout: exit %d, stderr %s", code, stderr)
	}
	if _, stdout, _ := run(t, context.Background(), cfg, "ledger", "show", waiting); !strings.Contains(stdout, "ready") {
		t.Errorf("after the refused resolve: %s", stdout)
	}
}

package webhook

import (
	"testing"

	"github.com/nsrecon/nsrecon/internal/realtime"
)

// Every kind of object the listener can queue has a name of its own in
// its log lines (a charge is never logged as invoice=ch_…), and a retry
// hint that fits it.
func TestEveryQueuedObjectHasAKind(t *testing.T) {
	for _, p := range realtime.Prefixes() {
		k := kindOf(p + "1abc")
		if k.name == "object" {
			t.Errorf("objects %s… have no row in objectKinds", p)
		}
		if k.name != "invoice" && k.name != "payout" && k.again != "" {
			t.Errorf("%s: only invoices and payouts have a sync command, got %q", p, k.again)
		}
	}
	for id, want := range map[string]string{
		"in_1": "then run nsrecon invoices sync in_1",
		"po_1": "then run nsrecon reconcile --payout po_1",
		"ch_1": "the daily nsrecon reconcile then books it with the payout that needs it",
	} {
		if got := kindOf(id).retry(id); got != want {
			t.Errorf("retry(%s) = %q, want %q", id, got, want)
		}
	}
}

package push

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/plan"
)

// A real-time plan (a charge synced by the listener) is not logged as an
// invoice; an invoice plan is.
func TestPushedLogNamesThePlanKind(t *testing.T) {
	for _, c := range []struct {
		kind      plan.Kind
		want, not string
	}{
		{plan.KindInvoice, `msg="invoice pushed"`, ""},
		{plan.KindRealtime, `msg="real-time records pushed"`, "invoice"},
	} {
		var buf bytes.Buffer
		c2 := newClient(t, serve(t, newFake(nil)), 1)
		p := New(c2, openLedger(t, ""), Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
		if _, err := p.Push(context.Background(), &plan.Plan{Kind: c.kind}); err != nil {
			t.Fatal(err)
		}
		got := buf.String()
		if !strings.Contains(got, c.want) || (c.not != "" && strings.Contains(got, c.not)) {
			t.Errorf("kind %d: log %q, want %q", c.kind, got, c.want)
		}
	}
}

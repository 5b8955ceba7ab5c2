package webhook

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// stubSyncer answers every sync with res.
type stubSyncer struct{ res invoicesync.Result }

func (s stubSyncer) Sync(context.Context, string) (invoicesync.Result, error) { return s.res, nil }

// The "synced" line names the NetSuite record when there is one (an
// invoice), and has no empty netsuite_id when there is not (a charge).
func TestSyncedLogNetSuiteID(t *testing.T) {
	for _, c := range []struct {
		id, nsID, want, wantNot string
	}{
		{"in_1", "42", "msg=\"invoice synced\" invoice=in_1 events=0 netsuite_id=42", ""},
		{"ch_1", "", "msg=\"charge synced\" charge=ch_1", "netsuite_id"},
	} {
		var buf bytes.Buffer
		srv, err := New(Config{Secret: testSecret, Ledger: openLedger(t, filepath.Join(t.TempDir(), "l.db")),
			Syncer: stubSyncer{invoicesync.Result{Status: outcome.Synced, NetSuiteID: c.nsID, Pushed: 3}},
			Logger: slog.New(slog.NewTextHandler(&buf, nil))})
		if err != nil {
			t.Fatal(err)
		}
		srv.process(context.Background(), c.id, nil)
		got := buf.String()
		if !strings.Contains(got, c.want) || (c.wantNot != "" && strings.Contains(got, c.wantNot)) {
			t.Errorf("%s: log %q, want %q and no %q", c.id, got, c.want, c.wantNot)
		}
	}
}

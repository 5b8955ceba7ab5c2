package export

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
)

// collect keeps what an export writes.
type collect struct {
	rows   []Row
	totals []Total
}

func (c *collect) Row(r *Row) error      { c.rows = append(c.rows, *r); return nil }
func (c *collect) Payout(t *Total) error { c.totals = append(c.totals, *t); return nil }
func (c *collect) Close() error          { return nil }

// A manual payout resolved by hand exports one row carrying the payout's
// amount as gross and net: its totals balance and no warning is logged.
func TestExportManualPayoutResolved(t *testing.T) {
	rc := reconcileScenario(t, "manual_payout")
	ctx := context.Background()
	const id = "po_1y5efyKdiaRsl0rrp0CQ1GfY"
	st, ok, err := rc.ledger.Payout(ctx, id)
	if err != nil || !ok || st.Status != outcome.Held {
		t.Fatalf("manual payout %+v %v %v", st, ok, err)
	}
	// What ledger resolve does.
	st.Status = outcome.Reconciled
	st.Problems, _ = json.Marshal([]outcome.Problem{{Code: "RESOLVED_BY_HAND", Object: id, Message: "entered by hand"}})
	if err := rc.ledger.SetPayout(ctx, st); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	rc.exporter.Log = slog.New(slog.NewTextHandler(&logs, nil))
	var c collect
	if err := rc.exporter.Export(ctx, Selection{PayoutIDs: []string{id}}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.rows) != 1 || !c.rows[0].HasAmounts || c.rows[0].Gross != 5000 || c.rows[0].Net != 5000 || c.rows[0].Fee != 0 {
		t.Errorf("rows %+v", c.rows)
	}
	if len(c.totals) != 1 || !c.totals[0].Balanced() || c.totals[0].Gross != 5000 {
		t.Errorf("totals %+v", c.totals)
	}
	if logs.Len() != 0 {
		t.Errorf("export logged: %s", logs.String())
	}
}

// An invoice made by invoices sync before its charge was paid out stays
// in the payout's trail: its row, with its internal ID, beside the payment
// that settles it.
func TestExportKeepsSyncedInvoice(t *testing.T) {
	const inv = "in_19qiD7LjrE4dqO62kiEpJYwe"
	rc := reconcileScenarioWith(t, "invoice_charges", config.ModeDetailed, func(r *payout.Reader, p *push.Pusher, s plan.Settings) {
		res, err := (&invoicesync.Syncer{Stripe: r, Push: p, Settings: s}).Sync(context.Background(), inv)
		if err != nil || res.Status != outcome.Synced {
			t.Fatalf("invoice sync: %+v %v", res, err)
		}
	})
	row, ok, err := rc.ledger.Record(context.Background(), plan.ExternalID(inv))
	if err != nil || !ok || row.PayoutID != "" || row.InternalID == "" {
		t.Fatalf("synced invoice's ledger row %+v %v %v", row, ok, err)
	}
	var c collect
	if err := rc.exporter.Export(context.Background(), Selection{To: farFuture}, &c); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range c.rows {
		if r.NSType == netsuite.TypeInvoice && r.NSExternalID == plan.ExternalID(inv) {
			found = true
			if r.NSInternalID != row.InternalID || r.InvoiceID != inv {
				t.Errorf("synced invoice's row %+v; want internal ID %s", r, row.InternalID)
			}
		}
	}
	if !found {
		t.Errorf("no row for the invoice %s synced before the payout", inv)
	}
	for _, tot := range c.totals {
		if !tot.Balanced() {
			t.Errorf("payout %s does not balance: %+v", tot.PayoutID, tot)
		}
	}
}

package ledger

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// A done record keeps what it booked; a later pending or failed write (a
// changed body being retried) keeps it, and the next done replaces it.
func TestBookedKeptUntilDoneAgain(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	r := Record{ExternalID: "stripe_ch_1", Type: "customerPayment", Source: "ch_1", PayoutID: "po_1",
		Booked: Booked{Amount: 1234, Currency: "usd", Date: "2024-03-01"}}
	if err := l.MarkDone(ctx, r, "7", "h1"); err != nil {
		t.Fatal(err)
	}
	r2 := r
	r2.Booked = Booked{Amount: 999, Currency: "usd", Date: "2024-03-02"}
	if err := l.MarkPending(ctx, r2, "h2"); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkFailed(ctx, r2, "boom"); err != nil {
		t.Fatal(err)
	}
	got, _, err := l.Record(ctx, "stripe_ch_1")
	if err != nil || got.Booked != r.Booked {
		t.Fatalf("after a failed retry: %+v (%v), want %+v", got.Booked, err, r.Booked)
	}
	// An adoption (a lookup by external ID, no body) keeps it too.
	if err := l.MarkDone(ctx, Record{ExternalID: "stripe_ch_1", Type: "customerPayment"}, "7", ""); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := l.Record(ctx, "stripe_ch_1"); got.Booked != r.Booked {
		t.Fatalf("after an adoption: %+v", got.Booked)
	}
	if err := l.MarkDone(ctx, r2, "7", "h2"); err != nil {
		t.Fatal(err)
	}
	recs, err := l.PayoutRecords(ctx, "po_1")
	if err != nil || len(recs) != 1 || recs[0].Booked != r2.Booked {
		t.Fatalf("after done again: %+v (%v)", recs, err)
	}
}

// A ledger of schema 2 (before bookings) opens, migrates, and its records
// show no booking rather than a wrong one.
func TestMigrateToBooked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range migrations[:2] {
		if _, err := db.Exec(m); err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
	}
	if _, err := db.Exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
		INSERT INTO schema_version VALUES (1, '2024-01-01T00:00:00Z'), (2, '2024-01-01T00:00:00Z');
		INSERT INTO records (external_id, record_type, status, internal_id, updated_at) VALUES ('stripe_ch_1', 'customerPayment', 'done', '5', '2024-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, ok, err := l.Record(ctx, "stripe_ch_1")
	if err != nil || !ok || got.InternalID != "5" || got.Booked.Known() {
		t.Fatalf("%+v %v %v", got, ok, err)
	}
}

func TestPayoutsArrivedAndRunAt(t *testing.T) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	now := day(10)
	l := openTest(t, WithClock(func() time.Time { return now }))
	for i, id := range []string{"po_a", "po_b", "po_c"} {
		if err := l.SetPayout(ctx, PayoutState{ID: id, Status: outcome.Held, Currency: "usd", ArrivalDate: day(1 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.PayoutsArrived(ctx, day(2), day(3))
	if err != nil || len(got) != 2 || got[0].ID != "po_b" || got[1].ID != "po_c" {
		t.Fatalf("%+v %v", got, err)
	}
	id, err := l.StartRun(ctx, RunInfo{StartedAt: day(10)})
	if err != nil {
		t.Fatal(err)
	}
	now = day(11)
	if err := l.EndRun(ctx, id, RunResult{Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := l.RunAt(ctx, day(10).Add(time.Hour)); err != nil || !ok || got != id {
		t.Errorf("RunAt during the run: %d %v %v", got, ok, err)
	}
	if _, ok, _ := l.RunAt(ctx, day(12)); ok {
		t.Error("RunAt after every run ended found one")
	}
}

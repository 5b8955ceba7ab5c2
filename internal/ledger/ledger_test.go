package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

func openTest(t *testing.T, opts ...Option) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "state", "ledger.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// clock is a fake clock that advances one second per reading.
func clock(start time.Time) func() time.Time {
	t := start
	return func() time.Time { t = t.Add(time.Second); return t }
}

func TestOpenCreatesPrivateFileAndMigrates(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "state")
	path := filepath.Join(dir, "ledger.db")
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700 | os.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode() & (os.ModePerm | os.ModeDir); got&^want != 0 {
			t.Errorf("%s mode %v, want at most %v", p, got, want)
		}
	}
	var v int
	if err := l.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("schema version %d (%v), want %d", v, err, SchemaVersion())
	}
	var mode string
	if err := l.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v), want wal", mode, err)
	}
	if err := l.MarkDone(ctx, Record{ExternalID: "x", Type: "customer"}, "1", ""); err != nil {
		t.Fatal(err)
	}
	l.Close()

	// Reopening applies nothing twice and keeps data.
	l, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if id, ok, err := l.InternalID(ctx, "x"); err != nil || !ok || id != "1" {
		t.Fatalf("after reopen: %q %v %v", id, ok, err)
	}
	// A ledger written by a newer nsrecon is refused, not silently misread.
	if _, err := l.db.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, 'x')`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	l.Close()
	var newer *NewerSchemaError
	if _, err := Open(ctx, path); !errors.As(err, &newer) || newer.Version != SchemaVersion()+1 || !strings.Contains(err.Error(), "not damaged") {
		t.Fatalf("opening a ledger with a newer schema: %v", err)
	}
}

func TestRecords(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, WithClock(clock(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))))
	cus := Record{ExternalID: "stripe_cus_1", Type: "customer", Source: "cus_1", PayoutID: "po_1"}
	pay := Record{ExternalID: "stripe_ch_1", Type: "customerPayment", Source: "ch_1", PayoutID: "po_1"}

	must(t, l.MarkPending(ctx, cus, "h1"))
	if _, ok, _ := l.InternalID(ctx, cus.ExternalID); ok {
		t.Fatal("pending record reported as done")
	}
	must(t, l.MarkPending(ctx, cus, "h1"))
	must(t, l.MarkDone(ctx, cus, "101", "h1"))
	must(t, l.MarkPending(ctx, pay, "h2"))
	must(t, l.MarkFailed(ctx, pay, "400 INVALID_KEY_OR_REF: bad customer"))
	// The same customer planned again by a later payout keeps its owner.
	must(t, l.MarkDone(ctx, Record{ExternalID: "stripe_cus_1", Type: "customer", PayoutID: "po_2"}, "101", ""))

	r, ok, err := l.Record(ctx, cus.ExternalID)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := RecordRow{Record: cus, InternalID: "101", Status: RecordDone, Attempts: 2, BodyHash: "h1", UpdatedAt: r.UpdatedAt}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("got %+v\nwant %+v", r, want)
	}
	rows, err := l.PayoutRecords(ctx, "po_1")
	if err != nil || len(rows) != 2 {
		t.Fatalf("PayoutRecords: %v %v", rows, err)
	}
	if f := rows[0]; f.ExternalID != pay.ExternalID || f.Status != RecordFailed || f.Attempts != 1 || f.LastError == "" {
		t.Fatalf("failed row %+v", f)
	}
	ids, err := l.InternalIDs(ctx, []string{"stripe_cus_1", "stripe_ch_1", "nope"})
	if err != nil || !reflect.DeepEqual(ids, map[string]string{"stripe_cus_1": "101"}) {
		t.Fatalf("InternalIDs %v %v", ids, err)
	}
	known, err := l.Known(ctx)
	if err != nil || !known.Has("stripe_cus_1") || known.Has("stripe_ch_1") {
		t.Fatalf("Known %v %v", known, err)
	}
	if err := l.MarkDone(ctx, pay, "", ""); err == nil {
		t.Fatal("done without an internal ID accepted")
	}
}

func TestInternalIDsChunks(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	var ids []string
	for i := range 1234 {
		id := "e" + string(rune('a'+i%26)) + time.Duration(i).String()
		ids = append(ids, id)
		if i%2 == 0 {
			must(t, l.MarkDone(ctx, Record{ExternalID: id, Type: "customer"}, "1", ""))
		}
	}
	got, err := l.InternalIDs(ctx, ids)
	if err != nil || len(got) != 617 {
		t.Fatalf("got %d (%v), want 617", len(got), err)
	}
}

func TestPayouts(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
	must(t, l.SetPayout(ctx, PayoutState{ID: "po_b", Status: outcome.Failed, Currency: "usd", Amount: 100, ArrivalDate: day(3),
		Problems: json.RawMessage(`[{"code":"INVALID_KEY_OR_REF"}]`)}))
	must(t, l.SetPayout(ctx, PayoutState{ID: "po_a", Status: outcome.Held, ArrivalDate: day(2)}))
	must(t, l.SetPayout(ctx, PayoutState{ID: "po_c", Status: outcome.Reconciled, ArrivalDate: day(1), DepositID: "9"}))
	ids, err := l.PayoutsToRetry(ctx)
	if err != nil || !reflect.DeepEqual(ids, []string{"po_a", "po_b"}) {
		t.Fatalf("PayoutsToRetry %v %v", ids, err)
	}
	p, ok, err := l.Payout(ctx, "po_b")
	if err != nil || !ok || p.Amount != 100 || p.Currency != "usd" || !p.ArrivalDate.Equal(day(3)) ||
		string(p.Problems) != `[{"code":"INVALID_KEY_OR_REF"}]` {
		t.Fatalf("Payout %+v %v %v", p, ok, err)
	}
	if p, _, _ := l.Payout(ctx, "po_a"); string(p.Problems) != "[]" {
		t.Fatalf("empty problems stored as %q", p.Problems)
	}
	if err := l.SetPayout(ctx, PayoutState{ID: "po_x", Status: "bogus"}); err == nil {
		t.Fatal("bad status accepted")
	}
	if err := l.SetPayout(ctx, PayoutState{ID: "po_x", Status: outcome.Held, Problems: json.RawMessage("{")}); err == nil {
		t.Fatal("bad JSON accepted")
	}
}

func TestRuns(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, WithClock(clock(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))))
	day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
	if _, ok, err := l.LastSuccessfulRunEnd(ctx); ok || err != nil {
		t.Fatal("fresh ledger has a successful run", err)
	}
	run := func(from, to int, dry bool, outcome string) int64 {
		id, err := l.StartRun(ctx, RunInfo{WindowFrom: day(from), WindowTo: day(to), DryRun: dry})
		must(t, err)
		if outcome != "" {
			must(t, l.EndRun(ctx, id, RunResult{PayoutsTotal: 3, PayoutsReconciled: 2, PayoutsHeld: 1, RecordsPushed: 7, Outcome: outcome}))
		}
		return id
	}
	run(1, 2, false, OutcomeOK)
	run(2, 3, false, OutcomePartial)
	run(3, 4, true, OutcomeOK)           // dry runs push nothing
	run(3, 5, false, OutcomeError)       // did not finish its window
	run(3, 6, false, OutcomeInterrupted) // nor this
	last := run(3, 7, false, "")         // still running, or killed
	end, ok, err := l.LastSuccessfulRunEnd(ctx)
	if err != nil || !ok || !end.Equal(day(3)) {
		t.Fatalf("LastSuccessfulRunEnd %v %v %v, want %v", end, ok, err, day(3))
	}
	runs, err := l.Runs(ctx, 2)
	if err != nil || len(runs) != 2 || runs[0].ID != last || runs[0].Outcome != "" || !runs[0].EndedAt.IsZero() {
		t.Fatalf("Runs %+v %v", runs, err)
	}
	if r := runs[1]; r.Outcome != OutcomeInterrupted || r.PayoutsTotal != 3 || r.RecordsPushed != 7 || r.PID != os.Getpid() ||
		r.Host == "" || r.StartedAt.IsZero() || !r.EndedAt.After(r.StartedAt) || !r.WindowTo.Equal(day(6)) {
		t.Fatalf("run row %+v", r)
	}
	if all, _ := l.Runs(ctx, 0); len(all) != 6 {
		t.Fatalf("Runs(0) = %d rows", len(all))
	}
	if err := l.EndRun(ctx, 999, RunResult{Outcome: OutcomeOK}); err == nil {
		t.Fatal("ended a run that does not exist")
	}
	if err := l.EndRun(ctx, last, RunResult{Outcome: "meh"}); err == nil {
		t.Fatal("unknown outcome accepted")
	}
}

func TestLockInProcess(t *testing.T) {
	ctx := context.Background()
	l1 := openTest(t)
	l2, err := Open(ctx, l1.Path())
	must(t, err)
	defer l2.Close()

	unlock, err := l1.Lock(ctx, "nsrecon reconcile")
	must(t, err)
	_, err = l2.Lock(ctx, "nsrecon backfill")
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock: %v, want *LockedError", err)
	}
	if le.Holder != "nsrecon reconcile" || le.PID != os.Getpid() || le.Host == "" || time.Since(le.Since) > time.Minute {
		t.Fatalf("LockedError %+v", le)
	}
	t.Log(le)
	must(t, unlock())
	must(t, unlock()) // idempotent
	unlock2, err := l2.Lock(ctx, "nsrecon backfill")
	must(t, err)
	must(t, unlock2())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecordListing(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
	must(t, l.SetPayout(ctx, PayoutState{ID: "po_done", Status: outcome.Reconciled, ArrivalDate: day(2), DepositID: "7"}))
	must(t, l.RecordListing(ctx, Listing{From: day(1), To: day(3), Payouts: []SeenPayout{
		{ID: "po_done", ArrivalDate: day(2)}, {ID: "po_new", Amount: 5, Currency: "usd", ArrivalDate: day(3)}}}))
	if p, _, _ := l.Payout(ctx, "po_done"); p.Status != outcome.Reconciled || p.DepositID != "7" {
		t.Fatalf("a listing changed a reconciled payout: %+v", p)
	}
	if p, ok, _ := l.Payout(ctx, "po_new"); !ok || p.Status != outcome.Ready || p.Amount != 5 {
		t.Fatalf("listed payout %+v %v", p, ok)
	}
	if ids, _ := l.PayoutsToRetry(ctx); !reflect.DeepEqual(ids, []string{"po_new"}) {
		t.Fatalf("PayoutsToRetry %v", ids)
	}
	if d, ok, _ := l.ListedThrough(ctx); !ok || !d.Equal(day(3)) {
		t.Fatalf("ListedThrough %v %v", d, ok)
	}
	// A window after a gap does not move the mark; one that touches it does.
	must(t, l.RecordListing(ctx, Listing{From: day(6), To: day(9)}))
	must(t, l.RecordListing(ctx, Listing{From: day(1), To: day(2)}))
	if d, _, _ := l.ListedThrough(ctx); !d.Equal(day(3)) {
		t.Fatalf("ListedThrough after a gap / an older window: %v", d)
	}
	must(t, l.RecordListing(ctx, Listing{From: day(4), To: day(5)}))
	if d, _, _ := l.ListedThrough(ctx); !d.Equal(day(5)) {
		t.Fatalf("ListedThrough after an adjoining window: %v", d)
	}
	if d, ok, _ := l.EarliestOpen(ctx); !ok || !d.Equal(day(3)) {
		t.Fatalf("EarliestOpen %v %v", d, ok)
	}
}

// One damaged row does not stop a run that asks about it.
func TestDamagedPayoutRowIsReadable(t *testing.T) {
	ctx := context.Background()
	l := openTest(t)
	must(t, l.SetPayout(ctx, PayoutState{ID: "po_x", Status: outcome.Held}))
	if _, err := l.db.ExecContext(ctx, `UPDATE payouts SET arrival_date = 'yesterday', updated_at = 'x', problems = '{' WHERE id = 'po_x'`); err != nil {
		t.Fatal(err)
	}
	p, ok, err := l.Payout(ctx, "po_x")
	if err != nil || !ok || p.Status != outcome.Held || string(p.Problems) != "[]" {
		t.Fatalf("Payout %+v %v %v", p, ok, err)
	}
	if ids, err := l.PayoutsToRetry(ctx); err != nil || len(ids) != 1 {
		t.Fatalf("PayoutsToRetry %v %v", ids, err)
	}
}

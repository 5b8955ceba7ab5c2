package ledger

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestEventsQueue(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	l, err := Open(ctx, filepath.Join(t.TempDir(), "l.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	record := func(id, obj, status string) bool {
		t.Helper()
		isNew, err := l.RecordEvent(ctx, Event{ID: id, Type: "invoice.finalized", ObjectID: obj, Status: status, Reason: "r"})
		if err != nil {
			t.Fatal(err)
		}
		return isNew
	}
	if !record("evt_1", "in_a", EventQueued) || !record("evt_2", "in_a", EventQueued) || !record("evt_3", "in_b", EventQueued) {
		t.Fatal("first deliveries not new")
	}
	if record("evt_1", "in_a", EventQueued) {
		t.Error("redelivery of evt_1 reported new")
	}
	record("evt_4", "", EventNoAction)

	due, err := l.DueObjects(ctx, now, 10, nil)
	if err != nil || len(due) != 2 {
		t.Fatalf("due = %v, %v; want in_a, in_b", due, err)
	}
	if due, _ := l.DueObjects(ctx, now, 10, map[string]bool{"in_a": true}); len(due) != 1 || due[0] != "in_b" {
		t.Errorf("due skipping in_a = %v", due)
	}
	evs, err := l.QueuedEvents(ctx, "in_a")
	if err != nil || len(evs) != 2 {
		t.Fatalf("queued for in_a = %v, %v", evs, err)
	}

	// A failure backs in_a off; in_b succeeds.
	next := now.Add(time.Minute)
	if err := l.RetryEvents(ctx, []string{"evt_1", "evt_2"}, "NetSuite 503", next); err != nil {
		t.Fatal(err)
	}
	if err := l.FinishEvents(ctx, []string{"evt_3"}, EventDone, ""); err != nil {
		t.Fatal(err)
	}
	if due, _ := l.DueObjects(ctx, now, 10, nil); len(due) != 0 {
		t.Errorf("due while backing off = %v", due)
	}
	if at, ok, _ := l.NextEventDue(ctx); !ok || !at.Equal(next) {
		t.Errorf("next due = %v %v, want %v", at, ok, next)
	}
	st, err := l.EventStats(ctx)
	if err != nil || st.Queued != 2 || st.LastError != "NetSuite 503" || st.LastSuccessAt.IsZero() {
		t.Errorf("stats = %+v, %v", st, err)
	}
	if due, _ := l.DueObjects(ctx, next, 10, nil); len(due) != 1 || due[0] != "in_a" {
		t.Errorf("due after backoff = %v", due)
	}
	if err := l.FinishEvents(ctx, []string{"evt_1", "evt_2"}, EventHeld, "no email"); err != nil {
		t.Fatal(err)
	}
	// Settled events never change again.
	if err := l.RetryEvents(ctx, []string{"evt_1"}, "late", next); err != nil {
		t.Fatal(err)
	}
	ev, ok, err := l.GetEvent(ctx, "evt_1")
	if err != nil || !ok || ev.Status != EventHeld || ev.Attempts != 2 || ev.LastError != "no email" {
		t.Errorf("evt_1 = %+v, %v", ev, err)
	}
	if err := l.FinishEvents(ctx, []string{"evt_1"}, EventQueued, ""); err == nil {
		t.Error("finishing as queued accepted")
	}
	if all, _ := l.Events(ctx, "in_a"); len(all) != 2 {
		t.Errorf("events of in_a = %d", len(all))
	}
}

func TestListenLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "l.db")
	l1, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	l2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	unlock, err := l1.ListenLock()
	if err != nil {
		t.Fatal(err)
	}
	var locked *LockedError
	if _, err := l2.ListenLock(); !errors.As(err, &locked) {
		t.Fatalf("second listener: %v, want LockedError", err)
	}
	// The run lock is another lock: reconcile runs beside the listener.
	runUnlock, err := l2.Lock(ctx, "nsrecon reconcile")
	if err != nil {
		t.Fatalf("run lock while listening: %v", err)
	}
	runUnlock()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := l2.ListenLock()
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}

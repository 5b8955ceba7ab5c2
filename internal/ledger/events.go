package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Event statuses. An event is recorded once, with the action the webhook
// routing chose; only queued events have work left.
const (
	EventQueued   = "queued"    // an invoice sync is due (or backing off after a failure)
	EventDone     = "done"      // the invoice is in NetSuite as of the sync that covered this event
	EventHeld     = "held"      // the invoice cannot be synced as is (a customer without email, …)
	EventFailed   = "failed"    // NetSuite or Stripe refused for good; LastError says why
	EventNoAction = "no_action" // the event tables say: nothing to do
	EventDaily    = "daily"     // settled by the daily payout reconcile, not in real time
	EventIgnored  = "ignored"   // an event type nsrecon does not know: acknowledged and logged
)

// Event is one Stripe webhook event as the ledger keeps it. The payload
// itself is not stored: the worker always reads the current object from
// Stripe, and the ledger need not hold customers' data twice.
type Event struct {
	ID, Type   string
	ObjectID   string // data.object.id
	APIVersion string
	Created    time.Time // Stripe's event time
	ReceivedAt time.Time
	Status     string
	Reason     string
	Attempts   int
	LastError  string
	NextAt     time.Time // when a queued event is due
	UpdatedAt  time.Time
}

// RecordEvent stores e unless an event with its ID is already recorded,
// and reports whether it was new. Deliveries are at least once; the event
// ID makes a redelivery a no-op. A queued event is due at once.
//
// It returns after the row is committed (WAL, synchronous=NORMAL: durable
// across a crash of the process; a power loss may lose the last commits,
// and Stripe redelivers what was not acknowledged before it).
func (l *Ledger) RecordEvent(ctx context.Context, e Event) (isNew bool, err error) {
	if e.ID == "" {
		return false, errors.New("ledger: event without ID")
	}
	now := l.now()
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = now
	}
	next := ""
	if e.Status == EventQueued {
		next = fmtTime(e.ReceivedAt)
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO events
		(id, type, object_id, api_version, created, received_at, status, reason, next_attempt_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.Type, e.ObjectID, e.APIVersion, fmtTime(e.Created), fmtTime(e.ReceivedAt), e.Status, e.Reason, next, fmtTime(now))
	if err != nil {
		return false, fmt.Errorf("ledger: event %s: %w", e.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("ledger: event %s: %w", e.ID, err)
	}
	return n == 1, nil
}

const eventCols = `id, type, object_id, api_version, created, received_at, status, reason, attempts, last_error, next_attempt_at, updated_at`

func scanEvent(s interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var created, received, next, updated string
	if err := s.Scan(&e.ID, &e.Type, &e.ObjectID, &e.APIVersion, &created, &received, &e.Status, &e.Reason,
		&e.Attempts, &e.LastError, &next, &updated); err != nil {
		return e, fmt.Errorf("ledger: %w", err)
	}
	var errs [4]error
	e.Created, errs[0] = parseTime(created)
	e.ReceivedAt, errs[1] = parseTime(received)
	e.NextAt, errs[2] = parseTime(next)
	e.UpdatedAt, errs[3] = parseTime(updated)
	return e, errors.Join(errs[:]...)
}

func (l *Ledger) queryEvents(ctx context.Context, q string, args ...any) ([]Event, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

// GetEvent returns the event with this ID.
func (l *Ledger) GetEvent(ctx context.Context, id string) (Event, bool, error) {
	e, err := scanEvent(l.db.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, false, nil
	}
	return e, err == nil, err
}

// Events returns the events about one object (an invoice), oldest first.
func (l *Ledger) Events(ctx context.Context, objectID string) ([]Event, error) {
	return l.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE object_id = ? ORDER BY received_at, id`, objectID)
}

// DueObjects returns up to limit objects with a queued event due at now,
// the longest waiting first, leaving out those in skip (being worked on).
func (l *Ledger) DueObjects(ctx context.Context, now time.Time, limit int, skip map[string]bool) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT object_id, MIN(next_attempt_at) AS due FROM events
		WHERE status = 'queued' AND next_attempt_at <= ? GROUP BY object_id ORDER BY due, object_id LIMIT ?`,
		fmtTime(now), limit+len(skip))
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, due string
		if err := rows.Scan(&id, &due); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if !skip[id] && len(out) < limit {
			out = append(out, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

// QueuedEvents returns every queued event of an object, due or backing
// off: one sync of the object's current state settles them all.
func (l *Ledger) QueuedEvents(ctx context.Context, objectID string) ([]Event, error) {
	return l.queryEvents(ctx, `SELECT `+eventCols+` FROM events WHERE object_id = ? AND status = 'queued'
		ORDER BY received_at, id`, objectID)
}

// NextEventDue returns when the earliest queued event is due.
func (l *Ledger) NextEventDue(ctx context.Context) (time.Time, bool, error) {
	var s sql.NullString
	if err := l.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM events WHERE status = 'queued'`).Scan(&s); err != nil {
		return time.Time{}, false, fmt.Errorf("ledger: %w", err)
	}
	if !s.Valid || s.String == "" {
		return time.Time{}, false, nil
	}
	t, err := parseTime(s.String)
	return t, err == nil, err
}

// FinishEvents settles queued events with a final status (done, held or
// failed) and, for held and failed, why. Events that are no longer queued
// are left alone, so a settled event never changes again.
func (l *Ledger) FinishEvents(ctx context.Context, ids []string, status, lastErr string) error {
	switch status {
	case EventDone, EventHeld, EventFailed:
	default:
		return fmt.Errorf("ledger: cannot finish events as %q", status)
	}
	return l.updateEvents(ctx, ids, `status = ?, last_error = ?, next_attempt_at = '', attempts = attempts + 1, updated_at = ?`,
		status, lastErr, l.stamp())
}

// RetryEvents counts a failed attempt for queued events and makes them due
// again at next.
func (l *Ledger) RetryEvents(ctx context.Context, ids []string, lastErr string, next time.Time) error {
	return l.updateEvents(ctx, ids, `attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?`,
		lastErr, fmtTime(next), l.stamp())
}

func (l *Ledger) updateEvents(ctx context.Context, ids []string, set string, args ...any) error {
	if len(ids) == 0 {
		return nil
	}
	return l.tx(ctx, func(tx *sql.Tx) error {
		const chunk = 500
		for len(ids) > 0 {
			n := min(chunk, len(ids))
			part := ids[:n]
			ids = ids[n:]
			all := append([]any(nil), args...)
			for _, id := range part {
				all = append(all, id)
			}
			q := `UPDATE events SET ` + set + ` WHERE status = 'queued' AND id IN (?` + strings.Repeat(",?", n-1) + `)`
			if _, err := tx.ExecContext(ctx, q, all...); err != nil {
				return fmt.Errorf("ledger: events: %w", err)
			}
		}
		return nil
	})
}

// EventStats is the webhook queue at a glance, for /healthz.
type EventStats struct {
	Queued        int       // events with work left
	LastError     string    // the most recent failure of a queued, held or failed event
	LastErrorAt   time.Time //
	LastSuccessAt time.Time // the most recent event settled as done
}

// EventStats reads the queue depth, the last error and the last success.
func (l *Ledger) EventStats(ctx context.Context) (EventStats, error) {
	var st EventStats
	var errAt, okAt sql.NullString
	err := l.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM events WHERE status = 'queued'),
		(SELECT MAX(updated_at) FROM events WHERE status = 'done')`).Scan(&st.Queued, &okAt)
	if err != nil {
		return st, fmt.Errorf("ledger: %w", err)
	}
	err = l.db.QueryRowContext(ctx, `SELECT last_error, updated_at FROM events
		WHERE last_error != '' AND status IN ('queued', 'held', 'failed') ORDER BY updated_at DESC LIMIT 1`).Scan(&st.LastError, &errAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("ledger: %w", err)
	}
	if st.LastSuccessAt, err = parseTime(okAt.String); err != nil {
		return st, err
	}
	st.LastErrorAt, err = parseTime(errAt.String)
	return st, err
}

// ListenLock takes the listener lock: one webhook listener per ledger, so
// two workers never sync the same queued invoice at once. It is separate
// from the run lock (Lock), which `nsrecon reconcile` holds: the listener
// and the daily run share the ledger safely, every write being one short
// transaction and every NetSuite record keyed by external ID.
func (l *Ledger) ListenLock() (unlock func() error, err error) {
	f, err := os.OpenFile(l.path+".listen.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger: listener lock: %w", err)
	}
	ok, err := tryLockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger: listener lock: %w", err)
	}
	if !ok {
		f.Close()
		return nil, &LockedError{Holder: "nsrecon invoices listen"}
	}
	released := false
	return func() error {
		if released {
			return nil
		}
		released = true
		return errors.Join(unlockFile(f), f.Close())
	}, nil
}

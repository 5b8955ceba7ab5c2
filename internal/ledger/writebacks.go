package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Write-back statuses: the NetSuite internal ID of a record is in its
// Stripe object's metadata (done), will be tried again (retry), or Stripe
// refused it for good (failed, e.g. the object is gone).
const (
	WriteBackDone   = "done"
	WriteBackRetry  = "retry"
	WriteBackFailed = "failed"
)

// WriteBackKind selects records to write back: a NetSuite record type
// whose source is a Stripe ID with this prefix (customer records made for
// cus_… customers, not for guests).
type WriteBackKind struct {
	RecordType, SourcePrefix string
}

// WriteBack is one done record whose internal ID is due to be written
// into Stripe metadata.
type WriteBack struct {
	ExternalID, RecordType, Source, InternalID string
	Attempts                                   int
}

// WriteBacksDue returns up to limit done records of the given kinds whose
// internal ID is not in Stripe yet: never written, written with another
// internal ID, or due for a retry at now. Failed ones are not returned.
func (l *Ledger) WriteBacksDue(ctx context.Context, kinds []WriteBackKind, now time.Time, limit int) ([]WriteBack, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	var conds []string
	args := []any{}
	for _, k := range kinds {
		conds = append(conds, "(r.record_type = ? AND substr(r.source, 1, ?) = ?)")
		args = append(args, k.RecordType, len(k.SourcePrefix), k.SourcePrefix)
	}
	args = append(args, fmtTime(now), limit)
	rows, err := l.db.QueryContext(ctx, `SELECT r.external_id, r.record_type, r.source, r.internal_id, COALESCE(w.attempts, 0)
		FROM records r LEFT JOIN writebacks w ON w.external_id = r.external_id
		WHERE r.status = 'done' AND r.internal_id != '' AND (`+strings.Join(conds, " OR ")+`)
		AND (w.external_id IS NULL OR (w.internal_id != r.internal_id AND w.status != 'retry')
			OR (w.status = 'retry' AND w.next_attempt_at <= ?))
		ORDER BY r.updated_at, r.external_id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: write-backs: %w", err)
	}
	defer rows.Close()
	var out []WriteBack
	for rows.Next() {
		var w WriteBack
		if err := rows.Scan(&w.ExternalID, &w.RecordType, &w.Source, &w.InternalID, &w.Attempts); err != nil {
			return nil, fmt.Errorf("ledger: write-backs: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: write-backs: %w", err)
	}
	return out, nil
}

// SetWriteBack records the outcome of writing w's internal ID into the
// metadata key of Stripe object stripeID: done, retry (at next) or failed.
func (l *Ledger) SetWriteBack(ctx context.Context, w WriteBack, stripeID, key, status, lastErr string, next time.Time) error {
	switch status {
	case WriteBackDone, WriteBackRetry, WriteBackFailed:
	default:
		return fmt.Errorf("ledger: write-back status %q", status)
	}
	nextAt := ""
	if status == WriteBackRetry {
		nextAt = fmtTime(next)
	}
	_, err := l.db.ExecContext(ctx, `INSERT INTO writebacks
		(external_id, stripe_id, key, internal_id, status, attempts, last_error, next_attempt_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (external_id) DO UPDATE SET stripe_id = excluded.stripe_id, key = excluded.key,
			internal_id = excluded.internal_id, status = excluded.status, attempts = writebacks.attempts + 1,
			last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`,
		w.ExternalID, stripeID, key, w.InternalID, status, lastErr, nextAt, l.stamp())
	if err != nil {
		return fmt.Errorf("ledger: write-back %s: %w", w.ExternalID, err)
	}
	return nil
}

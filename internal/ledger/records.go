package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Record statuses.
const (
	RecordPending = "pending" // sent (or about to be); outcome unknown
	RecordDone    = "done"    // exists in NetSuite with InternalID
	RecordFailed  = "failed"  // NetSuite rejected it; LastError says why
)

// Record identifies a NetSuite record nsrecon makes, for the ledger.
type Record struct {
	ExternalID string
	Type       string // NetSuite record type (customer, invoice, …)
	Source     string // Stripe ID the record represents
	PayoutID   string // payout whose plan holds it; "" for a dependency adopted from NetSuite
	// Booked is what the record books (amount, currency, account, date);
	// MarkDone keeps it. Zero for customers and items.
	Booked Booked
}

// RecordRow is one row of the records table.
type RecordRow struct {
	Record
	InternalID string
	Status     string
	Attempts   int
	LastError  string
	BodyHash   string
	UpdatedAt  time.Time
}

// upsertRecord keeps the first non-empty payout ID (a customer shared by two
// payouts belongs to the one that created it) and never blanks a known
// internal ID or body hash; attempts accumulate.
const upsertRecord = `
INSERT INTO records (external_id, record_type, source, payout_id, internal_id, status, attempts, last_error, body_hash, updated_at,
	booked_amount, booked_currency, booked_account, booked_date)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (external_id) DO UPDATE SET
	record_type = excluded.record_type,
	source      = CASE WHEN excluded.source = '' THEN records.source ELSE excluded.source END,
	payout_id   = CASE WHEN records.payout_id = '' THEN excluded.payout_id ELSE records.payout_id END,
	internal_id = CASE WHEN excluded.internal_id = '' THEN records.internal_id ELSE excluded.internal_id END,
	status      = excluded.status,
	attempts    = records.attempts + excluded.attempts,
	last_error  = excluded.last_error,
	body_hash   = CASE WHEN excluded.body_hash = '' THEN records.body_hash ELSE excluded.body_hash END,
	updated_at  = excluded.updated_at` + upsertBooked

// putRecord writes a record's row; booked is written only when it names a
// currency (MarkDone), so a pending or failed retry keeps what was booked.
func (l *Ledger) putRecord(ctx context.Context, r Record, internalID, status string, attempts int, lastErr, bodyHash string, booked Booked) error {
	if r.ExternalID == "" {
		return errors.New("ledger: record without external ID")
	}
	_, err := l.db.ExecContext(ctx, upsertRecord, r.ExternalID, r.Type, r.Source, r.PayoutID,
		internalID, status, attempts, lastErr, bodyHash, l.stamp(),
		booked.Amount, booked.Currency, booked.Account, booked.Date)
	if err != nil {
		return fmt.Errorf("ledger: record %s: %w", r.ExternalID, err)
	}
	return nil
}

// MarkPending records that r is about to be sent and counts the attempt.
// A pending row left behind by a crash means "maybe created": the next run
// upserts it by external ID, which adopts the record if it exists.
func (l *Ledger) MarkPending(ctx context.Context, r Record, bodyHash string) error {
	return l.putRecord(ctx, r, "", RecordPending, 1, "", bodyHash, Booked{})
}

// MarkDone records that r exists in NetSuite as internalID. bodyHash is
// the sha256 of the JSON sent ("" for a record adopted without sending).
func (l *Ledger) MarkDone(ctx context.Context, r Record, internalID, bodyHash string) error {
	if internalID == "" {
		return fmt.Errorf("ledger: record %s done without internal ID", r.ExternalID)
	}
	return l.putRecord(ctx, r, internalID, RecordDone, 0, "", bodyHash, r.Booked)
}

// MarkFailed records that NetSuite rejected r, with why.
func (l *Ledger) MarkFailed(ctx context.Context, r Record, lastErr string) error {
	return l.putRecord(ctx, r, "", RecordFailed, 0, lastErr, "", Booked{})
}

// InternalID returns the NetSuite internal ID of a done record.
func (l *Ledger) InternalID(ctx context.Context, externalID string) (string, bool, error) {
	var id string
	err := l.db.QueryRowContext(ctx, `SELECT internal_id FROM records WHERE external_id = ? AND status = 'done'`, externalID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("ledger: %w", err)
	}
	return id, true, nil
}

// InternalIDs returns the internal IDs of those of externalIDs that are
// done, in one pass, so a large plan costs a few queries rather than one
// per record.
func (l *Ledger) InternalIDs(ctx context.Context, externalIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(externalIDs))
	const chunk = 500 // well under SQLite's bound-parameter limit
	for len(externalIDs) > 0 {
		n := min(chunk, len(externalIDs))
		part := externalIDs[:n]
		externalIDs = externalIDs[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT external_id, internal_id FROM records WHERE status = 'done' AND external_id IN (?` +
			strings.Repeat(",?", len(part)-1) + `)`
		if err := l.scanPairs(ctx, out, q, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IDs maps external IDs of done records to their NetSuite internal IDs.
// Its Has method makes it a plan.Known.
type IDs map[string]string

// Has reports whether the record exists in NetSuite as far as the ledger knows.
func (k IDs) Has(externalID string) bool { _, ok := k[externalID]; return ok }

// Known returns every done record's IDs: what the planner may reference
// without planning again. One query; a ledger of a million records is tens
// of megabytes in memory, acceptable for a daily batch.
func (l *Ledger) Known(ctx context.Context) (IDs, error) {
	out := IDs{}
	if err := l.scanPairs(ctx, out, `SELECT external_id, internal_id FROM records WHERE status = 'done'`); err != nil {
		return nil, err
	}
	return out, nil
}

func (l *Ledger) scanPairs(ctx context.Context, out map[string]string, q string, args ...any) error {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

const recordCols = `external_id, record_type, source, payout_id, internal_id, status, attempts, last_error, body_hash, updated_at,
	booked_amount, booked_currency, booked_account, booked_date`

func scanRecord(s interface{ Scan(...any) error }) (RecordRow, error) {
	var r RecordRow
	var ts string
	if err := s.Scan(&r.ExternalID, &r.Type, &r.Source, &r.PayoutID, &r.InternalID, &r.Status,
		&r.Attempts, &r.LastError, &r.BodyHash, &ts,
		&r.Booked.Amount, &r.Booked.Currency, &r.Booked.Account, &r.Booked.Date); err != nil {
		return r, fmt.Errorf("ledger: %w", err)
	}
	var err error
	r.UpdatedAt, err = parseTime(ts)
	return r, err
}

// Record returns the row for externalID.
func (l *Ledger) Record(ctx context.Context, externalID string) (RecordRow, bool, error) {
	r, err := scanRecord(l.db.QueryRowContext(ctx, `SELECT `+recordCols+` FROM records WHERE external_id = ?`, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return RecordRow{}, false, nil
	}
	return r, err == nil, err
}

// PayoutRecords returns the records a payout's plan made, by external ID.
func (l *Ledger) PayoutRecords(ctx context.Context, payoutID string) ([]RecordRow, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT `+recordCols+` FROM records WHERE payout_id = ? ORDER BY external_id`, payoutID)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []RecordRow
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

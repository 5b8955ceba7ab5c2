package ledger

import (
	"context"
	"encoding/json"
	"fmt"
)

// Batch job statuses.
const (
	BatchSubmitting = "submitting" // stored before the request is sent; NetSuite may or may not have it
	BatchSubmitted  = "submitted"  // NetSuite accepted it: Location names the job
	BatchDone       = "done"       // every record's result is in the records table
)

// BatchJob is one NetSuite async batch submission (netsuite.batch).
type BatchJob struct {
	Key         string   // X-NetSuite-Idempotency-Key
	Type        string   // record type of every item
	PayoutID    string   // payout whose plan holds the records
	ExternalIDs []string // in item (and task) order
	Location    string   // the job, once accepted
	Status      string
}

// StartBatch stores a batch job before it is sent, under its idempotency
// key: a run killed after sending finds it and follows the job.
func (l *Ledger) StartBatch(ctx context.Context, j BatchJob) error {
	ids, err := json.Marshal(j.ExternalIDs)
	if err != nil {
		return err
	}
	now := l.stamp()
	_, err = l.db.ExecContext(ctx, `INSERT INTO batch_jobs
		(idempotency_key, record_type, payout_id, external_ids, location, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, '', ?, ?, ?)`, j.Key, j.Type, j.PayoutID, string(ids), BatchSubmitting, now, now)
	if err != nil {
		return fmt.Errorf("ledger: batch %s: %w", j.Key, err)
	}
	return nil
}

// BatchAccepted records the job NetSuite made of the batch with key.
func (l *Ledger) BatchAccepted(ctx context.Context, key, location string) error {
	return l.setBatch(ctx, key, `location = ?, status = ?`, location, BatchSubmitted)
}

// EndBatch records that the batch needs no more following: its results
// are recorded, or its records are sent again in another batch.
func (l *Ledger) EndBatch(ctx context.Context, key string) error {
	return l.setBatch(ctx, key, `status = ?`, BatchDone)
}

func (l *Ledger) setBatch(ctx context.Context, key, set string, args ...any) error {
	args = append(args, l.stamp(), key)
	if _, err := l.db.ExecContext(ctx, `UPDATE batch_jobs SET `+set+`, updated_at = ? WHERE idempotency_key = ?`, args...); err != nil {
		return fmt.Errorf("ledger: batch %s: %w", key, err)
	}
	return nil
}

// OpenBatches returns the payout's batch jobs that are not done, oldest
// first.
func (l *Ledger) OpenBatches(ctx context.Context, payoutID string) ([]BatchJob, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT idempotency_key, record_type, payout_id, external_ids, location, status
		FROM batch_jobs WHERE payout_id = ? AND status != ? ORDER BY created_at, idempotency_key`, payoutID, BatchDone)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []BatchJob
	for rows.Next() {
		var j BatchJob
		var ids string
		if err := rows.Scan(&j.Key, &j.Type, &j.PayoutID, &ids, &j.Location, &j.Status); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if err := json.Unmarshal([]byte(ids), &j.ExternalIDs); err != nil {
			return nil, fmt.Errorf("ledger: batch %s: external IDs: %w", j.Key, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

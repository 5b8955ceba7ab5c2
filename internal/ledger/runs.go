package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Run outcomes.
const (
	// OutcomeOK: every payout in the window was reconciled (or had nothing to do).
	OutcomeOK = "ok"
	// OutcomePartial: the run went through its whole window but some payouts
	// are held or failed; they are in PayoutsToRetry and retried by later runs.
	OutcomePartial = "partial"
	// OutcomeError: the run stopped early (config, auth, Stripe unreachable, …).
	OutcomeError = "error"
	// OutcomeInterrupted: the run was cancelled (Ctrl-C, SIGTERM).
	OutcomeInterrupted = "interrupted"
)

// RunInfo describes a run as it starts.
type RunInfo struct {
	StartedAt time.Time // zero: the ledger's clock
	// WindowFrom and WindowTo are the payout arrival window, both days
	// inclusive (UTC midnight of the first and the last day); zero for a
	// run of explicit payouts (--payout), which has no window.
	WindowFrom time.Time
	WindowTo   time.Time
	DryRun     bool
	PID        int    // zero: this process
	Host       string // "": this host
}

// RunResult is how a run ended.
type RunResult struct {
	EndedAt           time.Time // zero: the ledger's clock
	PayoutsTotal      int
	PayoutsReconciled int
	PayoutsHeld       int
	PayoutsFailed     int
	RecordsPushed     int
	Outcome           string // Outcome*
}

// RunRow is one row of the runs table. A run with an empty Outcome and a
// zero EndedAt is running, or was killed.
type RunRow struct {
	ID int64
	RunInfo
	RunResult
}

// StartRun records the start of a run and returns its ID.
func (l *Ledger) StartRun(ctx context.Context, ri RunInfo) (int64, error) {
	if ri.StartedAt.IsZero() {
		ri.StartedAt = l.now()
	}
	if ri.PID == 0 {
		ri.PID = os.Getpid()
	}
	if ri.Host == "" {
		ri.Host, _ = os.Hostname()
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO runs (started_at, window_from, window_to, dry_run, pid, host)
		VALUES (?, ?, ?, ?, ?, ?)`,
		fmtTime(ri.StartedAt), fmtTime(ri.WindowFrom), fmtTime(ri.WindowTo), ri.DryRun, ri.PID, ri.Host)
	if err != nil {
		return 0, fmt.Errorf("ledger: start run: %w", err)
	}
	return res.LastInsertId()
}

// EndRun records how run id ended.
func (l *Ledger) EndRun(ctx context.Context, id int64, rr RunResult) error {
	if rr.EndedAt.IsZero() {
		rr.EndedAt = l.now()
	}
	switch rr.Outcome {
	case OutcomeOK, OutcomePartial, OutcomeError, OutcomeInterrupted:
	default:
		return fmt.Errorf("ledger: run %d: unknown outcome %q", id, rr.Outcome)
	}
	res, err := l.db.ExecContext(ctx, `UPDATE runs SET ended_at = ?, payouts_total = ?, payouts_reconciled = ?,
		payouts_held = ?, payouts_failed = ?, records_pushed = ?, outcome = ? WHERE id = ?`,
		fmtTime(rr.EndedAt), rr.PayoutsTotal, rr.PayoutsReconciled, rr.PayoutsHeld, rr.PayoutsFailed,
		rr.RecordsPushed, rr.Outcome, id)
	if err != nil {
		return fmt.Errorf("ledger: end run %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("ledger: end run %d: no such run", id)
	}
	return nil
}

// Runs returns the most recent runs, newest first; limit <= 0 means all.
func (l *Ledger) Runs(ctx context.Context, limit int) ([]RunRow, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, started_at, ended_at, window_from, window_to, dry_run,
		payouts_total, payouts_reconciled, payouts_held, payouts_failed, records_pushed, outcome, pid, host
		FROM runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		var r RunRow
		var started, ended, from, to string
		if err := rows.Scan(&r.ID, &started, &ended, &from, &to, &r.DryRun, &r.PayoutsTotal, &r.PayoutsReconciled,
			&r.PayoutsHeld, &r.PayoutsFailed, &r.RecordsPushed, &r.Outcome, &r.PID, &r.Host); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		for _, f := range []struct {
			s string
			t *time.Time
		}{{started, &r.StartedAt}, {ended, &r.EndedAt}, {from, &r.WindowFrom}, {to, &r.WindowTo}} {
			if *f.t, err = parseTime(f.s); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

// LastSuccessfulRunEnd returns where the next daily run's window starts:
// the window end of the latest successful run.
//
// Successful means not a dry run, and finished with outcome ok or partial,
// i.e. it went through every payout of its window. Partial counts because
// its held and failed payouts are in PayoutsToRetry and are retried by every
// later run whatever its window; an error, interrupted or killed run does
// not, so the next run covers its window again (harmless: done records are
// skipped at zero cost).
//
// It is the run's window end, not its wall-clock end: a payout that arrived
// after the window was fixed but before the run finished belongs to the
// next window, and starting at ended_at would skip it.
func (l *Ledger) LastSuccessfulRunEnd(ctx context.Context) (time.Time, bool, error) {
	var to string
	err := l.db.QueryRowContext(ctx, `SELECT window_to FROM runs
		WHERE dry_run = 0 AND outcome IN ('ok', 'partial') AND window_to != ''
		ORDER BY window_to DESC LIMIT 1`).Scan(&to)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("ledger: %w", err)
	}
	t, err := parseTime(to)
	return t, err == nil, err
}

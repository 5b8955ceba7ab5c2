package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// PayoutState is one row of the payouts table.
type PayoutState struct {
	ID          string
	Status      outcome.Status
	Currency    string
	Amount      int64 // minor units
	DepositID   string
	ArrivalDate time.Time
	// Problems is a JSON array explaining a held or failed payout; by
	// convention its elements are outcome.Problem. The ledger does not look
	// inside, so callers can evolve the shape.
	Problems  json.RawMessage
	UpdatedAt time.Time // set by SetPayout
}

// SetPayout writes the whole state of a payout.
func (l *Ledger) SetPayout(ctx context.Context, p PayoutState) error {
	if p.ID == "" {
		return errors.New("ledger: payout without ID")
	}
	problems := string(p.Problems)
	if problems == "" || problems == "null" {
		problems = "[]"
	}
	if !json.Valid([]byte(problems)) {
		return fmt.Errorf("ledger: payout %s: problems are not JSON", p.ID)
	}
	_, err := l.db.ExecContext(ctx, `
INSERT INTO payouts (id, status, currency, amount, deposit_id, arrival_date, problems, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	status = excluded.status, currency = excluded.currency, amount = excluded.amount,
	deposit_id = excluded.deposit_id, arrival_date = excluded.arrival_date,
	problems = excluded.problems, updated_at = excluded.updated_at`,
		p.ID, p.Status, p.Currency, p.Amount, p.DepositID, fmtTime(p.ArrivalDate), problems, l.stamp())
	if err != nil {
		return fmt.Errorf("ledger: payout %s: %w", p.ID, err)
	}
	return nil
}

// Payout returns the state of a payout.
func (l *Ledger) Payout(ctx context.Context, id string) (PayoutState, bool, error) {
	var p PayoutState
	var arrival, problems, updated string
	err := l.db.QueryRowContext(ctx, `SELECT id, status, currency, amount, deposit_id, arrival_date, problems, updated_at
		FROM payouts WHERE id = ?`, id).Scan(&p.ID, &p.Status, &p.Currency, &p.Amount, &p.DepositID, &arrival, &problems, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return PayoutState{}, false, nil
	case err != nil:
		return PayoutState{}, false, fmt.Errorf("ledger: %w", err)
	}
	p.Problems = json.RawMessage(problems)
	if !json.Valid(p.Problems) {
		p.Problems = json.RawMessage("[]")
	}
	// A damaged timestamp (a hand edit, say) must not stop every run that
	// asks about this payout: the dates are informational here.
	p.ArrivalDate, _ = parseTime(arrival)
	p.UpdatedAt, _ = parseTime(updated)
	return p, true, nil
}

// PayoutsToRetry returns the payouts that are not reconciled (nor
// resolved): held, failed, or seen by a run that did not finish them;
// oldest arrival first. A run retries them whatever its date window.
func (l *Ledger) PayoutsToRetry(ctx context.Context) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM payouts WHERE status != 'reconciled' ORDER BY arrival_date, id`)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Booked is what a NetSuite record booked when nsrecon made it: its amount
// in minor units of Currency (lower-case ISO 4217), the account it posts
// to where the record names one, and its date (YYYY-MM-DD). Currency ""
// means nothing booked (customers, items) or not known (a record made
// before ledger schema 3, or adopted from NetSuite without sending it).
type Booked struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency,omitempty"`
	Account  string `json:"account,omitempty"`
	Date     string `json:"date,omitempty"`
}

// Known reports whether the ledger knows what the record booked.
func (b Booked) Known() bool { return b.Currency != "" }

// upsertBooked extends upsertRecord: a done record's booking replaces the
// one kept; any other write (pending, failed, an adoption without a body)
// keeps it.
const upsertBooked = `,
	booked_amount   = CASE WHEN excluded.booked_currency = '' THEN records.booked_amount ELSE excluded.booked_amount END,
	booked_account  = CASE WHEN excluded.booked_currency = '' THEN records.booked_account ELSE excluded.booked_account END,
	booked_date     = CASE WHEN excluded.booked_currency = '' THEN records.booked_date ELSE excluded.booked_date END,
	booked_currency = CASE WHEN excluded.booked_currency = '' THEN records.booked_currency ELSE excluded.booked_currency END`

// PayoutsArrived returns the payouts the ledger has (reconciled, held,
// failed or ready) whose arrival date is within [from, to] (UTC days,
// inclusive), oldest arrival first.
func (l *Ledger) PayoutsArrived(ctx context.Context, from, to time.Time) ([]PayoutState, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM payouts WHERE arrival_date >= ? AND arrival_date < ? ORDER BY arrival_date, id`,
		fmtTime(from.UTC().Truncate(24*time.Hour)), fmtTime(to.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)))
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ledger: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	out := make([]PayoutState, 0, len(ids))
	for _, id := range ids {
		p, _, err := l.Payout(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// RunAt returns the run that was in progress at t (the run that last wrote
// a payout's state, given its UpdatedAt), and false when no run was: a
// payout resolved by hand between runs.
func (l *Ledger) RunAt(ctx context.Context, t time.Time) (int64, bool, error) {
	ts := fmtTime(t)
	var id int64
	err := l.db.QueryRowContext(ctx, `SELECT id FROM runs WHERE started_at <= ? AND (ended_at = '' OR ended_at >= ?)
		ORDER BY started_at DESC, id DESC LIMIT 1`, ts, ts).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("ledger: %w", err)
	}
	return id, true, nil
}

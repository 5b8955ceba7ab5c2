package ledger

import (
	"context"
	"fmt"
	"strings"
)

// Booking returns the records, whatever their status, that a payout's plan
// made or whose external ID is one of externalIDs (a charge's payment the
// real-time listener booked before its payout came has no payout ID), in
// that order. Before a payout is booked in one mode, this is what an
// earlier run in the other mode, or the listener, left of it.
func (l *Ledger) Booking(ctx context.Context, payoutID string, externalIDs []string) ([]RecordRow, error) {
	seen := map[string]bool{}
	var out []RecordRow
	add := func(q string, args ...any) error {
		rows, err := l.db.QueryContext(ctx, `SELECT `+recordCols+` FROM records WHERE `+q, args...)
		if err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				return err
			}
			if !seen[r.ExternalID] {
				seen[r.ExternalID] = true
				out = append(out, r)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		return nil
	}
	if err := add(`payout_id = ? ORDER BY external_id`, payoutID); err != nil {
		return nil, err
	}
	const chunk = 500 // well under SQLite's bound-parameter limit
	for len(externalIDs) > 0 {
		part := externalIDs[:min(chunk, len(externalIDs))]
		externalIDs = externalIDs[len(part):]
		args := make([]any, len(part))
		for i, s := range part {
			args[i] = s
		}
		if err := add(`external_id IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

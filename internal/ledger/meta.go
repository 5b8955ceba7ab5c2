package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// Keys of the meta table.
const (
	metaListedThrough   = "listed_through"   // arrival day through which every paid payout is in payouts
	metaStripeAccount   = "stripe_account"   // acct_… the ledger belongs to
	metaNetSuiteAccount = "netsuite_account" // NetSuite account ID the ledger belongs to
)

func (l *Ledger) meta(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, bool, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("ledger: meta %s: %w", key, err)
	}
	return v, true, nil
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("ledger: meta %s: %w", key, err)
	}
	return nil
}

// ListedThrough returns the arrival day through which every paid payout
// has been listed from Stripe and recorded in the payouts table, so a
// default run need only list from there (less a look-back). ok is false
// on a ledger no windowed run has recorded a listing in yet.
func (l *Ledger) ListedThrough(ctx context.Context) (time.Time, bool, error) {
	v, ok, err := l.meta(ctx, l.db, metaListedThrough)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	t, err := parseTime(v)
	if err != nil {
		// A damaged value only costs a wider listing: start afresh.
		return time.Time{}, false, nil
	}
	return t, true, nil
}

// SeenPayout is a payout a run has listed or fetched from Stripe.
type SeenPayout struct {
	ID          string
	Currency    string
	Amount      int64 // minor units
	ArrivalDate time.Time
}

// Listing is what a run learned from Stripe before processing anything.
type Listing struct {
	Payouts []SeenPayout
	// From and To are the arrival days the listing covered (inclusive);
	// zero for payouts fetched by ID, which cover no window.
	From, To time.Time
}

// RecordListing records every payout of a listing that the ledger does not
// have yet, with status ready, so a later run retries it even if this run
// dies before reaching it; rows already present keep their state. When the
// listing covered a window that starts at or before the day after
// ListedThrough (or the ledger has none), ListedThrough moves to its end.
// All of it is one transaction.
func (l *Ledger) RecordListing(ctx context.Context, li Listing) error {
	return l.tx(ctx, func(tx *sql.Tx) error {
		for _, p := range li.Payouts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO payouts (id, status, currency, amount, arrival_date, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				p.ID, outcome.Ready, p.Currency, p.Amount, fmtTime(p.ArrivalDate), l.stamp()); err != nil {
				return fmt.Errorf("ledger: payout %s: %w", p.ID, err)
			}
		}
		if li.To.IsZero() {
			return nil
		}
		v, ok, err := l.meta(ctx, tx, metaListedThrough)
		if err != nil {
			return err
		}
		through, perr := parseTime(v)
		switch {
		case !ok || perr != nil:
		case li.From.After(through.AddDate(0, 0, 1)):
			return nil // a gap stays unlisted: keep the old mark
		case !li.To.After(through):
			return nil
		}
		return setMeta(ctx, tx, metaListedThrough, fmtTime(li.To))
	})
}

// EarliestOpen returns the arrival date of the earliest payout in the
// ledger that is neither reconciled nor resolved.
func (l *Ledger) EarliestOpen(ctx context.Context) (time.Time, bool, error) {
	return l.earliest(ctx, `status != 'reconciled' AND`)
}

// EarliestSeen returns the arrival date of the earliest payout in the
// ledger, whatever its state.
func (l *Ledger) EarliestSeen(ctx context.Context) (time.Time, bool, error) {
	return l.earliest(ctx, "")
}

func (l *Ledger) earliest(ctx context.Context, where string) (time.Time, bool, error) {
	var v sql.NullString
	err := l.db.QueryRowContext(ctx, `SELECT MIN(arrival_date) FROM payouts WHERE `+where+` arrival_date != ''`).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("ledger: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	t, err := parseTime(v.String)
	if err != nil {
		return time.Time{}, false, nil // a damaged row: the retry list still has it
	}
	return t, true, nil
}

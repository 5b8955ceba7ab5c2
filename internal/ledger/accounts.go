package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// Accounts are the Stripe and NetSuite accounts a ledger belongs to. An
// empty field is unknown (a restricted Stripe key that cannot read the
// account, a dry run without NetSuite credentials).
type Accounts struct {
	Stripe   string // acct_…
	NetSuite string // NetSuite account ID, e.g. 123456_SB1
}

// AccountMismatchError says a ledger kept for one pair of accounts was
// opened for another: its records' internal IDs and payout states would be
// wrong for the other account.
type AccountMismatchError struct {
	Path          string
	Which         string // "Stripe" or "NetSuite"
	Ledger, Given string
}

func (e *AccountMismatchError) Error() string {
	return fmt.Sprintf("ledger %s belongs to %s account %s, but this run is configured for %s account %s",
		e.Path, e.Which, e.Ledger, e.Which, e.Given)
}

// BindAccounts checks that the ledger belongs to a (their known fields),
// and records the fields it did not know yet unless readOnly. A mismatch
// is an *AccountMismatchError and changes nothing.
func (l *Ledger) BindAccounts(ctx context.Context, a Accounts, readOnly bool) error {
	return l.tx(ctx, func(tx *sql.Tx) error {
		for _, f := range []struct{ key, which, given string }{
			{metaStripeAccount, "Stripe", a.Stripe},
			{metaNetSuiteAccount, "NetSuite", a.NetSuite},
		} {
			if f.given == "" {
				continue
			}
			have, ok, err := l.meta(ctx, tx, f.key)
			switch {
			case err != nil:
				return err
			case ok && have != f.given:
				return &AccountMismatchError{Path: l.path, Which: f.which, Ledger: have, Given: f.given}
			case !ok && !readOnly:
				if err := setMeta(ctx, tx, f.key, f.given); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Accounts returns the accounts the ledger has recorded.
func (l *Ledger) Accounts(ctx context.Context) (Accounts, error) {
	var a Accounts
	var err error
	if a.Stripe, _, err = l.meta(ctx, l.db, metaStripeAccount); err != nil {
		return a, err
	}
	a.NetSuite, _, err = l.meta(ctx, l.db, metaNetSuiteAccount)
	return a, err
}

package ledger

import (
	"context"
	"fmt"
	"strings"
)

// PayoutIDs lists the IDs of the payouts in the ledger that start with
// prefix, most recently updated first, at most limit: what shell
// completion offers for `nsrecon ledger show`.
func (l *Ledger) PayoutIDs(ctx context.Context, prefix string, limit int) ([]string, error) {
	// LIKE would treat _ and % in the prefix as wildcards; substr does not.
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM payouts WHERE substr(id, 1, ?) = ?
		ORDER BY updated_at DESC, id LIMIT ?`, len(prefix), prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: payout IDs: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ledger: payout IDs: %w", err)
		}
		ids = append(ids, strings.TrimSpace(id))
	}
	return ids, rows.Err()
}

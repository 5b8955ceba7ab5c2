package payout

import (
	"context"
	"slices"
)

// fetchAll gets each distinct ID in ids through get (the Reader's cached
// fetchers), and returns the objects found in ID order; objects Stripe no
// longer has (nil) are left out.
func fetchAll[T any](ctx context.Context, ids []string, get func(context.Context, string) (*T, error)) ([]*T, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		v, err := get(ctx, id)
		if err != nil {
			return out, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

package payout

import (
	"context"
	"slices"
	"sync"
)

// defaultFetchConcurrency is how many per-object requests one snapshot
// has in flight by default: a small fixed number, far below Stripe's rate
// limit (100 read requests a second in live mode, 25 in test mode) at
// Stripe's latency, which other integrations on the account share.
const defaultFetchConcurrency = 4

// fetchInto gets each distinct ID in ids through get (one of the Reader's
// cached fetchers), at most r.fetchConcurrency at a time, and puts the
// objects found into m by ID; objects Stripe no longer has (nil) are left
// out. What lands in m does not depend on the order requests finish in.
// On failure it returns the first error to happen and starts nothing more.
func fetchInto[T any](ctx context.Context, r *Reader, ids []string, get func(context.Context, string) (*T, error), m map[string]*T) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	found := make([]*T, len(ids))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	sem := make(chan struct{}, max(1, r.fetchConcurrency))
	for i, id := range ids {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			v, err := get(ctx, id)
			if err != nil {
				errOnce.Do(func() { firstErr = err; cancel() })
				return
			}
			found[i] = v
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, id := range ids {
		if found[i] != nil {
			m[id] = found[i]
		}
	}
	return nil
}

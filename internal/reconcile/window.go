package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
)

// lookBackDays is how far before the last successful run's window end a
// default run starts again.
const lookBackDays = 3

// window resolves the arrival-date window as whole UTC days.
func (r *Runner) window(ctx context.Context, opts Options, now time.Time) (from, to time.Time, err error) {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	today := day(now.UTC())
	to = today
	if !opts.To.IsZero() && day(opts.To).Before(today) {
		// A later --to cannot find more paid payouts, and a window end in
		// the future would start the next default run in the future.
		to = day(opts.To)
	}
	switch {
	case !opts.From.IsZero():
		from = day(opts.From)
	default:
		from = to.AddDate(0, 0, -1)
		if r.Ledger != nil {
			last, ok, err := r.Ledger.LastSuccessfulRunEnd(ctx)
			if err != nil {
				return from, to, err
			}
			// Look back a few days past the last successful run: a payout
			// still in transit then, or arriving later that day, is caught
			// now, and payouts already reconciled cost no NetSuite call.
			if ok {
				from = day(last.UTC())
				if from.After(to) {
					from = to // a window recorded by an older version ran into the future
				}
				from = from.AddDate(0, 0, -lookBackDays)
			}
		}
	}
	if from.After(to) {
		return from, to, fmt.Errorf("--from %s is after --to %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	return from, to, nil
}

// payouts lists what this run covers, oldest first, each once.
func (r *Runner) payouts(ctx context.Context, opts Options, from, to time.Time) ([]payout.Payout, error) {
	var out []payout.Payout
	seen := map[string]bool{}
	addID := func(id string) error {
		if seen[id] {
			return nil
		}
		p, err := r.Stripe.GetPayout(ctx, id)
		if err != nil {
			return err
		}
		seen[id] = true
		out = append(out, p)
		return nil
	}
	if len(opts.PayoutIDs) > 0 {
		for _, id := range opts.PayoutIDs {
			if err := addID(id); err != nil {
				return nil, err
			}
		}
	} else {
		statuses := []string{"paid"}
		if opts.IncludeInTransit {
			statuses = append(statuses, "in_transit", "pending")
		}
		for _, st := range statuses {
			ps, err := r.Stripe.ListPayouts(ctx, payout.PayoutFilter{
				Status: st, ArrivalFrom: from, ArrivalTo: to.Add(24*time.Hour - time.Second),
			})
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if !seen[p.ID] {
					seen[p.ID] = true
					out = append(out, p)
				}
			}
		}
		// Payouts held or failed by earlier runs are retried.
		if r.Ledger != nil {
			retry, err := r.Ledger.PayoutsToRetry(ctx)
			if err != nil {
				return nil, err
			}
			for _, id := range retry {
				if err := addID(id); err != nil {
					return nil, err
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b payout.Payout) int {
		if c := a.ArrivalDate.Compare(b.ArrivalDate); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// lookBackDays is how far before the day through which payouts have been
// listed a default run starts again: a payout still in transit then, or
// arriving later that day, is caught now; payouts already reconciled cost
// no NetSuite call.
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
	case r.Ledger != nil:
		if from, err = r.defaultFrom(ctx, to); err != nil {
			return from, to, err
		}
	default:
		from = to.AddDate(0, 0, -1)
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
		if err := r.recordListing(ctx, opts, out, time.Time{}, time.Time{}); err != nil {
			return nil, err
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
		if err := r.recordListing(ctx, opts, out, from, to); err != nil {
			return nil, err
		}
		// Payouts earlier runs held, failed or did not finish are retried.
		if r.Ledger != nil {
			retry, err := r.Ledger.PayoutsToRetry(ctx)
			if err != nil {
				return nil, err
			}
			for _, id := range retry {
				if err := addID(id); err != nil && !r.unreadable(ctx, opts, id, err) {
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

// defaultFrom is where a run without --from starts: at the earliest payout
// the ledger has that is neither reconciled nor resolved, or a look-back
// before the day through which every payout has been listed, whichever is
// earlier. Backfills, --payout runs, dry runs and runs that failed or were
// killed cannot move it past a payout nobody finished. A first run on an
// empty ledger starts yesterday.
func (r *Runner) defaultFrom(ctx context.Context, to time.Time) (time.Time, error) {
	from := to.AddDate(0, 0, -1)
	listed, ok, err := r.Ledger.ListedThrough(ctx)
	if err != nil {
		return from, err
	}
	if !ok {
		if listed, ok, err = r.unlistedMark(ctx); err != nil {
			return from, err
		}
	}
	if ok {
		listed = utcDay(listed)
		if listed.After(to) {
			listed = to // a mark from a clock that ran ahead
		}
		from = listed.AddDate(0, 0, -lookBackDays)
	}
	open, ok, err := r.Ledger.EarliestOpen(ctx)
	if err != nil {
		return from, err
	}
	if ok && utcDay(open).Before(from) {
		from = utcDay(open)
	}
	return from, nil
}

func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// recordListing puts every paid payout this run will process into the
// ledger (status ready) before it processes any, and marks the window as
// listed, so a run that fails or is killed part-way loses none of them.
// Dry runs write nothing.
func (r *Runner) recordListing(ctx context.Context, opts Options, ps []payout.Payout, from, to time.Time) error {
	if opts.DryRun || r.Ledger == nil {
		return nil
	}
	li := ledger.Listing{From: from, To: to}
	for _, p := range ps {
		if p.Status == "paid" {
			li.Payouts = append(li.Payouts, ledger.SeenPayout{ID: p.ID, Currency: p.Currency, Amount: p.Amount, ArrivalDate: p.ArrivalDate})
		}
	}
	return r.Ledger.RecordListing(ctx, li)
}

// unreadable handles a payout to retry that Stripe would not return: the
// run goes on (the payout stays in the ledger and is retried by the next
// run), unless the failure would stop every other read too.
func (r *Runner) unreadable(ctx context.Context, opts Options, id string, err error) bool {
	if ctx.Err() != nil || payout.IsAuth(err) {
		return false
	}
	r.log().Warn("reading payout to retry from Stripe failed; retried next run", "payout", id, "err", err)
	if opts.DryRun {
		return true
	}
	st, ok, lerr := r.Ledger.Payout(ctx, id)
	if lerr != nil || !ok {
		return lerr == nil
	}
	st.Status = outcome.Failed
	st.Problems = problemsJSON(stripeProblem(id, err))
	return r.Ledger.SetPayout(ctx, st) == nil
}

// unlistedMark stands in for ListedThrough on a ledger without one: a
// ledger written before listings were recorded, or one only --payout runs
// used. The earlier of its last successful run's window end and its
// earliest payout (plus the look-back the caller takes off again), so no
// payout after the first one nsrecon saw is skipped.
func (r *Runner) unlistedMark(ctx context.Context) (time.Time, bool, error) {
	last, okRun, err := r.Ledger.LastSuccessfulRunEnd(ctx)
	if err != nil {
		return last, false, err
	}
	first, okSeen, err := r.Ledger.EarliestSeen(ctx)
	if err != nil {
		return first, false, err
	}
	first = first.AddDate(0, 0, lookBackDays)
	switch {
	case okRun && okSeen && first.Before(last), !okRun:
		return first, okSeen, nil
	}
	return last, true, nil
}

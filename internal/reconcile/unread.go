package reconcile

import (
	"context"
	"encoding/json"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// stripeProblem explains a payout Stripe would not let us read.
func stripeProblem(payoutID string, err error) outcome.Problem {
	return outcome.Problem{
		Code: "STRIPE_ERROR", Object: payoutID, Message: err.Error(),
		Fix: "re-run later; if it persists, check the payout in the Stripe Dashboard",
	}
}

func problemsJSON(ps ...outcome.Problem) json.RawMessage {
	b, err := json.Marshal(ps)
	if err != nil {
		return nil
	}
	return b
}

// recordUnread keeps a paid payout whose Stripe read failed in the ledger
// as failed, with the reason, so every later run retries it and `ledger
// resolve` knows it. Dry runs write nothing.
func (r *Runner) recordUnread(ctx context.Context, opts Options, po payout.Payout, problems []outcome.Problem) error {
	if opts.DryRun || r.Ledger == nil || po.Status != "paid" {
		return nil
	}
	return r.Ledger.SetPayout(ctx, ledger.PayoutState{
		ID: po.ID, Status: outcome.Failed, Currency: po.Currency, Amount: po.Amount,
		ArrivalDate: po.ArrivalDate, Problems: problemsJSON(problems...),
	})
}

package realtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/reconcile"
)

// PayoutSyncer reconciles one payout as the daily run does (payout.paid,
// payout.updated), or validates it while it is not paid yet
// (payout.created). The runner's pusher should be the Syncer's locking
// pusher (Syncer.LockingPusher), so a deposit never races the real-time
// pushes of its own records.
type PayoutSyncer struct {
	Runner   *reconcile.Runner
	Settings plan.Settings
	// Lock takes the ledger's run lock (ledger.Ledger.Lock): one payout
	// reconciliation at a time, whether here or in nsrecon reconcile.
	Lock func(ctx context.Context) (unlock func() error, err error)
}

// CodeLocked is the problem code of a payout sync that found the ledger's
// run lock held (a daily run in progress); it is retried.
const CodeLocked = "LEDGER_LOCKED"

// payout syncs a payout as it is now in Stripe: a paid payout is
// reconciled (its deposit made once every record is there; one already
// reconciled is left alone), one on its way is validated only, and a
// failed or cancelled one is ignored.
func (s *Syncer) payout(ctx context.Context, id string) (invoicesync.Result, error) {
	res := invoicesync.Result{Invoice: id}
	if s.Payouts == nil {
		return noAction(id), nil
	}
	po, err := s.Stripe.Fresh().GetPayout(ctx, id)
	if err != nil {
		return stripeFailure(ctx, id, err)
	}
	switch po.Status {
	case "failed", "canceled":
		return noAction(id), nil
	}
	unlock, err := s.Payouts.Lock(ctx)
	var locked *ledger.LockedError
	if errors.As(err, &locked) {
		res.Status, res.Retry = outcome.Failed, true
		res.Problems = []outcome.Problem{{Code: CodeLocked, Object: id, Message: err.Error(),
			Fix: "nothing to do: retried once the other run ends"}}
		return res, nil
	}
	if err != nil {
		return res, err
	}
	defer unlock()
	run := *s.Payouts.Runner
	run.Stripe = s.Stripe.Fresh() // a listener lives for months: no cache grows across payouts
	rep, err := run.Run(ctx, reconcile.Options{
		PayoutIDs: []string{id}, Settings: s.Payouts.Settings, DryRun: po.Status != "paid",
	})
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return failure(ctx, id, err)
	}
	if len(rep.Payouts) != 1 {
		return res, fmt.Errorf("reconciling %s: the run reported %d payouts", id, len(rep.Payouts))
	}
	return payoutResult(id, rep.Payouts[0].Status, rep.Payouts[0].Problems, rep.Payouts[0].Pushed), nil
}

// payoutResult maps a payout's reconcile status to a sync result: held
// payouts need a person, failed ones and ones Stripe is still assembling
// are retried.
func payoutResult(id string, st outcome.Status, problems []outcome.Problem, pushed int) invoicesync.Result {
	res := invoicesync.Result{Invoice: id, Pushed: pushed, Problems: problems}
	switch st {
	case outcome.Reconciled, outcome.Ready:
		res.Status = outcome.Synced
	case outcome.Held:
		res.Status = outcome.Held
		if waitsForParents(problems) {
			// Events arrive in any order: the payout that pays out a
			// refunded or disputed charge may come before that charge is
			// in NetSuite. Its deposit waits until every record is there.
			res.Status, res.Retry = outcome.Failed, true
		}
	default: // failed, waiting
		res.Status, res.Retry = outcome.Failed, true
		if len(problems) == 0 {
			res.Problems = []outcome.Problem{{Code: strings.ToUpper(string(st)), Object: id,
				Message: "payout " + id + " is " + string(st), Fix: "nothing to do: retried"}}
		}
	}
	return res
}

// waitsForParents reports whether a payout is held only because records
// of earlier payouts (the charges its refunds and disputes reverse) are
// not in NetSuite yet.
func waitsForParents(problems []outcome.Problem) bool {
	for _, p := range problems {
		if p.Code != outcome.CodeUnresolvedRef {
			return false
		}
	}
	return len(problems) > 0
}

// LockingPusher is a pusher that pushes one at a time with the Syncer's
// own pushes that share a record with it: give it to the payout runner.
func (s *Syncer) LockingPusher(p Pusher) Pusher { return lockingPusher{p, &s.locks} }

type lockingPusher struct {
	p     Pusher
	locks *keyLocks
}

func (l lockingPusher) Push(ctx context.Context, pl *plan.Plan) (push.Result, error) {
	unlock := l.locks.lock(pl)
	defer unlock()
	return l.p.Push(ctx, pl)
}

// Package reconcile runs one reconciliation: it chooses the payouts, reads
// them from Stripe, plans and validates each, pushes the ready ones to
// NetSuite (unless dry-run), keeps the ledger and returns the report.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/report"
)

// Stripe is what a run needs from the Stripe side (payout.Reader).
type Stripe interface {
	ListPayouts(ctx context.Context, f payout.PayoutFilter) ([]payout.Payout, error)
	GetPayout(ctx context.Context, id string) (payout.Payout, error)
	Snapshot(ctx context.Context, p payout.Payout) (*payout.Snapshot, error)
}

// Pusher pushes one payout's plan to NetSuite (push.Pusher).
type Pusher interface {
	Push(ctx context.Context, pl *plan.Plan) (push.Result, error)
}

// CustomerFinder finds an existing NetSuite customer by email
// (netsuite.Client), for customers.mode: match_email.
type CustomerFinder interface {
	FindCustomerByEmail(ctx context.Context, email string) (id string, found bool, err error)
}

// Options choose what a run does.
type Options struct {
	DryRun bool
	// From and To bound the payouts' arrival dates, both inclusive (UTC
	// days). Zero From means "since the last successful run" (yesterday on
	// a first run); zero To means today.
	From, To  time.Time
	PayoutIDs []string // explicit payouts; overrides the window
	// IncludeInTransit also validates payouts that are not paid yet (dry
	// run only): they are planned and reported, never pushed.
	IncludeInTransit bool
	Settings         plan.Settings
}

// Runner holds a run's collaborators. Ledger may be nil for a dry run with
// no ledger file; Push is unused in a dry run.
type Runner struct {
	Stripe   Stripe
	Ledger   *ledger.Ledger
	Push     Pusher
	Now      func() time.Time
	Log      *slog.Logger
	Progress func(n, total int, payoutID string) // optional: payout n of total starts
	OnPlan   func(*plan.Plan)                    // optional: sees every plan (tests, debugging)
	// Customers answers email lookups in match_email mode; nil means no
	// NetSuite to ask (a dry run without credentials): customers show as new.
	Customers CustomerFinder
	// Records finds records of earlier payouts in NetSuite by external ID
	// when the ledger does not have them (a lost or new ledger); nil means
	// the ledger is the only memory.
	Records RecordFinder

	preflightDone bool
}

// RecordFinder finds a NetSuite record by external ID (netsuite.Client);
// the error wraps netsuite.ErrNotFound when there is none.
type RecordFinder interface {
	FindByExternalID(ctx context.Context, recordType, externalID string) (string, error)
}

// Run reconciles the chosen payouts. The report is returned even when err
// is non-nil if any payout was processed; err is for failures that stop
// the whole run (Stripe unreachable, ledger broken, cancellation).
func (r *Runner) Run(ctx context.Context, opts Options) (*report.Report, error) {
	now := r.now()
	rep := &report.Report{Run: report.RunInfo{DryRun: opts.DryRun, StartedAt: now}}
	from, to, err := r.window(ctx, opts, now)
	if err != nil {
		return rep, err
	}
	if len(opts.PayoutIDs) == 0 {
		rep.Run.From, rep.Run.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	}

	var runID int64
	if !opts.DryRun && r.Ledger != nil {
		ri := ledger.RunInfo{StartedAt: now, WindowFrom: from, WindowTo: to}
		if len(opts.PayoutIDs) > 0 {
			// A --payout run covers those payouts, no window: recording
			// the default one would claim days it never listed.
			ri.WindowFrom, ri.WindowTo = time.Time{}, time.Time{}
		}
		runID, err = r.Ledger.StartRun(ctx, ri)
		if err != nil {
			return rep, err
		}
	}
	runErr := r.run(ctx, opts, from, to, rep)
	rep.Compute()
	if runID != 0 {
		res := ledger.RunResult{
			PayoutsTotal: rep.Totals.Payouts, PayoutsReconciled: rep.Totals.Reconciled,
			PayoutsHeld: rep.Totals.Held, PayoutsFailed: rep.Totals.Failed,
			Outcome: runOutcome(rep, runErr),
		}
		for _, p := range rep.Payouts {
			res.RecordsPushed += p.Pushed
		}
		// Record the end even when cancelled: use a fresh context.
		if err := r.Ledger.EndRun(context.WithoutCancel(ctx), runID, res); err != nil && runErr == nil {
			runErr = err
		}
	}
	rep.Run.Complete = runErr == nil
	if runErr != nil {
		rep.Run.StoppedBy = runErr.Error()
	}
	return rep, runErr
}

func runOutcome(rep *report.Report, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return ledger.OutcomeInterrupted
	case err != nil:
		return ledger.OutcomeError
	case rep.Totals.Held+rep.Totals.Failed > 0:
		return ledger.OutcomePartial
	default:
		return ledger.OutcomeOK
	}
}

func (r *Runner) run(ctx context.Context, opts Options, from, to time.Time, rep *report.Report) error {
	pos, err := r.payouts(ctx, opts, from, to)
	if err != nil {
		return err
	}
	known := knownSet{dryRun: opts.DryRun, planned: map[string]bool{}, remote: map[string]bool{}, emails: map[string]string{},
		verified: map[string]bool{}, open: map[string]string{}, refundable: map[string]int64{}, looked: map[string]bool{},
		absent: map[string]bool{}, kinds: map[string]string{}, keys: configKeys(opts.Settings)}
	if r.Ledger != nil {
		ids, err := r.Ledger.Known(ctx)
		if err != nil {
			return err
		}
		known.ledger = ids
	}
	for i, po := range pos {
		if err := ctx.Err(); err != nil {
			rep.Run.NotReached = payoutIDs(pos[i:])
			return err
		}
		if r.Progress != nil {
			r.Progress(i+1, len(pos), po.ID)
		}
		if done, entry, err := r.alreadyReconciled(ctx, po); err != nil {
			rep.Run.NotReached = payoutIDs(pos[i:])
			return err
		} else if done {
			rep.Payouts = append(rep.Payouts, entry)
			continue
		}
		entry, err := r.one(ctx, opts, po, known)
		rest := pos[i:]
		if entry.ID != "" {
			// Also when the run stops here (interrupted, NetSuite gone):
			// the report and the run's counts show what this payout got.
			rep.Payouts = append(rep.Payouts, entry)
			rest = pos[i+1:]
		}
		if err != nil {
			rep.Run.NotReached = payoutIDs(rest)
			return err
		}
	}
	return nil
}

func payoutIDs(pos []payout.Payout) []string {
	out := make([]string, len(pos))
	for i, po := range pos {
		out[i] = po.ID
	}
	return out
}

// alreadyReconciled reports a payout an earlier run reconciled without
// reading or planning it again: its deposit exists, re-planning could only
// disagree with what NetSuite holds (a customer edited in Stripe since, a
// mapping changed) and must never downgrade it.
func (r *Runner) alreadyReconciled(ctx context.Context, po payout.Payout) (bool, report.Payout, error) {
	if r.Ledger == nil {
		return false, report.Payout{}, nil
	}
	st, ok, err := r.Ledger.Payout(ctx, po.ID)
	if err != nil || !ok || st.Status != outcome.Reconciled {
		return false, report.Payout{}, err
	}
	entry := report.FromPlan(&plan.Plan{Payout: po, DepositTotal: po.Amount}, 0)
	entry.Status, entry.DepositID = outcome.Reconciled, st.DepositID
	if st.DepositID == "" {
		entry.Notes = append(entry.Notes, "reconciled by hand (nsrecon ledger resolve); nothing to do")
	} else {
		entry.Notes = append(entry.Notes, "reconciled by an earlier run (deposit "+st.DepositID+"); nothing to do")
	}
	return true, entry, nil
}

// one reconciles one payout. Errors that concern only this payout are
// reported in its entry; the returned error stops the run.
func (r *Runner) one(ctx context.Context, opts Options, po payout.Payout, known knownSet) (report.Payout, error) {
	log := r.log().With("payout", po.ID)
	if po.Reconciling() {
		return waiting(po), nil
	}
	snap, failed, err := r.snapshot(ctx, po, log)
	if err != nil {
		return report.Payout{}, err
	}
	if failed != nil {
		return *failed, r.recordUnread(ctx, opts, po, failed.Problems)
	}
	notes, err := r.lookUp(ctx, opts, snap, known)
	if err != nil {
		return report.Payout{}, err
	}
	pl, err := r.planVerified(ctx, snap, opts.Settings, known)
	if err != nil {
		return report.Payout{}, err
	}
	if r.OnPlan != nil {
		r.OnPlan(pl)
	}
	entry := report.FromPlan(pl, countTxns(snap))
	entry.Notes = append(append(entry.Notes, notes...), pl.Notes...)
	notPaid := po.Status != "paid"
	if notPaid {
		entry.Notes = append(entry.Notes, fmt.Sprintf("payout is %s: validated only, nothing is synced until it is paid", po.Status))
	}
	if opts.DryRun || notPaid {
		if opts.DryRun && !pl.Held() {
			known.remember(pl) // what the real run would have written by now
		}
		return entry, nil
	}
	if pl.Held() {
		// Nothing goes to NetSuite; the pusher writes the held row.
		log.Info("payout held", "problems", len(pl.Problems))
		_, err := r.Push.Push(ctx, pl)
		return entry, err
	}
	if err := r.preflight(ctx); err != nil {
		return entry, err
	}
	// The pusher records the payout's outcome in the ledger: it is the one
	// writer of a payout's row, whatever the outcome.
	res, err := r.Push.Push(ctx, pl)
	if res.Status == outcome.Reconciled {
		// Only now do later payouts of the run find its records: a payout
		// that failed may have left them out of NetSuite.
		known.remember(pl)
	}
	return entry, pushed(&entry, res, err) // the pusher logged the outcome
}

// planVerified plans a payout, holds it when records of the other
// reconcile.mode exist for it, and, when it is ready and NetSuite can be
// asked, verifies before its first write what the plan relies on there
// (verify.go): anything missing or short holds it.
func (r *Runner) planVerified(ctx context.Context, snap *payout.Snapshot, s plan.Settings, known knownSet) (*plan.Plan, error) {
	pl := plan.Build(snap, s, known)
	switched, err := r.otherMode(ctx, snap, s) // othermode.go
	if err != nil {
		return nil, err
	}
	pl.Problems = append(pl.Problems, switched...)
	problems, err := r.verify(ctx, pl, known)
	if err != nil {
		return nil, fmt.Errorf("verifying payout %s in NetSuite: %w", snap.Payout.ID, err)
	}
	pl.Problems = append(pl.Problems, problems...)
	return pl, nil
}

// pushed puts the pusher's result into the payout's report entry and
// returns what stops the run: the pusher's own error, NetSuite refusing the
// credentials, or NetSuite not answering.
func pushed(entry *report.Payout, res push.Result, err error) error {
	entry.Status = res.Status
	entry.DepositID = res.DepositID
	entry.Pushed = res.Pushed
	if pw, ok := res.PartlyWritten(); ok {
		defer func() { entry.Problems = append(entry.Problems, pw) }()
	}
	entry.Problems = append(entry.Problems, res.Problems...)
	for _, e := range res.Errors {
		entry.Problems = append(entry.Problems, e.Problem())
		if e.Status == http.StatusTooManyRequests {
			if err == nil {
				err = fmt.Errorf("%w: %s %s: %s", ErrNetSuiteThrottled, e.Type, e.ExternalID, e.Detail)
			}
			continue
		}
		switch {
		case e.IsAuth():
			// 401 or 403, as in preflight: every other payout would fail
			// the same way.
			return fmt.Errorf("%w: %s", ErrNetSuiteAuth, e.Detail)
		case e.Code == push.CodeRequestFailed && err == nil:
			// The client already retried with backoff: going on would only
			// repeat that for every payout.
			err = fmt.Errorf("%w: %s", ErrNetSuiteUnreachable, e.Detail)
		}
	}
	return err
}

// snapshot reads po from Stripe (a manual payout has nothing to read).
// A failure that concerns only this payout comes back as its failed report
// entry; the error is for failures that stop the run.
func (r *Runner) snapshot(ctx context.Context, po payout.Payout, log *slog.Logger) (*payout.Snapshot, *report.Payout, error) {
	if !po.Automatic {
		return &payout.Snapshot{Payout: po}, nil, nil
	}
	snap, err := r.Stripe.Snapshot(ctx, po)
	if err == nil {
		return snap, nil, nil
	}
	// Stripe refusing the key fails every other payout too: stop the run.
	if ctx.Err() != nil || payout.IsAuth(err) {
		return nil, nil, err
	}
	log.Warn("reading payout from Stripe failed", "err", err)
	entry := report.FromPlan(&plan.Plan{Payout: po}, 0)
	entry.Status = outcome.Failed
	entry.Problems = append(entry.Problems, stripeProblem(po.ID, err))
	return nil, &entry, nil
}

// lookUp asks NetSuite what the plan needs beyond the ledger: the
// customers of the payout's email addresses (match_email mode) and the
// records that refunds and disputes of earlier payouts apply to. It
// returns notes for the report.
func (r *Runner) lookUp(ctx context.Context, opts Options, snap *payout.Snapshot, known knownSet) ([]string, error) {
	var notes []string
	if opts.Settings.CustomerMode == "match_email" {
		if r.Customers == nil {
			notes = append(notes, "customers.mode is match_email but NetSuite is not configured for this run: customers are shown as new")
		} else if err := r.matchEmails(ctx, snap, known); err != nil {
			return nil, err
		}
	}
	if err := r.findParents(ctx, snap, known); err != nil {
		return nil, err
	}
	return notes, nil
}

// preflight asks NetSuite one cheap question before the run's first push,
// so wrong credentials or a wrong URL cost one request, not one per record
// in flight (a burst of failed logins can lock a NetSuite user).
func (r *Runner) preflight(ctx context.Context) error {
	if r.Records == nil || r.preflightDone {
		return nil
	}
	_, err := r.Records.FindByExternalID(ctx, netsuite.TypeCustomer, "nsrecon_preflight")
	var nerr *netsuite.Error
	switch {
	case err == nil, errors.Is(err, netsuite.ErrNotFound):
		r.preflightDone = true
		return nil
	case netsuite.IsAuth(err) && errors.As(err, &nerr):
		return fmt.Errorf("%w: %s", ErrNetSuiteAuth, nerr.Detail)
	case errors.As(err, &nerr) && nerr.Status == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s", ErrNetSuiteThrottled, nerr.Detail)
	case ctx.Err() != nil:
		return ctx.Err()
	case netsuite.IsRetryable(err):
		return fmt.Errorf("%w: %v", ErrNetSuiteUnreachable, err)
	}
	return err
}

// ErrNetSuiteAuth means NetSuite refused the credentials; the run stops.
// It is netsuite.ErrAuth, so netsuite.IsAuth knows it.
var ErrNetSuiteAuth = netsuite.ErrAuth

// ErrNetSuiteUnreachable means NetSuite did not answer after the client's
// retries; the run stops rather than retry every payout the same way.
var ErrNetSuiteUnreachable = errors.New("NetSuite did not answer")

func countTxns(s *payout.Snapshot) int {
	n := 0
	for _, bt := range s.Transactions {
		if !(bt.Type == "payout" && (bt.Source == "" || bt.Source == s.Payout.ID)) {
			n++
		}
	}
	return n
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// waiting reports a payout Stripe is still assigning balance transactions
// to (reconciliation_status in_progress): listing them now could miss
// some, so nothing is read or planned and the next run retries it (the
// ledger keeps it as listed, status ready, from recordListing).
func waiting(po payout.Payout) report.Payout {
	entry := report.FromPlan(&plan.Plan{Kind: plan.KindPayout, Payout: po}, 0)
	entry.Status = outcome.Waiting
	entry.Notes = append(entry.Notes, "Stripe is still assigning this payout's balance transactions (reconciliation_status in_progress): nothing was read or planned; the next run retries it")
	return entry
}

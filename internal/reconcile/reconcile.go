// Package reconcile runs one reconciliation: it chooses the payouts, reads
// them from Stripe, plans and validates each, pushes the ready ones to
// NetSuite (unless dry-run), keeps the ledger and returns the report.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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
		runID, err = r.Ledger.StartRun(ctx, ledger.RunInfo{StartedAt: now, WindowFrom: from, WindowTo: to})
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

func (r *Runner) run(ctx context.Context, opts Options, from, to time.Time, rep *report.Report) error {
	pos, err := r.payouts(ctx, opts, from, to)
	if err != nil {
		return err
	}
	known := knownSet{planned: map[string]bool{}, remote: map[string]bool{}, emails: map[string]string{}}
	if r.Ledger != nil {
		ids, err := r.Ledger.Known(ctx)
		if err != nil {
			return err
		}
		known.ledger = ids
	}
	for i, po := range pos {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.Progress != nil {
			r.Progress(i+1, len(pos), po.ID)
		}
		if done, entry, err := r.alreadyReconciled(ctx, po); err != nil {
			return err
		} else if done {
			rep.Payouts = append(rep.Payouts, entry)
			continue
		}
		entry, err := r.one(ctx, opts, po, known)
		if entry.ID != "" {
			// Also when the run stops here (interrupted, NetSuite gone):
			// the report and the run's counts show what this payout got.
			rep.Payouts = append(rep.Payouts, entry)
		}
		if err != nil {
			return err
		}
	}
	return nil
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
	snap := &payout.Snapshot{Payout: po}
	if po.Automatic {
		s, err := r.Stripe.Snapshot(ctx, po)
		if err != nil {
			if ctx.Err() != nil || isFatalStripe(err) {
				return report.Payout{}, err
			}
			log.Warn("reading payout from Stripe failed", "err", err)
			entry := report.FromPlan(&plan.Plan{Payout: po}, 0)
			entry.Status = outcome.Failed
			entry.Problems = append(entry.Problems, outcome.Problem{
				Code: "STRIPE_ERROR", Object: po.ID, Message: err.Error(),
				Fix: "re-run later; if it persists, check the payout in the Stripe Dashboard",
			})
			return entry, nil
		}
		snap = s
	}
	var notes []string
	if opts.Settings.CustomerMode == "match_email" {
		if r.Customers == nil {
			notes = append(notes, "customers.mode is match_email but NetSuite is not configured for this run: customers are shown as new")
		} else if err := r.matchEmails(ctx, snap, known); err != nil {
			return report.Payout{}, err
		}
	}
	if err := r.findParents(ctx, snap, known); err != nil {
		return report.Payout{}, err
	}
	pl := plan.Build(snap, opts.Settings, known)
	if r.OnPlan != nil {
		r.OnPlan(pl)
	}
	entry := report.FromPlan(pl, countTxns(snap))
	entry.Notes = append(append(entry.Notes, notes...), pl.Notes...)
	notPaid := po.Status != "paid"
	if notPaid {
		entry.Notes = append(entry.Notes, fmt.Sprintf("payout is %s: validated only, nothing is synced until it is paid", po.Status))
	}
	if !pl.Held() {
		for _, rec := range pl.Records {
			known.planned[rec.ExternalID] = true
		}
	}
	if opts.DryRun || notPaid {
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
	return entry, pushed(&entry, res, err) // the pusher logged the outcome
}

// pushed puts the pusher's result into the payout's report entry and
// returns what stops the run: the pusher's own error, NetSuite refusing the
// credentials, or NetSuite not answering.
func pushed(entry *report.Payout, res push.Result, err error) error {
	entry.Status = res.Status
	entry.DepositID = res.DepositID
	entry.Pushed = res.Pushed
	for _, e := range res.Errors {
		entry.Problems = append(entry.Problems, e.Problem())
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

// isFatalStripe reports errors that no other payout would escape either
// (authentication, permissions), so the run stops instead of failing each.
func isFatalStripe(err error) bool {
	return payout.IsAuth(err)
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

// knownSet is what earlier payouts made: the ledger's records plus the
// records of payouts planned ready earlier in this run.
type knownSet struct {
	ledger  plan.Known
	planned map[string]bool
	remote  map[string]bool   // found in NetSuite by external ID this run
	emails  map[string]string // lower-case email → NetSuite customer ID ("" = none)
}

func (k knownSet) CustomerByEmail(email string) (string, bool) {
	id := k.emails[email]
	return id, id != ""
}

// findParents looks in NetSuite for the records that refunds and disputes
// of charges from earlier payouts apply to, when neither the ledger nor this
// run knows them: the payment (plain charges) or the invoice.
func (r *Runner) findParents(ctx context.Context, snap *payout.Snapshot, known knownSet) error {
	if r.Records == nil {
		return nil
	}
	inPayout := map[string]bool{}
	for _, bt := range snap.Transactions {
		if bt.ReportingCategory == "charge" {
			inPayout[bt.Source] = true
		}
	}
	var charges []string
	for _, rf := range snap.Refunds {
		charges = append(charges, rf.Charge)
	}
	for _, d := range snap.Disputes {
		charges = append(charges, d.Charge)
	}
	slices.Sort(charges)
	for _, id := range slices.Compact(charges) {
		ch := snap.Charges[id]
		if ch == nil || inPayout[id] {
			continue
		}
		typ, ext := netsuite.TypeCustomerPayment, plan.ExternalID(ch.ID)
		if ch.Invoice != "" {
			typ, ext = netsuite.TypeInvoice, plan.ExternalID(ch.Invoice)
		}
		if known.Has(ext) {
			continue
		}
		switch _, err := r.Records.FindByExternalID(ctx, typ, ext); {
		case err == nil:
			known.remote[ext] = true
		case errors.Is(err, netsuite.ErrNotFound):
		default:
			return fmt.Errorf("looking up %s %s in NetSuite: %w", typ, ext, err)
		}
	}
	return nil
}

// matchEmails looks up, once per run, the NetSuite customer of every email
// address the payout's customers use.
func (r *Runner) matchEmails(ctx context.Context, snap *payout.Snapshot, known knownSet) error {
	var emails []string
	for _, c := range snap.Customers {
		emails = append(emails, c.Email)
	}
	for _, ch := range snap.Charges {
		if ch.Customer == "" {
			emails = append(emails, ch.BillingEmail, ch.ReceiptEmail)
		}
	}
	slices.Sort(emails)
	for _, e := range slices.Compact(emails) {
		e = strings.ToLower(strings.TrimSpace(e))
		if _, done := known.emails[e]; done || e == "" {
			continue
		}
		id, _, err := r.Customers.FindCustomerByEmail(ctx, e)
		if err != nil {
			return fmt.Errorf("matching customers by email in NetSuite: %w", err)
		}
		known.emails[e] = id
	}
	return nil
}

func (k knownSet) Has(id string) bool {
	return k.planned[id] || k.remote[id] || (k.ledger != nil && k.ledger.Has(id))
}

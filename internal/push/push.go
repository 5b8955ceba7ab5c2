// Package push sends a payout's planned NetSuite records to NetSuite in
// dependency order, with a bounded number in flight, recording each result
// in the ledger as soon as it is known, so that a run stopped at any point
// and run again finishes the payout with nothing missing and nothing twice.
package push

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// Writer is what the pusher needs from NetSuite; *netsuite.Client is one.
// It must be safe for concurrent use and should cap its own requests on the
// wire (netsuite.Client does, at Config.Concurrency).
type Writer interface {
	// Upsert creates or replaces the record with this external ID and
	// returns its internal ID. Being keyed by external ID, sending it again
	// after a lost response adopts the record instead of duplicating it.
	Upsert(ctx context.Context, recordType, externalID string, body any) (string, error)
	// FindByExternalID returns the internal ID of an existing record, or an
	// error matching netsuite.ErrNotFound.
	FindByExternalID(ctx context.Context, recordType, externalID string) (string, error)
}

// Options tunes a Pusher.
type Options struct {
	// Concurrency is how many requests NetSuite should see at once: the
	// account's concurrency limit share (netsuite.concurrency). Default 5.
	Concurrency int
	// Queue is how many records beyond Concurrency are handed to the Writer
	// at once, to wait for a slot in its own limiter. netsuite.Client frees
	// a slot while a request backs off after a 429 or 5xx, so without this
	// queue a backing-off record would leave the pipe a slot short.
	// Default Concurrency; negative means none (for a Writer that does not
	// limit itself).
	Queue int
	// Grace is how long requests already sent may run after ctx is
	// cancelled, so their outcome lands in the ledger rather than being
	// left "pending". Default 5 s; negative abandons them at once.
	Grace time.Duration
	// Batch sends ready records of one type as NetSuite async batches
	// when the Writer is a BatchWriter (netsuite.batch: auto); off when
	// Batch.Size ≤ 1.
	Batch BatchOptions
	// Progress, if set, is called (from one goroutine) as records complete.
	Progress func(Progress)
	Logger   *slog.Logger
}

// Progress is a snapshot of one Push.
type Progress struct {
	Done, Total             int // Done counts every record settled in any way
	Pushed, Skipped, Failed int // Failed includes blocked records
	Elapsed                 time.Duration
}

// Result is what became of one payout's plan.
type Result struct {
	PayoutID  string
	Status    outcome.Status // Reconciled, Failed or Held (Synced for an invoice)
	DepositID string         // NetSuite internal ID of the deposit, once it exists
	Pushed    int            // records sent and confirmed
	Skipped   int            // records the ledger already had: no NetSuite call
	Failed    int            // records NetSuite refused, or that could not be resolved
	Blocked   int            // records not sent because something they depend on failed
	Errors    []RecordError
	// Written names the plan's records that exist in NetSuite, as
	// "<type> <external ID> (<internal ID>)": all of them once the payout
	// is reconciled; for a failed payout, exactly what it left behind.
	Written []string
	// Problems hold a payout before any record was written (an existing
	// customer NetSuite would not give a needed currency).
	Problems []outcome.Problem
	// Total is the number of the plan's records; Interrupted, that the run
	// was cancelled before the payout finished (nothing was refused).
	Total       int
	Interrupted bool
}

// Pusher pushes plans. It is safe for concurrent use, but payouts are meant
// to be pushed one after another, oldest first, so that a later payout finds
// the records of an earlier one.
type Pusher struct {
	w    Writer
	l    *ledger.Ledger
	opts Options
	log  *slog.Logger
}

// New returns a Pusher writing to w and recording in l.
func New(w Writer, l *ledger.Ledger, opts Options) *Pusher {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 5
	}
	switch {
	case opts.Queue == 0:
		opts.Queue = opts.Concurrency
	case opts.Queue < 0:
		opts.Queue = 0
	}
	if opts.Grace == 0 {
		opts.Grace = 5 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pusher{w: w, l: l, opts: opts, log: log}
}

// Push sends pl's records and records the payout's outcome in the ledger.
// The pusher is the one writer of a payout's ledger row, for every outcome:
// a held plan (nothing sent) is recorded here too.
//
// Records the ledger has as done are not sent; their IDs feed their
// dependents. A record goes as soon as everything it references has an
// internal ID. The deposit goes only when every other record of the plan is
// done, so a payout is reconciled exactly when its deposit exists. A record
// NetSuite refuses fails the payout, and nothing depending on it is sent;
// independent records still go (the next run skips them).
//
// The returned error is for the run, not the payout: ctx's error when
// cancelled, or a ledger failure. NetSuite's refusals are in the Result.
//
// An invoice plan (plan.BuildInvoice: no payout, no deposit) ends "synced"
// when all its records are done, and writes no payout row. Its invoice is
// the one record that may change after it was made (invoice.updated), so
// it is skipped only when the ledger has it with the same body; otherwise
// it is upserted again by external ID. Customers and items are made once,
// as by the daily run.
func (p *Pusher) Push(ctx context.Context, pl *plan.Plan) (Result, error) {
	res := Result{PayoutID: pl.Payout.ID, Total: len(pl.Records)}
	if pl.Held() {
		res.Status = outcome.Held
		if pl.IsInvoicePlan() {
			return res, nil
		}
		return res, p.setPayout(context.WithoutCancel(ctx), pl, outcome.Held, "", pl.Problems)
	}
	if done, err := p.preWrite(ctx, pl, &res); done || err != nil {
		return res, err
	}
	r, err := newRun(p, pl)
	if err != nil {
		return res, err
	}
	if err := r.loadLedger(ctx); err != nil {
		return res, err
	}
	runErr := r.schedule(ctx)
	r.s.result(&res)

	if pl.IsInvoicePlan() {
		if runErr != nil && !errors.Is(runErr, ctx.Err()) {
			res.Status = outcome.Failed
		}
		p.log.LogAttrs(ctx, slog.LevelInfo, pushedMessage(pl.Kind), slog.String("status", string(res.Status)),
			slog.Int("pushed", res.Pushed), slog.Int("skipped", res.Skipped), slog.Int("failed", res.Failed),
			slog.Int("blocked", res.Blocked), slog.Duration("elapsed", time.Since(r.start)))
		return res, runErr
	}

	if runErr != nil && !errors.Is(runErr, ctx.Err()) {
		// The ledger itself failed; it cannot take the payout's state either.
		res.Status = outcome.Failed
		return res, runErr
	}
	res.Interrupted = runErr != nil
	err = p.recordPayout(ctx, pl, &res, runErr)
	p.log.LogAttrs(ctx, slog.LevelInfo, "payout pushed", slog.String("payout", res.PayoutID),
		slog.String("status", string(res.Status)), slog.Int("pushed", res.Pushed), slog.Int("skipped", res.Skipped),
		slog.Int("failed", res.Failed), slog.Int("blocked", res.Blocked), slog.Duration("elapsed", time.Since(r.start)))
	return res, errors.Join(runErr, err)
}

// pushedMessage is the log line of a plan outside any payout: an invoice
// sync's, or a real-time sync's (a charge, dispute, customer or price,
// which the listener's own line names).
func pushedMessage(k plan.Kind) string {
	if k == plan.KindInvoice {
		return "invoice pushed"
	}
	return "real-time records pushed"
}

// preWrite does what must precede the plan's writes (existing customers'
// currencies). done means the payout ended there, held or failed, and its
// row is written.
func (p *Pusher) preWrite(ctx context.Context, pl *plan.Plan, res *Result) (done bool, err error) {
	problems, errs, err := p.ensureCurrencies(ctx, pl)
	switch {
	case err != nil:
		return true, err
	case len(problems) > 0:
		res.Status, res.Problems = outcome.Held, problems
		if pl.IsInvoicePlan() {
			return true, nil
		}
		return true, p.setPayout(context.WithoutCancel(ctx), pl, outcome.Held, "", problems)
	case len(errs) > 0:
		res.Status, res.Errors, res.Failed = outcome.Failed, errs, len(errs)
		if pl.IsInvoicePlan() {
			return true, nil
		}
		return true, p.recordPayout(ctx, pl, res, nil)
	}
	return false, nil
}

// recordPayout writes the payout's ledger row for res. runErr, if any, is
// ctx's: the run was interrupted, which the row's problems say.
func (p *Pusher) recordPayout(ctx context.Context, pl *plan.Plan, res *Result, runErr error) error {
	// Ledger writes must land even after ctx is cancelled.
	lctx := context.WithoutCancel(ctx)
	switch {
	case res.Status == outcome.Reconciled:
		return p.setPayout(lctx, pl, outcome.Reconciled, res.DepositID, nil)
	default:
		problems := make([]outcome.Problem, 0, len(res.Errors)+1)
		for _, e := range res.Errors {
			problems = append(problems, e.Problem())
		}
		if pw, ok := res.PartlyWritten(); ok {
			problems = append(problems, pw)
		}
		if runErr != nil {
			problems = append(problems, outcome.Problem{Code: CodeInterrupted, Object: pl.Payout.ID,
				Message: "the run was interrupted before the payout was reconciled",
				Fix:     "run again: records already done are not sent twice"})
		}
		return p.setPayout(lctx, pl, outcome.Failed, "", problems)
	}
}

func (p *Pusher) setPayout(ctx context.Context, pl *plan.Plan, status outcome.Status, depositID string, problems []outcome.Problem) error {
	var js json.RawMessage
	if len(problems) > 0 {
		b, err := json.Marshal(problems)
		if err != nil {
			return err
		}
		js = b
	}
	return p.l.SetPayout(ctx, ledger.PayoutState{
		ID: pl.Payout.ID, Status: status, Currency: pl.Payout.Currency, Amount: pl.Payout.Amount,
		DepositID: depositID, ArrivalDate: pl.Payout.ArrivalDate, Problems: js,
	})
}

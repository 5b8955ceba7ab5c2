package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// Executor does the NetSuite work of the tasks the scheduler offers, and
// records each result in the ledger.
type Executor interface {
	// Start is offered ready tasks, most urgent first, each with its
	// references resolved, never more than the room left in flight. It
	// takes a prefix of them (at least one), begins their work and returns
	// how many it took; the scheduler offers the rest again later. It may
	// reorder offered in place first, so that the tasks it takes are the
	// prefix. An executor sending one record per request takes them all;
	// one sending NetSuite's async batches (batchExecutor) takes the
	// leading tasks of one record type. Every taken task's Outcome is sent
	// on done exactly once, from any goroutine.
	Start(ctx context.Context, offered []*Task, done chan<- Outcome) int
}

// singleExecutor sends one record per request: an upsert by external ID,
// or GETs by external ID for a lookup.
type singleExecutor struct {
	w        Writer
	l        *ledger.Ledger
	payoutID string
	log      *slog.Logger
	// prior holds the ledger's rows of records that are sent only if their
	// body changed (the invoice of an invoice plan).
	prior map[string]*ledger.RecordRow
}

func (e *singleExecutor) Start(ctx context.Context, offered []*Task, done chan<- Outcome) int {
	for _, t := range offered {
		go func() { done <- e.work(ctx, t) }()
	}
	return len(offered)
}

// work does one task's NetSuite calls and records the result.
func (e *singleExecutor) work(ctx context.Context, t *Task) Outcome {
	if t.Record == nil {
		return e.lookup(ctx, t)
	}
	lctx := context.WithoutCancel(ctx)
	r, rerr := e.prepare(t)
	if rerr != nil {
		return Outcome{Task: t, Err: rerr}
	}
	rec, body, hash := r.rec, r.body, r.hash
	if pr := e.prior[t.ExternalID]; pr != nil && pr.Status == ledger.RecordDone && pr.InternalID != "" && pr.BodyHash == hash {
		return Outcome{Task: t, ID: pr.InternalID, Unchanged: true}
	}
	if err := e.l.MarkPending(lctx, rec, hash); err != nil {
		return Outcome{Task: t, Fatal: err}
	}
	id, err := e.w.Upsert(ctx, t.Record.Type, t.ExternalID, json.RawMessage(body))
	if err != nil {
		if abandoned(ctx, err) {
			// It may or may not exist; "pending" says so, and the next
			// run's upsert settles it either way.
			return Outcome{Task: t, Fatal: context.Canceled}
		}
		re := recordError(err)
		if ferr := e.l.MarkFailed(lctx, rec, err.Error()); ferr != nil {
			return Outcome{Task: t, Fatal: ferr}
		}
		return Outcome{Task: t, Err: re}
	}
	if err := e.l.MarkDone(lctx, rec, id, hash); err != nil {
		return Outcome{Task: t, Fatal: err}
	}
	e.log.LogAttrs(ctx, slog.LevelDebug, "record pushed", slog.String("external_id", t.ExternalID),
		slog.String("type", t.Record.Type), slog.String("id", id))
	return Outcome{Task: t, ID: id}
}

// lookup finds a record the plan references but does not hold (made by an
// earlier payout, with the ledger lost or made elsewhere). External IDs do
// not say their record type, so it tries the types that the referencing
// records can point at, most likely first: normally one GET.
func (e *singleExecutor) lookup(ctx context.Context, t *Task) Outcome {
	for _, typ := range t.Types {
		id, err := e.w.FindByExternalID(ctx, typ, t.ExternalID)
		switch {
		case err == nil:
			// Remember it, so the next payout that needs it costs nothing.
			if err := e.l.MarkDone(context.WithoutCancel(ctx), ledger.Record{ExternalID: t.ExternalID, Type: typ}, id, ""); err != nil {
				return Outcome{Task: t, Fatal: err}
			}
			return Outcome{Task: t, ID: id}
		case errors.Is(err, netsuite.ErrNotFound):
			continue
		case abandoned(ctx, err):
			return Outcome{Task: t, Fatal: context.Canceled}
		default:
			re := recordError(err)
			re.Detail = fmt.Sprintf("looking up referenced %s as %s: %s", t.ExternalID, typ, re.Detail)
			return Outcome{Task: t, Err: re}
		}
	}
	return Outcome{Task: t, Err: &RecordError{Code: CodeMissingDependency, Permanent: true,
		Detail: fmt.Sprintf("references %s, which is neither in the ledger nor in NetSuite (looked up as %s)",
			t.ExternalID, strings.Join(t.Types, ", "))}}
}

// abandoned reports whether a request ended because the run was cancelled,
// not because NetSuite answered: its effect is unknown, never a refusal.
// The request's own context can end a moment before ctx reports it.
func abandoned(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}

// prepare is what the ledger and NetSuite get for a task's record: its
// ledger row (with what it books), its body and the body's hash. Single
// requests and batches both start from it.
func (e *singleExecutor) prepare(t *Task) (batchRec, *RecordError) {
	body, err := json.Marshal(t.Record.Body)
	if err != nil {
		return batchRec{}, &RecordError{Code: "INVALID_BODY", Detail: err.Error(), Permanent: true}
	}
	sum := sha256.Sum256(body)
	return batchRec{t: t, body: body, hash: hex.EncodeToString(sum[:]),
		rec: ledger.Record{ExternalID: t.ExternalID, Type: t.Record.Type, Source: t.Record.Source, PayoutID: e.payoutID, Booked: booked(t.Record.Body)}}, nil
}

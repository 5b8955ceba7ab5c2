package push

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// BatchWriter is a Writer that can also send NetSuite's async batches;
// *netsuite.Client is one.
type BatchWriter interface {
	Writer
	// SubmitBatch sends items of one type as one async batch upsert under
	// an idempotency key and returns the job; the same key again returns
	// the same job.
	SubmitBatch(ctx context.Context, recordType, key string, items []netsuite.BatchItem) (string, error)
	// FollowBatch waits for the job and returns one result per external
	// ID, in the order sent.
	FollowBatch(ctx context.Context, job, recordType string, externalIDs []string, poll time.Duration) ([]netsuite.BatchResult, error)
}

// BatchOptions turns on async batches (netsuite.batch: auto).
type BatchOptions struct {
	// Size is the most records per batch (netsuite.batch_size, at most
	// netsuite.MaxBatch); 0 or 1 sends every record on its own.
	Size int
	// Min is the fewest ready records of one type worth a batch (a batch
	// costs a submit, polls and a lookup: a few requests); fewer go one by
	// one. Default 4.
	Min int
	// Poll is how long after submitting a job is first asked about, and
	// the step its polls grow from. Default 1 s.
	Poll time.Duration
}

// batchExecutor sends the leading ready records of one type as one
// NetSuite async batch, and everything else (lookups, a type with few
// ready records) through the single executor.
type batchExecutor struct {
	single *singleExecutor
	// singles runs what goes one by one, at most Concurrency+Queue at once.
	singles *singles
	w       BatchWriter
	opts    BatchOptions
	// open are the payout's batch jobs a killed run left (loaded at the
	// first Start): a batch of exactly their records follows the job
	// instead of submitting again.
	open   []ledger.BatchJob
	loaded bool
}

// limit is how many single requests it hands the Writer at once
// (Concurrency+Queue).
func newBatchExecutor(single *singleExecutor, w BatchWriter, opts BatchOptions, limit int) *batchExecutor {
	opts.Size = min(opts.Size, netsuite.MaxBatch)
	if opts.Min <= 1 {
		opts.Min = 4
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	return &batchExecutor{single: single, singles: &singles{e: single, limit: max(limit, 1)}, w: w, opts: opts}
}

// window lets a batch executor hold Concurrency batches in flight; what
// goes one by one is held to Concurrency+Queue by singles.
func (e *batchExecutor) window(concurrency, queue int) int { return concurrency*e.opts.Size + queue }

func (e *batchExecutor) Start(ctx context.Context, offered []*Task, done chan<- Outcome) int {
	if !e.loaded {
		e.loaded = true
		open, err := e.single.l.OpenBatches(ctx, e.single.payoutID)
		if err != nil {
			done <- Outcome{Task: offered[0], Fatal: err}
			return 1
		}
		e.open = open
	}
	if n, job := e.resumable(offered); n > 0 {
		go e.send(ctx, offered[:n:n], job, done)
		return n
	}
	first := offered[0]
	if first.Record == nil {
		return e.singles.start(ctx, offered[:1], done)
	}
	n := partition(offered, func(t *Task) bool { return t.Record != nil && t.Record.Type == first.Record.Type }, e.opts.Size)
	if n < e.opts.Min {
		return e.singles.start(ctx, offered[:n], done)
	}
	go e.send(ctx, offered[:n:n], nil, done)
	return n
}

// resumable looks for an open job all of whose records are offered, and
// moves them to the front in the job's order. An open job only some of
// whose records are offered is given up: its records go in new batches,
// which upsert by external ID and so cannot duplicate what it made.
func (e *batchExecutor) resumable(offered []*Task) (int, *ledger.BatchJob) {
	at := make(map[string]int, len(offered))
	for i, t := range offered {
		if t.Record != nil {
			at[t.ExternalID] = i
		}
	}
	for k := 0; k < len(e.open); k++ {
		j := e.open[k]
		found := 0
		for _, ext := range j.ExternalIDs {
			if i, ok := at[ext]; ok && offered[i].Record.Type == j.Type {
				found++
			}
		}
		switch {
		case found == 0:
			continue
		case found < len(j.ExternalIDs):
			e.single.log.LogAttrs(context.Background(), slog.LevelDebug, "batch job not followed", slog.String("key", j.Key))
			e.endBatch(context.Background(), j.Key)
		default:
			order := make(map[string]int, len(j.ExternalIDs))
			for i, ext := range j.ExternalIDs {
				order[ext] = i + 1
			}
			n := partition(offered, func(t *Task) bool { return t.Record != nil && order[t.ExternalID] > 0 }, len(offered))
			sortByRank(offered[:n], order)
			e.open = append(e.open[:k], e.open[k+1:]...)
			return n, &j
		}
		e.open = append(e.open[:k], e.open[k+1:]...)
		k--
	}
	return 0, nil
}

// partition moves the first (at most limit) tasks that match to the
// front, in their order, and returns how many.
func partition(ts []*Task, match func(*Task) bool, limit int) int {
	var in, out []*Task
	for _, t := range ts {
		if len(in) < limit && match(t) {
			in = append(in, t)
		} else {
			out = append(out, t)
		}
	}
	copy(ts, in)
	copy(ts[len(in):], out)
	return len(in)
}

func sortByRank(ts []*Task, rank map[string]int) {
	for i := 1; i < len(ts); i++ {
		for k := i; k > 0 && rank[ts[k].ExternalID] < rank[ts[k-1].ExternalID]; k-- {
			ts[k], ts[k-1] = ts[k-1], ts[k]
		}
	}
}

// batchRec is one record of a batch being sent.
type batchRec struct {
	t    *Task
	rec  ledger.Record
	body json.RawMessage
	hash string
}

// send sends tasks (all of one type) as one batch, or follows job, the
// batch a killed run sent them in, and reports every task's outcome.
// All outcomes go in one Group, so the scheduler settles the whole batch
// before it offers what the batch made ready: the next batch is full.
func (e *batchExecutor) send(ctx context.Context, tasks []*Task, job *ledger.BatchJob, done chan<- Outcome) {
	var outs []Outcome
	defer func() { done <- Outcome{Group: outs} }()
	e.sendBatch(ctx, tasks, job, func(o Outcome) { outs = append(outs, o) })
}

func (e *batchExecutor) sendBatch(ctx context.Context, tasks []*Task, job *ledger.BatchJob, done func(Outcome)) {
	lctx := context.WithoutCancel(ctx)
	recs := make([]batchRec, 0, len(tasks))
	for _, t := range tasks {
		r, rerr := e.single.prepare(t)
		if rerr != nil {
			done(Outcome{Task: t, Err: rerr})
			continue
		}
		if err := e.single.l.MarkPending(lctx, r.rec, r.hash); err != nil {
			done(Outcome{Task: t, Fatal: err})
			continue
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		return
	}
	if job == nil || len(recs) != len(job.ExternalIDs) {
		if job != nil {
			// Some of its records could not be sent again: close it (an
			// upsert by external ID makes what NetSuite still does of it
			// harmless) and submit the rest as a new job.
			e.endBatch(lctx, job.Key)
		}
		job = &ledger.BatchJob{Key: netsuite.NewIdempotencyKey(), Type: recs[0].rec.Type, PayoutID: e.single.payoutID}
		for _, r := range recs {
			job.ExternalIDs = append(job.ExternalIDs, r.t.ExternalID)
		}
		if err := e.single.l.StartBatch(lctx, *job); err != nil {
			e.settleAll(recs, done, Outcome{Fatal: err})
			return
		}
	}
	results, o := e.submitAndFollow(ctx, recs, job)
	if results == nil {
		e.settleAll(recs, done, o)
		return
	}
	e.record(ctx, recs, results, done)
	e.endBatch(lctx, job.Key)
}

// endBatch closes a job in the ledger; a failure only leaves a job the next
// run follows again, so it is logged, not fatal.
func (e *batchExecutor) endBatch(ctx context.Context, key string) {
	if err := e.single.l.EndBatch(ctx, key); err != nil {
		e.single.log.LogAttrs(ctx, slog.LevelWarn, "batch job not closed", slog.String("key", key), slog.String("error", err.Error()))
	}
}

// submitAndFollow submits the batch unless NetSuite accepted it already,
// and waits for its results. Without results, the outcome says what
// became of every record: abandoned (Fatal, the job stays open for the
// next run) or refused (Err).
func (e *batchExecutor) submitAndFollow(ctx context.Context, recs []batchRec, job *ledger.BatchJob) ([]netsuite.BatchResult, Outcome) {
	lctx := context.WithoutCancel(ctx)
	refused := func(err error) ([]netsuite.BatchResult, Outcome) {
		if abandoned(ctx, err) {
			return nil, Outcome{Fatal: context.Canceled} // the job stays open
		}
		if ferr := e.single.l.EndBatch(lctx, job.Key); ferr != nil {
			return nil, Outcome{Fatal: ferr}
		}
		return nil, Outcome{Err: recordError(err)}
	}
	if job.Location == "" {
		items := make([]netsuite.BatchItem, len(recs))
		for i, r := range recs {
			items[i] = netsuite.BatchItem{ExternalID: r.t.ExternalID, Body: r.body}
		}
		loc, err := e.w.SubmitBatch(ctx, job.Type, job.Key, items)
		if err != nil {
			return refused(err)
		}
		if err := e.single.l.BatchAccepted(lctx, job.Key, loc); err != nil {
			return nil, Outcome{Fatal: err}
		}
		job.Location = loc
	}
	results, err := e.w.FollowBatch(ctx, job.Location, job.Type, job.ExternalIDs, e.opts.Poll)
	if err != nil {
		return refused(err)
	}
	return results, Outcome{}
}

// settleAll reports o (with a copy of its error per record) for every
// record, marking refused ones failed in the ledger.
func (e *batchExecutor) settleAll(recs []batchRec, done func(Outcome), o Outcome) {
	for _, r := range recs {
		out := Outcome{Task: r.t, Fatal: o.Fatal}
		if o.Err != nil {
			re := *o.Err
			out.Err = &re
			if err := e.single.l.MarkFailed(context.Background(), r.rec, re.Detail); err != nil {
				out = Outcome{Task: r.t, Fatal: err}
			}
		}
		done(out)
	}
}

// record puts each record's result in the ledger and reports it: a
// record NetSuite refused inside the batch fails as a refused single
// request would.
func (e *batchExecutor) record(ctx context.Context, recs []batchRec, results []netsuite.BatchResult, done func(Outcome)) {
	lctx := context.WithoutCancel(ctx)
	for i, r := range recs {
		res := results[i]
		if res.Err != nil {
			out := Outcome{Task: r.t, Err: recordError(res.Err)}
			if err := e.single.l.MarkFailed(lctx, r.rec, res.Err.Error()); err != nil {
				out = Outcome{Task: r.t, Fatal: err}
			}
			done(out)
			continue
		}
		if err := e.single.l.MarkDone(lctx, r.rec, res.ID, r.hash); err != nil {
			done(Outcome{Task: r.t, Fatal: err})
			continue
		}
		done(Outcome{Task: r.t, ID: res.ID})
	}
}

package push

import (
	"context"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// run is one Push: the scheduler, the executor it hands work to, and the
// loop between them. Only the loop's goroutine touches the scheduler.
type run struct {
	p     *Pusher
	pl    *plan.Plan
	start time.Time
	s     *scheduler
	ex    Executor
	total int
	// prior holds the ledger's rows of records sent only if their body
	// changed; the executor reads it.
	prior map[string]*ledger.RecordRow
}

func newRun(p *Pusher, pl *plan.Plan) (*run, error) {
	s, err := newScheduler(pl, p.log)
	if err != nil {
		return nil, err
	}
	prior := map[string]*ledger.RecordRow{}
	single := &singleExecutor{w: p.w, l: p.l, payoutID: pl.Payout.ID, log: p.log, prior: prior}
	var ex Executor = single
	if bw, ok := p.w.(BatchWriter); ok && p.opts.Batch.Size > 1 && !pl.IsInvoicePlan() {
		ex = newBatchExecutor(single, bw, p.opts.Batch, p.opts.Concurrency+p.opts.Queue)
	}
	return &run{p: p, pl: pl, start: time.Now(), s: s, ex: ex, total: len(pl.Records), prior: prior}, nil
}

// loadLedger marks what the ledger already has as done. The invoice of an
// invoice plan is instead compared with what was last sent, once its
// references resolve.
func (r *run) loadLedger(ctx context.Context) error {
	ids, err := r.p.l.InternalIDs(ctx, r.s.externalIDs())
	if err != nil {
		return err
	}
	for ext, id := range ids {
		t := r.s.byExt[ext]
		if t.Record != nil && r.pl.IsInvoicePlan() && t.Record.Type == netsuite.TypeInvoice {
			row, ok, err := r.p.l.Record(ctx, ext)
			if err != nil {
				return err
			}
			if ok {
				r.prior[ext] = &row
			}
			continue
		}
		r.s.markDone(ext, id)
	}
	return nil
}

// schedule runs the graph: it keeps up to Concurrency+Queue tasks in
// flight and offers a task as soon as its last dependency has an internal
// ID.
func (r *run) schedule(ctx context.Context) error {
	reqCtx, stop := r.graceContext(ctx)
	defer stop()
	r.s.start()
	r.progress()

	limit := r.p.opts.Concurrency + r.p.opts.Queue
	if w, ok := r.ex.(interface {
		window(concurrency, queue int) int
	}); ok {
		limit = w.window(r.p.opts.Concurrency, r.p.opts.Queue)
	}
	results := make(chan Outcome, limit)
	inflight := 0
	cancelled := ctx.Done()
	var runErr error
	for {
		for runErr == nil && ctx.Err() == nil && inflight < limit {
			offered := r.s.offer(limit - inflight)
			if len(offered) == 0 {
				break
			}
			n := r.ex.Start(reqCtx, offered, results)
			r.s.take(offered, n)
			inflight += n
		}
		if inflight == 0 {
			break
		}
		select {
		case o := <-results:
			group := o.Group
			if o.Task != nil {
				group = []Outcome{o}
			}
			for _, o := range group {
				inflight--
				if err := r.apply(ctx, o); err != nil && runErr == nil {
					runErr = err
				}
			}
			r.progress()
		case <-cancelled:
			cancelled = nil
			if runErr == nil {
				runErr = ctx.Err()
			}
		}
	}
	if runErr != nil {
		return runErr
	}
	// Nothing in flight, nothing ready: whatever still waits is in a loop.
	r.s.failCycles()
	return nil
}

// apply settles one outcome, or abandons its task and returns the error
// that stops the run.
func (r *run) apply(ctx context.Context, o Outcome) error {
	if o.Fatal == nil {
		r.s.settle(o)
		return nil
	}
	r.s.abandon(o.Task)
	if ctx.Err() != nil {
		return ctx.Err() // an abandoned request, not a failure
	}
	return o.Fatal
}

// graceContext is the context requests run under: it ends Grace after ctx
// does, so requests already sent may finish and land in the ledger. It
// carries ctx, so that work not yet started can tell (runCancelled).
func (r *run) graceContext(ctx context.Context) (context.Context, func()) {
	reqCtx, cancelReq := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), runKey{}, ctx))
	stopGrace := context.AfterFunc(ctx, func() {
		if r.p.opts.Grace < 0 {
			cancelReq()
			return
		}
		time.AfterFunc(r.p.opts.Grace, cancelReq)
	})
	return reqCtx, func() { stopGrace(); cancelReq() }
}

func (r *run) progress() {
	if r.p.opts.Progress == nil {
		return
	}
	s := r.s
	r.p.opts.Progress(Progress{
		Done:  s.settled(),
		Total: r.total, Pushed: s.pushed, Skipped: s.skipped, Failed: s.failed + s.blocked,
		Elapsed: time.Since(r.start),
	})
}

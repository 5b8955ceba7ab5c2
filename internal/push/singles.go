package push

import (
	"context"
	"sync"
)

// singles is the batch executor's road to the single executor. The batch
// window lets the scheduler offer far more tasks than requests may be in
// flight; singles starts at most limit of them at once (Concurrency+Queue,
// what the single executor alone would hold) and keeps the rest, taken but
// not started, until one of its workers is free. A task still waiting when
// the run is cancelled is abandoned without a request: in the grace period
// only what was already handed to the Writer goes on.
type singles struct {
	e       *singleExecutor
	limit   int
	mu      sync.Mutex
	running int     // workers
	queued  []*Task // taken, not started
}

// start takes all of ts: each starts now if a worker is free, else when
// one is.
func (s *singles) start(ctx context.Context, ts []*Task, done chan<- Outcome) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		if s.running < s.limit {
			s.running++
			go s.work(ctx, t, done)
		} else {
			s.queued = append(s.queued, t)
		}
	}
	return len(ts)
}

// work does t, then the queued tasks, until none is left.
func (s *singles) work(ctx context.Context, t *Task, done chan<- Outcome) {
	for t != nil {
		if runCancelled(ctx) {
			done <- Outcome{Task: t, Fatal: context.Canceled}
		} else {
			done <- s.e.work(ctx, t)
		}
		s.mu.Lock()
		t = nil
		if len(s.queued) > 0 {
			t, s.queued = s.queued[0], s.queued[1:]
		} else {
			s.running--
		}
		s.mu.Unlock()
	}
}

// runKey holds, in the context requests run under, the run's own context,
// which ends Grace before requests are cut (run.graceContext).
type runKey struct{}

// runCancelled reports whether the run whose request context is reqCtx was
// cancelled: work not yet started must not start.
func runCancelled(reqCtx context.Context) bool {
	run, _ := reqCtx.Value(runKey{}).(context.Context)
	return run != nil && run.Err() != nil
}

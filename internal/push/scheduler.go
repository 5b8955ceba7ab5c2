package push

import (
	"container/heap"
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// The scheduler is the pure half of a push: the dependency graph of one
// plan and its ready queue. It neither reads the ledger nor talks to
// NetSuite; it offers ready tasks to an Executor and settles the outcomes
// the executor reports.

// Task states.
const (
	waiting  = iota // for dependencies
	ready           // in the ready queue
	inFlight        // taken by the executor
	done            // has an internal ID
	failed          // refused or unresolvable
	blocked         // a dependency failed
)

// Task is one unit of NetSuite work: sending a planned record, or finding
// an already existing record that the plan references (a lookup). An
// executor reads ExternalID, Record and Types; the rest is the scheduler's.
type Task struct {
	ExternalID string
	Record     *plan.Record // nil for a lookup
	Types      []string     // lookup: record types to try, most likely first

	order      int // plan index; lookups are negative so they go first
	state      int
	waiting    int // dependencies without an internal ID yet
	dependents []*Task
	skipped    bool // done in the ledger before this run
	err        *RecordError
}

// Outcome is what an executor reports for a task it took.
type Outcome struct {
	Task      *Task
	ID        string       // the internal ID, on success
	Unchanged bool         // the ledger had it with this very body: not sent
	Err       *RecordError // NetSuite refused it, or it could not be resolved
	Fatal     error        // the ledger failed or the request was abandoned: stop the run
	// Group holds the outcomes of several tasks that completed together
	// (a batch), settled together before anything more is offered; Task is
	// then nil.
	Group []Outcome
}

// scheduler is the state of one plan's graph. Only one goroutine uses it.
type scheduler struct {
	payoutID string
	log      *slog.Logger
	tasks    []*Task          // plan records, in plan order
	byExt    map[string]*Task // plan records and lookups
	ids      map[string]string
	queue    readyQueue

	pushed, skipped, failed, blocked int // plan records, by how they settled
}

// newScheduler builds pl's dependency graph. Dependencies are the
// planner's Deps plus every unresolved reference in the body, so an
// incomplete Deps list delays a record rather than sending it with a hole.
// A deposit also waits for every other record: it is the payout's commit
// point. A referenced record the plan does not hold becomes a lookup.
func newScheduler(pl *plan.Plan, log *slog.Logger) (*scheduler, error) {
	s := &scheduler{payoutID: pl.Payout.ID, log: log, byExt: map[string]*Task{}, ids: map[string]string{}}
	if err := s.addRecords(pl); err != nil {
		return nil, err
	}
	lookups := 0
	for _, t := range s.tasks {
		for _, d := range t.deps(s.tasks) {
			dt := s.byExt[d]
			if dt == nil {
				lookups++
				dt = &Task{order: -lookups, ExternalID: d}
				s.byExt[d] = dt
			}
			if dt.Record == nil {
				dt.Types = appendNew(dt.Types, referencedTypes(t.Record.Type)...)
			}
			dt.dependents = append(dt.dependents, t)
			t.waiting++
		}
	}
	for _, t := range s.byExt {
		if t.Record == nil {
			t.Types = appendNew(t.Types, allTypes()...)
		}
	}
	return s, nil
}

func (s *scheduler) addRecords(pl *plan.Plan) error {
	hasDeposit := false
	for i := range pl.Records {
		rec := &pl.Records[i]
		if rec.ExternalID == "" || rec.Type == "" || rec.Body == nil {
			return fmt.Errorf("push: payout %s: record %d has no external ID, type or body", pl.Payout.ID, i)
		}
		if _, dup := s.byExt[rec.ExternalID]; dup {
			return fmt.Errorf("push: payout %s: external ID %s planned twice", pl.Payout.ID, rec.ExternalID)
		}
		t := &Task{order: i, Record: rec, ExternalID: rec.ExternalID}
		s.tasks = append(s.tasks, t)
		s.byExt[rec.ExternalID] = t
		hasDeposit = hasDeposit || isCommit(rec.Type)
	}
	if !hasDeposit && !pl.IsInvoicePlan() {
		return fmt.Errorf("push: payout %s: plan has no deposit", pl.Payout.ID)
	}
	return nil
}

// deps lists the external IDs a planned record waits for, sorted.
func (t *Task) deps(all []*Task) []string {
	deps := map[string]bool{}
	for _, d := range t.Record.Deps {
		deps[d] = true
	}
	for _, ref := range t.Record.Body.Refs() {
		if ref.ID == "" && ref.ExternalID != "" {
			deps[ref.ExternalID] = true
		}
	}
	if isCommit(t.Record.Type) {
		for _, m := range all {
			if !isCommit(m.Record.Type) {
				deps[m.ExternalID] = true
			}
		}
	}
	delete(deps, t.ExternalID)
	out := make([]string, 0, len(deps))
	for d := range deps {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// externalIDs lists every task's external ID, records and lookups.
func (s *scheduler) externalIDs() []string {
	out := make([]string, 0, len(s.byExt))
	for ext := range s.byExt {
		out = append(out, ext)
	}
	return out
}

// markDone records that the ledger already has ext as id: it is not sent,
// and its ID feeds its dependents. Call it before start.
func (s *scheduler) markDone(ext, id string) {
	t := s.byExt[ext]
	if t == nil {
		return
	}
	t.state, t.skipped = done, true
	s.ids[ext] = id
	if t.Record != nil {
		s.skipped++
	}
}

// start counts the dependencies already done and queues what is ready.
func (s *scheduler) start() {
	for _, t := range s.byExt {
		if t.state == done {
			for _, d := range t.dependents {
				d.waiting--
			}
		}
	}
	for _, t := range s.byExt {
		if t.state == waiting && t.waiting == 0 {
			t.state = ready
			heap.Push(&s.queue, t)
		}
	}
}

// offer takes up to room ready tasks off the queue, most urgent first,
// with their references resolved. A task whose reference cannot be
// resolved fails here and is not offered.
func (s *scheduler) offer(room int) []*Task {
	var out []*Task
	for len(out) < room && s.queue.Len() > 0 {
		t := heap.Pop(&s.queue).(*Task)
		if t.state != ready {
			continue // settled while queued
		}
		if e := s.resolve(t); e != nil {
			s.fail(t, e)
			continue
		}
		out = append(out, t)
	}
	return out
}

// take marks offered tasks as taken by the executor and puts the rest back
// in the queue.
func (s *scheduler) take(offered []*Task, n int) {
	for _, t := range offered[:n] {
		t.state = inFlight
	}
	for _, t := range offered[n:] {
		heap.Push(&s.queue, t)
	}
}

// resolve fills the body's references from the IDs known so far. Bodies
// are shared with the plan and filled in place; a reference is written
// only while empty, and only here, before the body is offered.
func (s *scheduler) resolve(t *Task) *RecordError {
	if t.Record == nil {
		return nil
	}
	for _, ref := range t.Record.Body.Refs() {
		if ref.ID != "" || ref.ExternalID == "" {
			continue
		}
		id, ok := s.ids[ref.ExternalID]
		if !ok {
			return &RecordError{Code: CodeUnresolvedRef, Permanent: true,
				Detail: fmt.Sprintf("reference to %s has no internal ID", ref.ExternalID)}
		}
		ref.ID = id
	}
	return nil
}

// settle applies an outcome without a Fatal error.
func (s *scheduler) settle(o Outcome) {
	if o.Err != nil {
		s.fail(o.Task, o.Err)
		return
	}
	s.succeed(o.Task, o.ID, o.Unchanged)
}

// abandon puts a task whose outcome is unknown back to waiting: the ledger
// will say next time.
func (s *scheduler) abandon(t *Task) { t.state = waiting }

func (s *scheduler) succeed(t *Task, id string, unchanged bool) {
	t.state = done
	s.ids[t.ExternalID] = id
	switch {
	case t.Record == nil:
	case unchanged:
		s.skipped++
	default:
		s.pushed++
	}
	for _, d := range t.dependents {
		d.waiting--
		if d.waiting == 0 && d.state == waiting {
			d.state = ready
			heap.Push(&s.queue, d)
		}
	}
}

// fail marks t failed and everything that depends on it, transitively,
// blocked. A missing lookup fails its direct dependents instead: they are
// the planned records whose reference cannot be satisfied.
func (s *scheduler) fail(t *Task, e *RecordError) {
	if t.Record != nil {
		e.ExternalID, e.Type, e.Source = t.ExternalID, t.Record.Type, t.Record.Source
		t.state, t.err = failed, e
		s.failed++
		s.log.LogAttrs(context.Background(), slog.LevelWarn, "record failed", slog.String("payout", s.payoutID),
			slog.String("external_id", t.ExternalID), slog.String("code", e.Code), slog.String("detail", e.Detail))
	} else {
		t.state = failed
		for _, d := range t.dependents {
			if d.state == waiting {
				de := *e
				s.fail(d, &de)
			}
		}
	}
	stack := append([]*Task(nil), t.dependents...)
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.state == waiting || d.state == ready {
			d.state = blocked
			s.blocked++
			stack = append(stack, d.dependents...)
		}
	}
}

// failCycles fails what still waits once nothing is in flight or ready:
// it is in a loop.
func (s *scheduler) failCycles() {
	for _, t := range s.tasks {
		if t.state == waiting {
			s.fail(t, &RecordError{Code: CodeDependencyCycle, Permanent: true,
				Detail: "its dependencies form a cycle; the plan is wrong"})
		}
	}
}

// settled counts plan records settled in any way.
func (s *scheduler) settled() int { return s.pushed + s.skipped + s.failed + s.blocked }

// result fills res from the settled tasks.
func (s *scheduler) result(res *Result) {
	res.Pushed, res.Skipped, res.Failed, res.Blocked = s.pushed, s.skipped, s.failed, s.blocked
	var deposit *Task
	for _, t := range s.tasks {
		if t.state == failed {
			res.Errors = append(res.Errors, *t.err)
		}
		if t.state == done {
			res.Written = append(res.Written, fmt.Sprintf("%s %s (%s)", t.Record.Type, t.ExternalID, s.ids[t.ExternalID]))
		}
		if isCommit(t.Record.Type) {
			deposit = t
		}
	}
	res.Status = outcome.Failed
	allDone := s.pushed+s.skipped == len(s.tasks)
	if deposit == nil {
		// An invoice plan: synced once every record is.
		if allDone {
			res.Status = outcome.Synced
		}
		return
	}
	if deposit.state == done && allDone {
		res.Status = outcome.Reconciled
		res.DepositID = s.ids[deposit.ExternalID]
	}
}

// isCommit reports whether records of type t close a payout (a deposit,
// or a summary journal entry): RecordType.Commit.
func isCommit(t string) bool {
	rt, _ := netsuite.LookupRecordType(t)
	return rt.Commit
}

// referencedTypes is what a record of type t can reference among records
// nsrecon makes, most likely first (netsuite.RecordType.References).
func referencedTypes(t string) []string {
	rt, _ := netsuite.LookupRecordType(t)
	return rt.References
}

// allTypes is every type nsrecon makes, in the order a lookup tries them
// when no referencing record narrows them down (RecordType.LookupRank).
func allTypes() []string {
	types := netsuite.RecordTypes()
	slices.SortFunc(types, func(a, b netsuite.RecordType) int { return a.LookupRank - b.LookupRank })
	out := make([]string, 0, len(types))
	for _, t := range types {
		if t.LookupRank > 0 {
			out = append(out, t.Name)
		}
	}
	return out
}

func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, l := range list {
			found = found || l == a
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

// readyQueue orders ready tasks by plan position (lookups first), so that
// records many others wait on, which the planner puts early, go early.
type readyQueue []*Task

func (q readyQueue) Len() int           { return len(q) }
func (q readyQueue) Less(i, j int) bool { return q[i].order < q[j].order }
func (q readyQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *readyQueue) Push(x any)        { *q = append(*q, x.(*Task)) }
func (q *readyQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	*q = old[:len(old)-1]
	return t
}

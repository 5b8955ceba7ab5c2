// Package push sends a payout's planned NetSuite records to NetSuite in
// dependency order, with a bounded number in flight, recording each result
// in the ledger as soon as it is known, so that a run stopped at any point
// and run again finishes the payout with nothing missing and nothing twice.
package push

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
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

// RecordError is why a record did not make it to NetSuite.
type RecordError struct {
	ExternalID, Type, Source string
	Status                   int    // HTTP status, 0 when NetSuite gave none
	Code, Detail             string // NetSuite's o:errorCode and detail, or one of the Code* below
	Permanent                bool   // NetSuite refused it: sending it again as is cannot help
}

func (e RecordError) Error() string {
	s := fmt.Sprintf("%s %s (%s): ", e.Type, e.ExternalID, e.Source)
	if e.Status != 0 {
		s += fmt.Sprintf("%d ", e.Status)
	}
	return s + e.Code + ": " + e.Detail
}

// Codes of failures the pusher itself detects.
const (
	CodeMissingDependency = "MISSING_DEPENDENCY"   // a referenced record is neither in the ledger nor in NetSuite
	CodeUnresolvedRef     = "UNRESOLVED_REFERENCE" // a body reference has no internal ID when it is due
	CodeDependencyCycle   = "DEPENDENCY_CYCLE"     // the plan's dependencies loop
	CodeRequestFailed     = "REQUEST_FAILED"       // no answer from NetSuite after the client's retries
	CodeInterrupted       = "INTERRUPTED"          // the run was cancelled before the payout finished
)

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
	res := Result{PayoutID: pl.Payout.ID}
	// Ledger writes must land even after ctx is cancelled: a record NetSuite
	// confirmed should not be left "pending" because the user hit Ctrl-C.
	lctx := context.WithoutCancel(ctx)
	if pl.Held() {
		res.Status = outcome.Held
		if pl.IsInvoicePlan() {
			return res, nil
		}
		return res, p.setPayout(lctx, pl, outcome.Held, "", pl.Problems)
	}
	r, err := newRun(p, pl)
	if err != nil {
		return res, err
	}
	if err := r.loadLedger(ctx); err != nil {
		return res, err
	}
	runErr := r.schedule(ctx)
	r.finish(&res)

	if pl.IsInvoicePlan() {
		if runErr != nil && !errors.Is(runErr, ctx.Err()) {
			res.Status = outcome.Failed
		}
		p.log.LogAttrs(ctx, slog.LevelInfo, "invoice pushed", slog.String("status", string(res.Status)),
			slog.Int("pushed", res.Pushed), slog.Int("skipped", res.Skipped), slog.Int("failed", res.Failed),
			slog.Int("blocked", res.Blocked), slog.Duration("elapsed", time.Since(r.start)))
		return res, runErr
	}

	switch {
	case runErr != nil && !errors.Is(runErr, ctx.Err()):
		// The ledger itself failed; it cannot take the payout's state either.
		res.Status = outcome.Failed
		return res, runErr
	case res.Status == outcome.Reconciled:
		err = p.setPayout(lctx, pl, outcome.Reconciled, res.DepositID, nil)
	default:
		problems := make([]outcome.Problem, 0, len(res.Errors)+1)
		for _, e := range res.Errors {
			problems = append(problems, problemOf(e))
		}
		if runErr != nil {
			problems = append(problems, outcome.Problem{Code: CodeInterrupted, Object: pl.Payout.ID,
				Message: "the run was interrupted before the payout was reconciled",
				Fix:     "run again: records already done are not sent twice"})
		}
		err = p.setPayout(lctx, pl, outcome.Failed, "", problems)
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "payout pushed", slog.String("payout", res.PayoutID),
		slog.String("status", string(res.Status)), slog.Int("pushed", res.Pushed), slog.Int("skipped", res.Skipped),
		slog.Int("failed", res.Failed), slog.Int("blocked", res.Blocked), slog.Duration("elapsed", time.Since(r.start)))
	return res, errors.Join(runErr, err)
}

func problemOf(e RecordError) outcome.Problem {
	obj := e.Source
	if obj == "" {
		obj = e.ExternalID
	}
	fix := "fix the cause and run again: records already done are not sent twice"
	if !e.Permanent {
		fix = "NetSuite did not answer in time; the next run retries"
	}
	msg := fmt.Sprintf("NetSuite %s %s: %s", e.Type, e.ExternalID, e.Detail)
	if e.Status != 0 {
		msg = fmt.Sprintf("NetSuite %s %s: %d %s", e.Type, e.ExternalID, e.Status, e.Detail)
	}
	return outcome.Problem{Code: e.Code, Object: obj, Message: msg, Fix: fix}
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

// node states.
const (
	waiting  = iota // for dependencies
	ready           // in the ready heap
	inFlight        // handed to a worker
	done            // has an internal ID
	failed          // refused or unresolvable
	blocked         // a dependency failed
)

// node is one unit of NetSuite work: sending a planned record, or finding
// an already existing record that the plan references (a lookup).
type node struct {
	order      int          // plan index; lookups are negative so they go first
	rec        *plan.Record // nil for a lookup
	ext        string
	types      []string // lookup: record types to try, most likely first
	state      int
	waiting    int // dependencies without an internal ID yet
	dependents []*node
	skipped    bool // done in the ledger before this run
	err        *RecordError
	// prior is the ledger's row for a record that is sent only if its body
	// changed (the invoice of an invoice plan); nil otherwise.
	prior *ledger.RecordRow
}

// run is the state of one Push. Only the scheduling goroutine touches it;
// workers get a node and return an outcome.
type run struct {
	p     *Pusher
	pl    *plan.Plan
	start time.Time
	nodes []*node          // plan records, in plan order
	byExt map[string]*node // plan records and lookups
	ids   map[string]string
	total int

	pushed, skipped, failed, blocked int // plan records, by how they settled
}

func newRun(p *Pusher, pl *plan.Plan) (*run, error) {
	r := &run{p: p, pl: pl, start: time.Now(), byExt: map[string]*node{}, ids: map[string]string{}, total: len(pl.Records)}
	hasDeposit := false
	for i := range pl.Records {
		rec := &pl.Records[i]
		if rec.ExternalID == "" || rec.Type == "" || rec.Body == nil {
			return nil, fmt.Errorf("push: payout %s: record %d has no external ID, type or body", pl.Payout.ID, i)
		}
		if _, dup := r.byExt[rec.ExternalID]; dup {
			return nil, fmt.Errorf("push: payout %s: external ID %s planned twice", pl.Payout.ID, rec.ExternalID)
		}
		n := &node{order: i, rec: rec, ext: rec.ExternalID}
		r.nodes = append(r.nodes, n)
		r.byExt[rec.ExternalID] = n
		hasDeposit = hasDeposit || rec.Type == netsuite.TypeDeposit
	}
	if !hasDeposit && !pl.IsInvoicePlan() {
		return nil, fmt.Errorf("push: payout %s: plan has no deposit", pl.Payout.ID)
	}

	// Dependencies are the planner's Deps plus every unresolved reference
	// in the body, so an incomplete Deps list delays a record rather than
	// sending it with a hole. A deposit also waits for every other record:
	// it is the payout's commit point.
	lookups := 0
	for _, n := range r.nodes {
		deps := map[string]bool{}
		for _, d := range n.rec.Deps {
			deps[d] = true
		}
		for _, ref := range n.rec.Body.Refs() {
			if ref.ID == "" && ref.ExternalID != "" {
				deps[ref.ExternalID] = true
			}
		}
		if n.rec.Type == netsuite.TypeDeposit {
			for _, m := range r.nodes {
				if m.rec.Type != netsuite.TypeDeposit {
					deps[m.ext] = true
				}
			}
		}
		delete(deps, n.ext)
		for d := range deps {
			dn := r.byExt[d]
			if dn == nil {
				lookups++
				dn = &node{order: -lookups, ext: d}
				r.byExt[d] = dn
			}
			if dn.rec == nil {
				dn.types = appendNew(dn.types, referencedTypes(n.rec.Type)...)
			}
			dn.dependents = append(dn.dependents, n)
			n.waiting++
		}
	}
	for _, n := range r.byExt {
		if n.rec == nil {
			n.types = appendNew(n.types, allTypes()...)
		}
	}
	return r, nil
}

// loadLedger marks what the ledger already has as done.
func (r *run) loadLedger(ctx context.Context) error {
	exts := make([]string, 0, len(r.byExt))
	for ext := range r.byExt {
		exts = append(exts, ext)
	}
	ids, err := r.p.l.InternalIDs(ctx, exts)
	if err != nil {
		return err
	}
	for ext, id := range ids {
		n := r.byExt[ext]
		if n.rec != nil && r.pl.IsInvoicePlan() && n.rec.Type == netsuite.TypeInvoice {
			// Compared with what was last sent once its references resolve.
			row, ok, err := r.p.l.Record(ctx, ext)
			if err != nil {
				return err
			}
			if ok {
				n.prior = &row
			}
			continue
		}
		n.state, n.skipped = done, true
		r.ids[ext] = id
		if n.rec != nil {
			r.skipped++
		}
	}
	return nil
}

// nodeResult is what a worker reports for a node.
type nodeResult struct {
	n         *node
	id        string
	unchanged bool // the ledger had it with this very body: not sent
	err       *RecordError
	fatal     error // the ledger failed: stop the run
}

// schedule runs the DAG: it keeps up to Concurrency+Queue nodes in flight
// and dispatches a node as soon as its last dependency has an internal ID.
func (r *run) schedule(ctx context.Context) error {
	// Requests already sent get Grace to finish after ctx ends.
	reqCtx, cancelReq := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReq()
	stopGrace := context.AfterFunc(ctx, func() {
		if r.p.opts.Grace < 0 {
			cancelReq()
			return
		}
		time.AfterFunc(r.p.opts.Grace, cancelReq)
	})
	defer stopGrace()

	q := &readyQueue{}
	for _, n := range r.byExt {
		if n.state == done {
			for _, d := range n.dependents {
				d.waiting--
			}
		}
	}
	for _, n := range r.byExt {
		if n.state == waiting && n.waiting == 0 {
			n.state = ready
			heap.Push(q, n)
		}
	}
	r.progress()

	limit := r.p.opts.Concurrency + r.p.opts.Queue
	results := make(chan nodeResult, limit)
	inflight := 0
	cancelled := ctx.Done()
	var runErr error
	for {
		for runErr == nil && ctx.Err() == nil && inflight < limit && q.Len() > 0 {
			n := heap.Pop(q).(*node)
			if n.state != ready {
				continue // settled while queued
			}
			if e := r.resolve(n); e != nil {
				r.fail(n, e)
				continue
			}
			n.state = inFlight
			inflight++
			go func() { results <- r.work(reqCtx, n) }()
		}
		if inflight == 0 {
			break
		}
		select {
		case o := <-results:
			inflight--
			switch {
			case o.fatal != nil:
				o.n.state = waiting // unknown: the ledger will say next time
				if runErr == nil {
					runErr = o.fatal
					if ctx.Err() != nil {
						runErr = ctx.Err() // an abandoned request, not a failure
					}
				}
			case o.err != nil:
				r.fail(o.n, o.err)
			default:
				r.succeed(o.n, o.id, o.unchanged, q)
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
	for _, n := range r.nodes {
		if n.state == waiting {
			r.fail(n, &RecordError{Code: CodeDependencyCycle, Permanent: true,
				Detail: "its dependencies form a cycle; the plan is wrong"})
		}
	}
	return nil
}

// resolve fills the body's references from the IDs known so far. Bodies
// are shared with the plan and filled in place; a reference is written
// only while empty, and only here, before the body is handed to a worker.
func (r *run) resolve(n *node) *RecordError {
	if n.rec == nil {
		return nil
	}
	for _, ref := range n.rec.Body.Refs() {
		if ref.ID != "" || ref.ExternalID == "" {
			continue
		}
		id, ok := r.ids[ref.ExternalID]
		if !ok {
			return &RecordError{Code: CodeUnresolvedRef, Permanent: true,
				Detail: fmt.Sprintf("reference to %s has no internal ID", ref.ExternalID)}
		}
		ref.ID = id
	}
	return nil
}

func (r *run) succeed(n *node, id string, unchanged bool, q *readyQueue) {
	n.state = done
	r.ids[n.ext] = id
	switch {
	case n.rec == nil:
	case unchanged:
		r.skipped++
	default:
		r.pushed++
	}
	for _, d := range n.dependents {
		d.waiting--
		if d.waiting == 0 && d.state == waiting {
			d.state = ready
			heap.Push(q, d)
		}
	}
}

// fail marks n failed and everything that depends on it, transitively,
// blocked. A missing lookup fails its direct dependents instead: they are
// the planned records whose reference cannot be satisfied.
func (r *run) fail(n *node, e *RecordError) {
	if n.rec != nil {
		e.ExternalID, e.Type, e.Source = n.ext, n.rec.Type, n.rec.Source
		n.state, n.err = failed, e
		r.failed++
		r.p.log.LogAttrs(context.Background(), slog.LevelWarn, "record failed", slog.String("payout", r.pl.Payout.ID),
			slog.String("external_id", n.ext), slog.String("code", e.Code), slog.String("detail", e.Detail))
	} else {
		n.state = failed
		for _, d := range n.dependents {
			if d.state == waiting {
				de := *e
				r.fail(d, &de)
			}
		}
	}
	stack := append([]*node(nil), n.dependents...)
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.state == waiting || d.state == ready {
			d.state = blocked
			r.blocked++
			stack = append(stack, d.dependents...)
		}
	}
}

// work does one node's NetSuite calls and records the result. A batch
// Writer (NetSuite's async batches of up to 100 records) would take several
// ready nodes here; the scheduling around it would not change.
func (r *run) work(ctx context.Context, n *node) nodeResult {
	lctx := context.WithoutCancel(ctx)
	if n.rec == nil {
		return r.lookup(ctx, n)
	}
	rec := ledger.Record{ExternalID: n.ext, Type: n.rec.Type, Source: n.rec.Source, PayoutID: r.pl.Payout.ID, Booked: booked(n.rec.Body)}
	body, err := json.Marshal(n.rec.Body)
	if err != nil {
		return nodeResult{n: n, err: &RecordError{Code: "INVALID_BODY", Detail: err.Error(), Permanent: true}}
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if pr := n.prior; pr != nil && pr.Status == ledger.RecordDone && pr.InternalID != "" && pr.BodyHash == hash {
		return nodeResult{n: n, id: pr.InternalID, unchanged: true}
	}
	if err := r.p.l.MarkPending(lctx, rec, hash); err != nil {
		return nodeResult{n: n, fatal: err}
	}
	id, err := r.p.w.Upsert(ctx, n.rec.Type, n.ext, json.RawMessage(body))
	if err != nil {
		if ctx.Err() != nil {
			// Abandoned: it may or may not exist; "pending" says so, and the
			// next run's upsert settles it either way.
			return nodeResult{n: n, fatal: ctx.Err()}
		}
		e := recordError(err)
		if ferr := r.p.l.MarkFailed(lctx, rec, err.Error()); ferr != nil {
			return nodeResult{n: n, fatal: ferr}
		}
		return nodeResult{n: n, err: e}
	}
	if err := r.p.l.MarkDone(lctx, rec, id, hash); err != nil {
		return nodeResult{n: n, fatal: err}
	}
	r.p.log.LogAttrs(ctx, slog.LevelDebug, "record pushed", slog.String("external_id", n.ext),
		slog.String("type", n.rec.Type), slog.String("id", id))
	return nodeResult{n: n, id: id}
}

// lookup finds a record the plan references but does not hold (made by an
// earlier payout, with the ledger lost or made elsewhere). External IDs do
// not say their record type, so it tries the types that the referencing
// records can point at, most likely first: normally one GET.
func (r *run) lookup(ctx context.Context, n *node) nodeResult {
	for _, typ := range n.types {
		id, err := r.p.w.FindByExternalID(ctx, typ, n.ext)
		switch {
		case err == nil:
			// Remember it, so the next payout that needs it costs nothing.
			if err := r.p.l.MarkDone(context.WithoutCancel(ctx), ledger.Record{ExternalID: n.ext, Type: typ}, id, ""); err != nil {
				return nodeResult{n: n, fatal: err}
			}
			return nodeResult{n: n, id: id}
		case errors.Is(err, netsuite.ErrNotFound):
			continue
		case ctx.Err() != nil:
			return nodeResult{n: n, fatal: ctx.Err()}
		default:
			e := recordError(err)
			e.Detail = fmt.Sprintf("looking up referenced %s as %s: %s", n.ext, typ, e.Detail)
			return nodeResult{n: n, err: e}
		}
	}
	return nodeResult{n: n, err: &RecordError{Code: CodeMissingDependency, Permanent: true,
		Detail: fmt.Sprintf("references %s, which is neither in the ledger nor in NetSuite (looked up as %s)",
			n.ext, strings.Join(n.types, ", "))}}
}

func recordError(err error) *RecordError {
	var ne *netsuite.Error
	if errors.As(err, &ne) {
		e := &RecordError{Status: ne.Status, Code: ne.Code, Detail: ne.Detail, Permanent: netsuite.IsPermanent(err)}
		if e.Code == "" {
			e.Code = strings.ToUpper(strings.ReplaceAll(http.StatusText(ne.Status), " ", "_"))
		}
		if e.Detail == "" {
			e.Detail = ne.Title
		}
		if ne.Path != "" {
			e.Detail += " (at " + ne.Path + ")"
		}
		return e
	}
	return &RecordError{Code: CodeRequestFailed, Detail: err.Error(), Permanent: netsuite.IsPermanent(err)}
}

// finish fills res from the settled nodes.
func (r *run) finish(res *Result) {
	res.Pushed, res.Skipped, res.Failed, res.Blocked = r.pushed, r.skipped, r.failed, r.blocked
	var deposit *node
	for _, n := range r.nodes {
		if n.state == failed {
			res.Errors = append(res.Errors, *n.err)
		}
		if n.rec.Type == netsuite.TypeDeposit {
			deposit = n
		}
	}
	res.Status = outcome.Failed
	if deposit == nil {
		// An invoice plan: synced once every record is.
		if r.pushed+r.skipped == len(r.nodes) {
			res.Status = outcome.Synced
		}
		return
	}
	if deposit.state == done && r.pushed+r.skipped == len(r.nodes) {
		res.Status = outcome.Reconciled
		res.DepositID = r.ids[deposit.ext]
	}
}

func (r *run) progress() {
	if r.p.opts.Progress == nil {
		return
	}
	r.p.opts.Progress(Progress{
		Done:  r.pushed + r.skipped + r.failed + r.blocked,
		Total: r.total, Pushed: r.pushed, Skipped: r.skipped, Failed: r.failed + r.blocked,
		Elapsed: time.Since(r.start),
	})
}

// readyQueue orders ready nodes by plan position (lookups first), so that
// records many others wait on, which the planner puts early, go early.
type readyQueue []*node

func (q readyQueue) Len() int           { return len(q) }
func (q readyQueue) Less(i, j int) bool { return q[i].order < q[j].order }
func (q readyQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *readyQueue) Push(x any)        { *q = append(*q, x.(*node)) }
func (q *readyQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// referencedTypes is what a record of type t can reference among records
// nsrecon makes, most likely first (see netsuite's record bodies).
func referencedTypes(t string) []string {
	switch t {
	case netsuite.TypeInvoice:
		return []string{netsuite.TypeCustomer, netsuite.TypeServiceSaleItem, netsuite.TypeDiscountItem}
	case netsuite.TypeCreditMemo:
		return []string{netsuite.TypeInvoice, netsuite.TypeCustomer, netsuite.TypeServiceSaleItem, netsuite.TypeDiscountItem}
	case netsuite.TypeCustomerPayment:
		return []string{netsuite.TypeCustomer, netsuite.TypeInvoice}
	case netsuite.TypeCustomerRefund:
		return []string{netsuite.TypeCustomer, netsuite.TypeCreditMemo, netsuite.TypeCustomerPayment}
	case netsuite.TypeDeposit:
		return []string{netsuite.TypeCustomerPayment, netsuite.TypeCustomerRefund, netsuite.TypeCustomer}
	}
	return nil
}

func allTypes() []string {
	return []string{netsuite.TypeCustomer, netsuite.TypeInvoice, netsuite.TypeCustomerPayment, netsuite.TypeCreditMemo,
		netsuite.TypeCustomerRefund, netsuite.TypeServiceSaleItem, netsuite.TypeDiscountItem, netsuite.TypeDeposit}
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

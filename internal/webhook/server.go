// Package webhook receives Stripe webhook events for real-time invoice
// sync: an HTTP handler that verifies, routes and durably records each
// event, and a worker that drains the queue of invoice syncs with backoff
// (package invoicesync does each sync).
package webhook

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// InvoiceSyncer syncs one invoice (*invoicesync.Syncer).
type InvoiceSyncer interface {
	Sync(ctx context.Context, invoiceID string) (invoicesync.Result, error)
}

// Config configures a Server.
type Config struct {
	// Secret is the endpoint's signing secret (whsec_…).
	Secret string
	Ledger *ledger.Ledger
	Syncer InvoiceSyncer
	// AllInvoices syncs every invoice in real time, not only manual ones
	// (webhook.all_invoices).
	AllInvoices bool
	// Events is webhook.events: EventsInvoices (default) or EventsAll, in
	// which Syncer must sync every kind of object RouteRealtime queues
	// (*realtime.Syncer).
	Events string
	// Concurrency is how many invoices sync at once (default 10). Each sync
	// is a short chain of requests (customer and items, then the invoice),
	// so about twice NetSuite's concurrency keeps its slots busy; the
	// NetSuite client caps what is actually on the wire.
	Concurrency int
	// MinBackoff and MaxBackoff bound the wait before a failed sync is tried
	// again, doubling per attempt with jitter (default 2 s and 10 min). A
	// sync that may pass by itself is retried for as long as it takes.
	MinBackoff, MaxBackoff time.Duration
	// Tolerance is how far from now a signature's timestamp may be, in the
	// past or the future (default 300 s,
	// Stripe's). stripe-go checks it against the system clock: Now is not
	// used for it.
	Tolerance time.Duration
	// MaxBody bounds a delivery's size (default 1 MiB; Stripe's events are
	// far smaller).
	MaxBody int64
	// PollInterval is the longest the worker sleeps without looking at the
	// queue (default 5 s). New events wake it at once; this only bounds how
	// late another process's writes to the ledger are seen.
	PollInterval time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
}

// errNoSecret is returned by New without a signing secret.
var errNoSecret = errors.New("webhook: no signing secret (webhook.secret, whsec_…)")

// Server receives Stripe webhooks (ServeHTTP) and syncs the invoices they
// queue (Run). Events are recorded in the ledger before they are
// acknowledged, and the queue lives there too, so nothing acknowledged is
// lost when the process stops: a restart resumes the queue.
type Server struct {
	cfg  Config
	log  *slog.Logger
	wake chan struct{}
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Secret == "":
		return nil, errNoSecret
	case cfg.Ledger == nil:
		return nil, errors.New("webhook: no ledger")
	case cfg.Syncer == nil:
		return nil, errors.New("webhook: no invoice syncer")
	case cfg.Events != "" && cfg.Events != EventsInvoices && cfg.Events != EventsAll:
		return nil, fmt.Errorf("webhook: events %q: want %s or %s", cfg.Events, EventsInvoices, EventsAll)
	}
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 10)
	cfg.MinBackoff = cmp.Or(cfg.MinBackoff, 2*time.Second)
	cfg.MaxBackoff = max(cmp.Or(cfg.MaxBackoff, 10*time.Minute), cfg.MinBackoff)
	cfg.MaxBody = cmp.Or(cfg.MaxBody, 1<<20)
	cfg.PollInterval = cmp.Or(cfg.PollInterval, 5*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, log: log, wake: make(chan struct{}, 1)}, nil
}

// ServeHTTP serves POST /webhook and GET /healthz.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/webhook":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "POST Stripe events here"})
			return
		}
		s.receive(w, r)
	case "/healthz":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "GET only"})
			return
		}
		s.health(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found: POST /webhook, GET /healthz"})
	}
}

// receive verifies, routes and records one delivery. It answers 2xx only
// once the event is committed to the ledger: Stripe redelivers anything
// else, and a redelivery of a recorded event is acknowledged and ignored.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": fmt.Sprintf("body over %d bytes", s.cfg.MaxBody)})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "reading body: " + err.Error()})
		return
	}
	// Events of another API version are verified and handled like ours:
	// routing reads a few stable fields and the sync reads the invoice
	// afresh with nsrecon's own API version.
	ev, sigErr, bodyErr := verify(body, r.Header.Get("Stripe-Signature"), s.cfg.Secret, s.cfg.Tolerance, time.Now())
	switch {
	case sigErr != nil:
		s.log.Warn("webhook rejected: bad signature", "remote", r.RemoteAddr, "err", sigErr)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Stripe-Signature verification failed: " + sigErr.Error() +
			"; check webhook.secret is this endpoint's signing secret"})
		return
	case bodyErr != nil:
		s.log.Warn("webhook rejected: malformed event", "remote", r.RemoteAddr, "err", bodyErr)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "malformed event: " + bodyErr.Error()})
		return
	}
	if ev.ID == "" || ev.Type == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "not a Stripe event: no id or type"})
		return
	}
	var obj, prev map[string]any
	if ev.Data != nil {
		obj, prev = ev.Data.Object, ev.Data.PreviousAttributes
	}
	d := RouteFor(s.cfg.Events, string(ev.Type), obj, prev, s.cfg.AllInvoices)
	if id := str(obj, "id"); d.Sync() && !stripeID.MatchString(id) {
		d = Decision{Status: ledger.EventIgnored, Reason: "object id " + shortQuote(id) + " is not a Stripe ID: nothing to sync"}
	}
	e := ledger.Event{
		ID: ev.ID, Type: string(ev.Type), ObjectID: str(obj, "id"), APIVersion: ev.APIVersion,
		ReceivedAt: s.cfg.Now(), Status: d.Status, Reason: d.Reason,
	}
	if ev.Created != 0 {
		e.Created = time.Unix(ev.Created, 0)
	}
	// Finish the write even if Stripe hangs up: a committed event is what
	// a redelivery will find.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	isNew, err := s.cfg.Ledger.RecordEvent(ctx, e)
	if err != nil {
		s.log.Error("webhook not recorded; Stripe will redeliver", "event", ev.ID, "type", ev.Type, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "event not recorded; retry"})
		return
	}
	lv := slog.LevelInfo
	if d.Status == ledger.EventIgnored {
		lv = slog.LevelWarn
	}
	if !isNew {
		lv = slog.LevelDebug
	}
	s.log.Log(ctx, lv, "webhook received", "event", ev.ID, "type", ev.Type, "object", e.ObjectID,
		"action", d.Status, "reason", d.Reason, "duplicate", !isNew)
	if isNew && d.Sync() {
		s.poke()
	}
	writeJSON(w, http.StatusOK, map[string]any{"received": true, "duplicate": !isNew, "action": d.Status})
}

func (s *Server) poke() {
	select {
	case s.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Health is the /healthz document.
type Health struct {
	Status        string     `json:"status"` // ok, degraded (the last sync failed) or error
	QueueDepth    int        `json:"queue_depth"`
	LastError     string     `json:"last_error"`
	LastErrorAt   *time.Time `json:"last_error_at"`
	LastSuccessAt *time.Time `json:"last_success_at"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.Ledger.EventStats(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, Health{Status: "error", LastError: err.Error()})
		return
	}
	h := Health{Status: "ok", QueueDepth: st.Queued, LastError: st.LastError}
	if !st.LastErrorAt.IsZero() {
		h.LastErrorAt = &st.LastErrorAt
		if st.LastErrorAt.After(st.LastSuccessAt) {
			h.Status = "degraded"
		}
	}
	if !st.LastSuccessAt.IsZero() {
		h.LastSuccessAt = &st.LastSuccessAt
	}
	// 200 even when degraded: restarting the listener cannot bring NetSuite
	// back, and the queue is safe in the ledger.
	writeJSON(w, http.StatusOK, h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ErrInterrupted is returned by Run when it stopped in the middle of a
// sync. The sync's events stay queued and the ledger is consistent; the
// next start syncs them again, at no cost for what was already done.
var ErrInterrupted = errors.New("webhook: invoice syncs interrupted")

// Run drains the queue until ctx ends: it syncs each invoice that has due
// events, up to Concurrency at once, and settles all of that invoice's
// queued events with the one sync (they all ask for its current state). A
// failure that may pass is retried with exponential backoff; the events
// stay queued in the ledger meanwhile, across restarts.
//
// When ctx ends Run starts nothing new and waits for the syncs in flight,
// whose NetSuite requests get the pusher's grace period to finish. It
// returns nil if they all finished, or ErrInterrupted.
func (s *Server) Run(ctx context.Context) error {
	type finished struct {
		invoice     string
		interrupted bool
	}
	done := make(chan finished)
	inflight := map[string]bool{}
	interrupted := 0
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	cancelled := ctx.Done()
	for {
		if ctx.Err() == nil {
			for _, inv := range s.claim(ctx, inflight) {
				inflight[inv.id] = true
				go func() {
					done <- finished{inv.id, s.process(ctx, inv.id, inv.events)}
				}()
			}
		} else if len(inflight) == 0 {
			break
		}
		timer.Reset(s.nextWait(ctx))
		select {
		case f := <-done:
			delete(inflight, f.invoice)
			if f.interrupted {
				interrupted++
			}
		case <-s.wake:
		case <-timer.C:
		case <-cancelled:
			cancelled = nil
		}
	}
	if interrupted > 0 {
		return fmt.Errorf("%w: %d left queued for the next start", ErrInterrupted, interrupted)
	}
	return nil
}

type claimed struct {
	id     string
	events []ledger.Event
}

// claim picks invoices with due events that are not being synced, with all
// their queued events. Only this goroutine claims, and the listener lock
// keeps other processes from draining the same ledger, so the in-memory
// set is the claim; a crash leaves the events queued, to be claimed again.
func (s *Server) claim(ctx context.Context, inflight map[string]bool) []claimed {
	free := s.cfg.Concurrency - len(inflight)
	if free <= 0 {
		return nil
	}
	ids, err := s.cfg.Ledger.DueObjects(ctx, s.cfg.Now(), free, inflight)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("reading the webhook queue", "err", err)
		}
		return nil
	}
	out := make([]claimed, 0, len(ids))
	for _, id := range ids {
		evs, err := s.cfg.Ledger.QueuedEvents(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("reading the webhook queue", kindOf(id).name, id, "err", err)
			}
			continue
		}
		if len(evs) > 0 {
			out = append(out, claimed{id, evs})
		}
	}
	return out
}

// nextWait is how long to sleep before looking at the queue again, unless
// woken: until the next event is due, at most PollInterval. If something is
// due already it is held up by a sync in flight (or by Concurrency), whose
// end wakes the loop.
func (s *Server) nextWait(ctx context.Context) time.Duration {
	next, ok, err := s.cfg.Ledger.NextEventDue(ctx)
	if err != nil || !ok {
		return s.cfg.PollInterval
	}
	d := next.Sub(s.cfg.Now())
	if d <= 0 || d > s.cfg.PollInterval {
		return s.cfg.PollInterval
	}
	return d
}

// process syncs one object (an invoice; with webhook.events: all also a
// charge, a payout, …) and settles its events; it reports whether the
// sync was cut short by ctx. Its log lines name the object by its kind.
func (s *Server) process(ctx context.Context, id string, events []ledger.Event) (interrupted bool) {
	ids := make([]string, len(events))
	attempts := 0
	for i, e := range events {
		ids[i] = e.ID
		attempts = max(attempts, e.Attempts)
	}
	kind := kindOf(id)
	log := s.log.With(kind.name, id, "events", len(ids))
	start := time.Now()
	res, err := s.cfg.Syncer.Sync(ctx, id)
	// The outcome is recorded even when ctx has just ended.
	lctx := context.WithoutCancel(ctx)
	var lerr error
	switch {
	case err != nil && ctx.Err() != nil:
		log.Info(kind.name + " sync interrupted; its events stay queued")
		return true
	case err != nil:
		// The ledger failed under the pusher; try again later.
		next := s.backoff(attempts)
		log.Error(kind.name+" sync failed", "err", err, "retry_in", next)
		lerr = s.cfg.Ledger.RetryEvents(lctx, ids, err.Error(), s.cfg.Now().Add(next))
	case res.Status == outcome.Synced:
		attrs := []any{"pushed", res.Pushed, "skipped", res.Skipped, "elapsed", time.Since(start)}
		if res.NetSuiteID != "" { // an invoice's; a charge makes several records
			attrs = append([]any{"netsuite_id", res.NetSuiteID}, attrs...)
		}
		log.Info(kind.name+" synced", attrs...)
		lerr = s.cfg.Ledger.FinishEvents(lctx, ids, ledger.EventDone, "")
	case res.Status == outcome.Held:
		msg := problemText(res.Problems)
		log.Warn(kind.name+" held; fix it, "+kind.retry(id), "problems", msg)
		lerr = s.cfg.Ledger.FinishEvents(lctx, ids, ledger.EventHeld, msg)
	case res.Retry:
		next := s.backoff(attempts)
		msg := problemText(res.Problems)
		log.Warn(kind.name+" sync failed; retrying", "attempt", attempts+1, "retry_in", next, "err", msg)
		lerr = s.cfg.Ledger.RetryEvents(lctx, ids, msg, s.cfg.Now().Add(next))
	default:
		msg := problemText(res.Problems)
		log.Error(kind.name+" sync refused; fix the cause, "+kind.retry(id), "err", msg)
		lerr = s.cfg.Ledger.FinishEvents(lctx, ids, ledger.EventFailed, msg)
	}
	if lerr != nil {
		// The events stay queued as they were: the sync runs again, and
		// finds its records done.
		log.Error("recording the sync's outcome in the ledger", "err", lerr)
	}
	return false
}

// backoff is the wait after the attempts-th failure: exponential from
// MinBackoff, capped at MaxBackoff, with jitter so that invoices failing
// together (NetSuite down) do not all return at once.
func (s *Server) backoff(attempts int) time.Duration {
	d := s.cfg.MinBackoff << min(attempts, 30)
	if d <= 0 || d > s.cfg.MaxBackoff {
		d = s.cfg.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

func problemText(ps []outcome.Problem) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		s := p.Code + ": " + p.Message
		if p.Fix != "" {
			s += " (fix: " + p.Fix + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

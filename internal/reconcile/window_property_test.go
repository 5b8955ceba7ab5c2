package reconcile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// faults is a transport in front of the fakes: it fails the requests a
// step chooses, or cancels the run (a kill) after a number of requests.
type faults struct {
	base       http.RoundTripper
	failStripe atomic.Bool // balance transaction reads answer 500
	failNS     atomic.Bool // NetSuite writes answer 503
	throttleNS atomic.Bool // NetSuite writes answer 429
	killAfter  atomic.Int64
	sent       atomic.Int64
	kill       context.CancelFunc
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	if n := f.killAfter.Load(); n > 0 && f.sent.Add(1) >= n && f.kill != nil {
		f.kill()
	}
	switch {
	case f.failStripe.Load() && strings.HasPrefix(req.URL.Path, "/v1/balance_transactions"):
		return fakeResponse(req, 500, `{"error":{"type":"api_error","message":"injected"}}`), nil
	case f.throttleNS.Load() && req.Method != http.MethodGet && strings.Contains(req.URL.Path, "/record/"):
		return fakeResponse(req, 429, `{"title":"Too Many Requests","status":429,"o:errorDetails":[{"detail":"Concurrent request limit exceeded.","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}`), nil
	case f.failNS.Load() && req.Method != http.MethodGet && strings.Contains(req.URL.Path, "/record/"):
		return fakeResponse(req, 503, `{"title":"Service Unavailable","status":503}`), nil
	}
	return f.base.RoundTrip(req)
}

func newFaultClient(f *faults) *http.Client {
	if f.base == nil {
		f.base = http.DefaultTransport
	}
	return &http.Client{Transport: f}
}

func fakeResponse(req *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}
}

type stepKind int

const (
	stepDefault stepKind = iota
	stepWindow
	stepPayout
	stepDry
	stepStripeFault
	stepNetSuiteFault
	stepKilled
	stepKinds
)

var stepNames = [...]string{"default", "window", "payout", "dry", "stripe-fault", "netsuite-fault", "killed"}

// runStep runs one reconcile at now with the step's kind of trouble.
func (w *world) runStep(path string, now time.Time, kind stepKind, rng *rand.Rand, ids []string) error {
	opts := Options{}
	var setup func(*faults)
	switch kind {
	case stepStripeFault:
		setup = func(f *faults) { f.failStripe.Store(true) }
	case stepNetSuiteFault:
		setup = func(f *faults) { f.failNS.Store(true) }
	case stepKilled:
		n := 1 + rng.Int64N(40)
		setup = func(f *faults) { f.killAfter.Store(n) }
	case stepWindow:
		var past []time.Time // a backfill of days that have been
		for _, d := range w.days {
			if !d.After(now) {
				past = append(past, d)
			}
		}
		if len(past) == 0 {
			break
		}
		a, b := past[rng.IntN(len(past))], past[rng.IntN(len(past))]
		if b.Before(a) {
			a, b = b, a
		}
		opts.From, opts.To = a, b
	case stepPayout:
		opts.PayoutIDs = []string{ids[rng.IntN(len(ids))]}
	case stepDry:
		opts.DryRun = true
	}
	return w.runOnce(path, now, opts, setup)
}

// runOnce runs one reconcile at now through a faults transport that setup
// (if any) arms, with no client retries so faults show at once.
func (w *world) runOnce(path string, now time.Time, opts Options, setup func(*faults)) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &faults{kill: cancel}
	if setup != nil {
		setup(f)
	}
	hc := newFaultClient(f)
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		return err
	}
	defer l.Close()
	noRetries := int64(0)
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL,
		HTTPClient: hc, NetworkRetries: &noRetries})
	if err != nil {
		return err
	}
	a := w.cfg.NetSuite.Auth
	ns, err := netsuite.New(netsuite.Config{AccountID: w.cfg.NetSuite.AccountID, BaseURL: w.cfg.NetSuite.BaseURL, MaxAttempts: 1,
		Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
			TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, hc)
	if err != nil {
		return err
	}
	r := &Runner{Stripe: reader, Ledger: l, Push: push.New(ns, l, push.Options{}), Records: ns, Customers: ns,
		Now: func() time.Time { return now }}
	opts.Settings = plansettings.From(w.cfg)
	_, err = r.Run(ctx, opts)
	return err
}

// cleanReconciled is what one clean run over the scenario's whole span
// reconciles, in a world of its own.
func cleanReconciled(t *testing.T, scenario string) map[string]bool {
	t.Helper()
	w := newWorld(t, scenario)
	path := filepath.Join(t.TempDir(), "clean.db")
	end := w.days[len(w.days)-1].AddDate(0, 0, 1)
	if err := w.runOnce(path, end, Options{From: w.days[0]}, nil); err != nil {
		t.Fatal(err)
	}
	want := reconciledIDs(t, path, w.paidPayouts())
	if len(want) == 0 {
		t.Fatal("the clean run reconciled nothing")
	}
	return want
}

// paidPayouts lists the scenario's paid payout IDs.
func (w *world) paidPayouts() []string {
	var ids []string
	for id, o := range w.sc.Objects {
		if o["object"] == "payout" && o["status"] == "paid" {
			ids = append(ids, id)
		}
	}
	return ids
}

// Random sequences of default, windowed, --payout, dry, failing and killed
// runs on one ledger, the clock moving over the scenario's payout days,
// then one clean default run: every payout a clean run reconciles is
// reconciled, and nothing exists twice in NetSuite.
//
// The cron starts with a default run on the first payout day (before that
// day nothing is the cron's business; a backfill covers it); that first
// run may meet Stripe or NetSuite faults.
func TestWindowNeverSkipsAPayout(t *testing.T) {
	want := cleanReconciled(t, "sandbox")
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			w := newWorld(t, "sandbox")
			path := filepath.Join(t.TempDir(), "l.db")
			rng := rand.New(rand.NewPCG(seed, 12))
			ids := w.paidPayouts()
			now := w.days[0].Add(20 * time.Hour)
			first := []stepKind{stepDefault, stepStripeFault, stepNetSuiteFault}[rng.IntN(3)]
			trail := []string{stepNames[first]}
			checkStep(t, w.runStep(path, now, first, rng, ids))
			for range 7 {
				now = now.Add(time.Duration(rng.IntN(6)) * 24 * time.Hour)
				kind := stepKind(rng.IntN(int(stepKinds)))
				trail = append(trail, stepNames[kind])
				checkStep(t, w.runStep(path, now, kind, rng, ids))
			}
			if err := w.runStep(path, now.Add(24*time.Hour), stepDefault, rng, ids); err != nil {
				t.Fatalf("final default run after %v: %v", trail, err)
			}
			got := reconciledIDs(t, path, ids)
			for id := range want {
				if !got[id] {
					t.Errorf("after %v: %s is not reconciled", trail, id)
				}
			}
			w.checkBooks(len(want))
		})
	}
}

// checkStep accepts what a faulty step may return, and nothing else.
func checkStep(t *testing.T, err error) {
	t.Helper()
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrNetSuiteUnreachable) {
		return
	}
	var se *payout.Error
	if errors.As(err, &se) {
		return // a Stripe list or payout read the fault or the kill cut short
	}
	t.Fatalf("step: %v", err)
}

func reconciledIDs(t *testing.T, path string, ids []string) map[string]bool {
	t.Helper()
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	out := map[string]bool{}
	for _, id := range ids {
		if st, ok, err := l.Payout(context.Background(), id); err != nil {
			t.Fatal(err)
		} else if ok && st.Status == outcome.Reconciled {
			out[id] = true
		}
	}
	return out
}

// The case: a --payout run days later, then the cron's default
// run. The payouts between the first run and the --payout one were never
// listed; the default run must still cover them.
func TestDefaultRunAfterPayoutRunCoversEarlierPayouts(t *testing.T) {
	w := newWorld(t, "sandbox")
	path := filepath.Join(t.TempDir(), "l.db")
	ids := w.paidPayouts()
	first := w.days[0].Add(20 * time.Hour)
	checkStep(t, w.runOnce(path, first, Options{}, nil))
	late := w.days[len(w.days)-1].AddDate(0, 0, 10)
	var lastID string
	for _, id := range ids {
		if o := w.sc.Objects[id]; fmt.Sprint(o["arrival_date"]) == fmt.Sprint(w.days[len(w.days)-1].Unix()) {
			lastID = id
		}
	}
	if err := w.runOnce(path, late, Options{PayoutIDs: []string{lastID}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.runOnce(path, late.AddDate(0, 0, 1), Options{}, nil); err != nil {
		t.Fatal(err)
	}
	got := reconciledIDs(t, path, ids)
	for id := range cleanReconciled(t, "sandbox") {
		if !got[id] {
			t.Errorf("%s was skipped", id)
		}
	}
}

// A payout whose Stripe read fails is in the ledger as failed, with the
// reason, and the next run (Stripe healthy again) reconciles it.
func TestStripeReadFailureIsRecorded(t *testing.T) {
	w := newWorld(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	ids := w.paidPayouts()
	now := w.days[0].Add(20 * time.Hour)
	if err := w.runOnce(path, now, Options{}, func(f *faults) { f.failStripe.Store(true) }); err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok, err := l.Payout(context.Background(), ids[0])
	l.Close()
	if err != nil || !ok || st.Status != outcome.Failed || !strings.Contains(string(st.Problems), "STRIPE_ERROR") {
		t.Fatalf("ledger after a failed Stripe read: %+v %v %v", st, ok, err)
	}
	if err := w.runOnce(path, now.AddDate(0, 0, 9), Options{}, nil); err != nil {
		t.Fatal(err)
	}
	if got := reconciledIDs(t, path, ids); !got[ids[0]] {
		t.Fatalf("%s not reconciled by the next run", ids[0])
	}
}

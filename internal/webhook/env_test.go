package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

const testSecret = "whsec_test_nsrecon"

var day0 = time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)

// account is a Stripe account for the tests: invoices of a few customers,
// optionally paid out.
type account struct {
	sc       *stripefake.Scenario
	invoices []string // in creation order
	charges  []string // the charge that paid each invoice
}

type accountSpec struct {
	invoices  int
	customers int   // spread over this many customers (default 3)
	qty       int64 // quantity of every invoice's line (default 2); another value changes totals, not IDs
	reason    string
	noEmail   bool // the first customer has no email
	payout    bool // sweep the charges into a paid payout
	open      bool // invoices are finalized and unpaid
}

// newAccount builds an account with the real scenario builder. The same
// spec apart from qty yields the same IDs: the builder's randomness does
// not depend on amounts.
func newAccount(s accountSpec) *account {
	if s.customers == 0 {
		s.customers = 3
	}
	if s.qty == 0 {
		s.qty = 2
	}
	b := stripefake.NewBuilder(7, day0)
	prod := b.Product("Consulting")
	price := b.Price(prod, 12500, "Hourly", false)
	var custs []string
	for i := range s.customers {
		spec := stripefake.CustomerSpec{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)}
		if i == 0 && s.noEmail {
			spec.Email = ""
		}
		custs = append(custs, b.Customer(spec))
	}
	a := &account{}
	for i := range s.invoices {
		in, ch := b.Invoice(stripefake.InvoiceSpec{
			Customer: custs[i%len(custs)], BillingReason: s.reason, TaxBps: 825,
			Lines: []stripefake.LineSpec{{Price: price, Quantity: s.qty}, {Amount: 1999 + int64(i), Description: "Setup"}},
		})
		a.invoices = append(a.invoices, in)
		a.charges = append(a.charges, ch)
	}
	if s.payout {
		b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)})
	}
	a.sc = b.Scenario()
	if s.open {
		for _, in := range a.invoices {
			o := a.sc.Objects[in]
			o["status"], o["paid"], o["amount_paid"], o["amount_remaining"] = "open", false, json.Number("0"), o["total"]
		}
	}
	return a
}

// switchable serves whichever handler was set last (Stripe "changing").
type switchable struct{ h atomic.Pointer[http.Handler] }

func (s *switchable) set(h http.Handler)                               { s.h.Store(&h) }
func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

// outage wraps the fake NetSuite: while down, every API call gets 503.
type outage struct {
	h    http.Handler
	down atomic.Bool
	hits atomic.Int64 // requests refused
}

func (o *outage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.down.Load() {
		o.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"title":"Service Unavailable","status":503,"o:errorDetails":[{"detail":"maintenance","o:errorCode":"UNEXPECTED_ERROR"}]}`)
		return
	}
	o.h.ServeHTTP(w, r)
}

// env is a listener wired to the real stripe-go reader over the fake
// Stripe, the real NetSuite client over the fake NetSuite, and a ledger in
// a temporary directory.
type env struct {
	t        testing.TB
	acct     *account
	stripe   *switchable
	stripeAt string
	ns       *nsfake.Server
	nsDown   *outage
	nsURL    string
	settings plan.Settings
	ledger   *ledger.Ledger
	ledgerAt string
	syncer   *invoicesync.Syncer
	srv      *Server
	url      string // the webhook server
	stop     func() error
}

type envOptions struct {
	all         bool
	latency     time.Duration
	concurrency int // worker
	noWorker    bool
	ledgerAt    string
}

func newEnv(t testing.TB, a *account, o envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: a.sc, Latency: o.latency, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	e := &env{t: t, acct: a, stripe: &switchable{}, ns: sb.NetSuite}
	e.stripe.set(sb.Stripe)
	stripeSrv := httptest.NewServer(e.stripe)
	t.Cleanup(stripeSrv.Close)
	e.stripeAt = stripeSrv.URL
	e.nsDown = &outage{h: sb.NetSuite}
	nsSrv := httptest.NewServer(e.nsDown)
	t.Cleanup(nsSrv.Close)
	e.nsURL = nsSrv.URL

	cfg, err := config.Load(config.New(), strings.NewReader(sandbox.ConfigYAML(stripeSrv.URL, nsSrv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	e.settings = plansettings.From(cfg)
	e.ledgerAt = o.ledgerAt
	if e.ledgerAt == "" {
		e.ledgerAt = filepath.Join(t.TempDir(), "ledger.db")
	}
	e.ledger = openLedger(t, e.ledgerAt)

	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: stripeSrv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.syncer = &invoicesync.Syncer{Stripe: reader, Push: push.New(e.client(), e.ledger, push.Options{Concurrency: 5}),
		Settings: e.settings, Ledger: e.ledger}
	e.srv, err = New(Config{
		Secret: testSecret, Ledger: e.ledger, Syncer: e.syncer, AllInvoices: o.all,
		Concurrency: o.concurrency, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		PollInterval: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(e.srv)
	t.Cleanup(hs.Close)
	e.url = hs.URL
	e.stop = func() error { return nil }
	if !o.noWorker {
		e.stop = e.startWorker()
	}
	return e
}

// client is the real NetSuite client with short backoffs.
func (e *env) client() *netsuite.Client {
	c, err := netsuite.New(netsuite.Config{
		AccountID: sandbox.AccountID, BaseURL: e.nsURL, Concurrency: 5, MaxAttempts: 2,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Auth: netsuite.AuthConfig{ConsumerKey: sandbox.ConsumerKey, ConsumerSecret: sandbox.ConsumerSecret,
			TokenID: sandbox.TokenID, TokenSecret: sandbox.TokenSecret},
	}, &http.Client{Timeout: time.Minute})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// startWorker runs the queue worker until the returned stop is called (or
// the test ends); stop returns Run's error.
func (e *env) startWorker() (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	e.t.Cleanup(func() { _ = stop() })
	return stop
}

func openLedger(t testing.TB, path string) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// payload is a Stripe event about an object as the scenario has it
// (optionally changed), as Stripe would POST it.
func payload(id, typ string, created time.Time, obj map[string]any, prev map[string]any) []byte {
	ev := map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": "2023-10-16", "created": created.Unix(),
		"livemode": false, "pending_webhooks": 1, "request": map[string]any{"id": nil, "idempotency_key": nil},
		"data": map[string]any{"object": obj},
	}
	if prev != nil {
		ev["data"].(map[string]any)["previous_attributes"] = prev
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// invoiceEvent is an event about invoice in of the account.
func (e *env) invoiceEvent(id, typ, in string, created time.Time, prev map[string]any) []byte {
	return payload(id, typ, created, e.acct.sc.Objects[in], prev)
}

// send delivers body signed with secret and returns the status and body.
func send(t testing.TB, hc *http.Client, url string, body []byte, secret string) (int, string) {
	t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, err := http.NewRequest(http.MethodPost, url+"/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

func (e *env) send(body []byte) int {
	e.t.Helper()
	code, msg := send(e.t, http.DefaultClient, e.url, body, testSecret)
	if code != http.StatusOK {
		e.t.Fatalf("delivery answered %d: %s", code, msg)
	}
	return code
}

// event returns the ledger's row for an event, failing if absent.
func (e *env) event(id string) ledger.Event {
	e.t.Helper()
	ev, ok, err := e.ledger.GetEvent(context.Background(), id)
	if err != nil || !ok {
		e.t.Fatalf("event %s: found=%v err=%v", id, ok, err)
	}
	return ev
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (e *env) waitStatus(id, status string) ledger.Event {
	e.t.Helper()
	var ev ledger.Event
	waitFor(e.t, "event "+id+" to be "+status, func() bool {
		var ok bool
		var err error
		ev, ok, err = e.ledger.GetEvent(context.Background(), id)
		return err == nil && ok && ev.Status == status
	})
	return ev
}

func (e *env) queueEmpty() {
	e.t.Helper()
	waitFor(e.t, "an empty queue", func() bool {
		st, err := e.ledger.EventStats(context.Background())
		return err == nil && st.Queued == 0
	})
}

// nsInvoice returns the fake NetSuite's invoice for a Stripe invoice and
// its total (Σ item amounts), failing unless there is exactly one.
func (e *env) nsInvoice(in string) (nsfake.StoredRecord, string) {
	e.t.Helper()
	var found []nsfake.StoredRecord
	for _, r := range e.ns.Records(netsuite.TypeInvoice) {
		if r.ExternalID == plan.ExternalID(in) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("NetSuite has %d invoices for %s, want 1", len(found), in)
	}
	return found[0], lineTotal(e.t, found[0].Fields)
}

func lineTotal(t testing.TB, fields map[string]any) string {
	t.Helper()
	sum := new(big.Rat)
	item, _ := fields["item"].(map[string]any)
	items, _ := item["items"].([]any)
	for _, it := range items {
		line, _ := it.(map[string]any)
		r, ok := new(big.Rat).SetString(fmt.Sprint(line["amount"]))
		if !ok {
			t.Fatalf("invoice line amount %v", line["amount"])
		}
		sum.Add(sum, r)
	}
	return sum.FloatString(2)
}

// stripeTotal is the invoice total in the account, as a decimal.
func stripeTotal(a *account, in string) string {
	n, _ := new(big.Rat).SetString(fmt.Sprint(a.sc.Objects[in]["total"]))
	return n.Quo(n, big.NewRat(100, 1)).FloatString(2)
}

// stripefakeServer serves another version of the account.
func stripefakeServer(a *account) http.Handler { return stripefake.New(a.sc, sandbox.StripeKey) }

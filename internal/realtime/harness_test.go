package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	stripewebhook "github.com/stripe/stripe-go/v76/webhook"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/realtime"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/sandbox"
	"github.com/nsrecon/nsrecon/internal/webhook"
)

const testSecret = "whsec_test_realtime"

var day0 = time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)

// account is a Stripe account built with the real scenario builder, with
// the IDs the tests send events about.
type account struct {
	sc                       *stripefake.Scenario
	customers, prices        []string
	invoices, invoiceCharges []string
	charges, refunds         []string
	invoiceRefunds           []string
	disputes                 []string
	payouts                  []string
	lonelyCustomer           string // a customer who never pays
	lonelyPrice              string // a price never billed
	transit                  string // a payout on its way (lonely accounts only)
}

// newAccount is three days of business: manual and subscription invoices,
// plain charges, refunds of charges paid out the same day and earlier,
// a lost dispute and a won one, and a payout each day. Every customer and
// price it has is used by a payout, except lonelyCustomer and lonelyPrice
// when lonely is set.
func newAccount(lonely bool) *account {
	b := stripefake.NewBuilder(11, day0.AddDate(0, 0, -7))
	a := &account{}
	for i := range 4 {
		a.customers = append(a.customers, b.Customer(stripefake.CustomerSpec{
			Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)}))
	}
	prod := b.Product("Consulting")
	a.prices = append(a.prices, b.Price(prod, 12500, "Hourly", false), b.Price(b.Product("Support plan"), 4900, "Monthly", true))
	coupon := b.Coupon("Launch 10% off", 10, 0)
	if lonely {
		a.lonelyCustomer = b.Customer(stripefake.CustomerSpec{Name: "Lonely Ltd", Email: "lonely@example.com"})
		a.lonelyPrice = b.Price(b.Product("Never sold"), 999, "", false)
	}
	for d := range 3 {
		b.At(day0.AddDate(0, 0, d))
		in, ch := b.Invoice(stripefake.InvoiceSpec{Customer: a.customers[d%4], TaxBps: 825, Coupon: coupon,
			Lines: []stripefake.LineSpec{{Price: a.prices[0], Quantity: int64(d + 1)}, {Amount: 1999, Description: "Setup"}}})
		a.invoices, a.invoiceCharges = append(a.invoices, in), append(a.invoiceCharges, ch)
		in, ch = b.Invoice(stripefake.InvoiceSpec{Customer: a.customers[(d+1)%4], BillingReason: "subscription_cycle",
			Lines: []stripefake.LineSpec{{Price: a.prices[1], Quantity: 1}}})
		a.invoices, a.invoiceCharges = append(a.invoices, in), append(a.invoiceCharges, ch)
		for i := range 4 {
			a.charges = append(a.charges, b.Charge(stripefake.ChargeSpec{Customer: a.customers[i], Amount: int64(1000*(d+1) + 7*i)}))
		}
		switch d {
		case 1:
			a.refunds = append(a.refunds, b.Refund(a.charges[0], 0, "requested_by_customer"), b.Refund(a.charges[5], 300, ""))
			a.invoiceRefunds = append(a.invoiceRefunds, b.Refund(a.invoiceCharges[0], 500, "requested_by_customer"))
			a.disputes = append(a.disputes, b.Dispute(a.charges[2], "fraudulent"))
		case 2:
			a.disputes = append(a.disputes, b.Dispute(a.charges[6], "product_not_received"))
			b.DisputeWon(a.disputes[1])
		}
		b.At(day0.AddDate(0, 0, d).Add(20 * time.Hour))
		a.payouts = append(a.payouts, b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 3, 5+d, 0, 0, 0, 0, time.UTC)}))
	}
	if lonely {
		b.At(day0.AddDate(0, 0, 3))
		b.Charge(stripefake.ChargeSpec{Customer: a.customers[0], Amount: 4242})
		b.At(day0.AddDate(0, 0, 3).Add(20 * time.Hour))
		a.transit = b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC), Status: "in_transit"})
	}
	a.sc = b.Scenario()
	return a
}

// env is the listener in the full real-time mode, wired as nsrecon listen
// wires it, to the fake Stripe and the fake NetSuite over HTTP.
type env struct {
	t        testing.TB
	acct     *account
	ns       *nsfake.Server
	stripe   *stripefake.Server
	stripeAt string
	nsAt     string
	settings plan.Settings
	ledger   *ledger.Ledger
	reader   *payout.Reader
	client   *netsuite.Client
	pusher   *push.Pusher
	rt       *realtime.Syncer
	srv      *webhook.Server
	url      string
}

func newEnv(t testing.TB, a *account) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: a.sc, Seed: 1, Concurrency: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	e := &env{t: t, acct: a, ns: sb.NetSuite, stripe: sb.Stripe, stripeAt: sb.StripeURL, nsAt: sb.NetSuiteURL}
	cfg, err := config.Load(config.New(), strings.NewReader(sandbox.ConfigYAML(sb.StripeURL, sb.NetSuiteURL)))
	if err != nil {
		t.Fatal(err)
	}
	e.settings = plansettings.From(cfg)
	e.ledger, err = ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ledger.Close() })
	if e.reader, err = payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: sb.StripeURL}); err != nil {
		t.Fatal(err)
	}
	e.client = nsClient(t, sb.NetSuiteURL)
	e.pusher = push.New(e.client, e.ledger, push.Options{Concurrency: 10})
	e.rt = &realtime.Syncer{Stripe: e.reader, Push: e.pusher, Settings: e.settings, Ledger: e.ledger}
	e.rt.Invoices = &invoicesync.Syncer{Stripe: e.reader, Push: e.rt.LockingPusher(e.pusher), Settings: e.settings, Ledger: e.ledger}
	e.rt.Payouts = &realtime.PayoutSyncer{Runner: e.runner(e.rt.LockingPusher(e.pusher)), Settings: e.settings,
		Lock: func(ctx context.Context) (func() error, error) { return e.ledger.Lock(ctx, "nsrecon listen") }}
	e.srv, err = webhook.New(webhook.Config{Secret: testSecret, Ledger: e.ledger, Syncer: e.rt, Events: webhook.EventsAll,
		Concurrency: 10, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(e.srv)
	t.Cleanup(hs.Close)
	e.url = hs.URL
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Run(wctx) }()
	t.Cleanup(func() { stop(); <-done })
	return e
}

func nsClient(t testing.TB, url string) *netsuite.Client {
	c, err := netsuite.New(netsuite.Config{
		AccountID: sandbox.AccountID, BaseURL: url, Concurrency: 10, MaxAttempts: 4,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Auth: netsuite.AuthConfig{ConsumerKey: sandbox.ConsumerKey, ConsumerSecret: sandbox.ConsumerSecret,
			TokenID: sandbox.TokenID, TokenSecret: sandbox.TokenSecret},
	}, &http.Client{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) runner(p reconcile.Pusher) *reconcile.Runner {
	return &reconcile.Runner{Stripe: e.reader, Ledger: e.ledger, Push: p, Now: func() time.Time { return day0.AddDate(0, 0, 5) },
		Records: e.client, Customers: e.client}
}

// daily runs the daily reconcile over every payout of the account.
func (e *env) daily() {
	e.t.Helper()
	rep, err := e.runner(e.pusher).Run(context.Background(), reconcile.Options{PayoutIDs: e.acct.payouts, Settings: e.settings})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range rep.Payouts {
		if p.Status != outcome.Reconciled {
			e.t.Fatalf("payout %s: %s %v", p.ID, p.Status, p.Problems)
		}
	}
}

// event is a Stripe event about an object of the account.
func (e *env) event(id, typ, object string, prev map[string]any) []byte {
	obj := e.acct.sc.Objects[object]
	if obj == nil {
		obj = map[string]any{"id": object, "object": "unknown"}
	}
	ev := map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2023-10-16",
		"created": day0.Unix(), "livemode": false, "pending_webhooks": 1, "data": map[string]any{"object": obj}}
	if prev != nil {
		ev["data"].(map[string]any)["previous_attributes"] = prev
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

// send delivers a signed event and fails unless it is acknowledged.
func (e *env) send(body []byte) {
	sp := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: body, Secret: testSecret})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/webhook", bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Error(err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Errorf("delivery answered %d", resp.StatusCode)
	}
}

// settle waits until no event is queued.
func (e *env) settle() {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := e.ledger.EventStats(context.Background())
		if err == nil && st.Queued == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("queue not drained: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) status(eventID string) ledger.Event {
	e.t.Helper()
	ev, ok, err := e.ledger.GetEvent(context.Background(), eventID)
	if err != nil || !ok {
		e.t.Fatalf("event %s: found=%v err=%v", eventID, ok, err)
	}
	return ev
}

// state is the fake NetSuite's records made by nsrecon, by type and
// external ID, with references to them by internal ID rewritten to their
// external IDs, so two accounts that made the same records in another
// order compare equal.
func state(t testing.TB, ns *nsfake.Server) map[string]map[string]string {
	t.Helper()
	var all map[string][]nsfake.StoredRecord
	raw, err := ns.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var snap struct {
		Records map[string][]nsfake.StoredRecord `json:"records"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&snap); err != nil {
		t.Fatal(err)
	}
	all = snap.Records
	ext := map[string]string{}
	for _, recs := range all {
		for _, r := range recs {
			if r.ExternalID != "" {
				ext[r.ID] = r.ExternalID
			}
		}
	}
	out := map[string]map[string]string{}
	for typ, recs := range all {
		for _, r := range recs {
			if r.ExternalID == "" {
				continue // preloaded accounts and items
			}
			if out[typ] == nil {
				out[typ] = map[string]string{}
			}
			b, err := json.Marshal(rewrite(r.Fields, ext))
			if err != nil {
				t.Fatal(err)
			}
			if _, dup := out[typ][r.ExternalID]; dup {
				t.Errorf("%s %s twice", typ, r.ExternalID)
			}
			out[typ][r.ExternalID] = string(b)
		}
	}
	return out
}

func rewrite(v any, ext map[string]string) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			if k == "id" {
				if eid, ok := ext[fmt.Sprint(e)]; ok {
					m["id"] = "eid:" + eid
					continue
				}
			}
			m[k] = rewrite(e, ext)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = rewrite(e, ext)
		}
		return l
	}
	return v
}

// diff lists how two states differ, record by record.
func diff(got, want map[string]map[string]string) []string {
	var out []string
	types := map[string]bool{}
	for t := range got {
		types[t] = true
	}
	for t := range want {
		types[t] = true
	}
	for t := range types {
		for id, w := range want[t] {
			if g, ok := got[t][id]; !ok {
				out = append(out, fmt.Sprintf("%s %s: missing", t, id))
			} else if g != w {
				out = append(out, fmt.Sprintf("%s %s:\n got  %s\n want %s", t, id, g, w))
			}
		}
		for id := range got[t] {
			if _, ok := want[t][id]; !ok {
				out = append(out, fmt.Sprintf("%s %s: extra", t, id))
			}
		}
	}
	sort.Strings(out)
	return out
}

// sendAll sends bodies in bursts of burst, each burst concurrently.
func (e *env) sendAll(bodies [][]byte, burst int) {
	for i := 0; i < len(bodies); i += burst {
		var wg sync.WaitGroup
		for _, b := range bodies[i:min(i+burst, len(bodies))] {
			wg.Add(1)
			go func() { defer wg.Done(); e.send(b) }()
		}
		wg.Wait()
	}
}

package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

func TestBadSignatureRecordsNothing(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true})
	e := newEnv(t, a, envOptions{})
	body := e.invoiceEvent("evt_bad", "invoice.finalized", a.invoices[0], day0, nil)

	sign := func(secret string, ts time.Time) string {
		return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: ts}).Header
	}
	for _, tc := range []struct{ name, header string }{
		{"missing", ""},
		{"wrong secret", sign("whsec_someone_else", time.Now())},
		{"too old", sign(testSecret, time.Now().Add(-10*time.Minute))},
		{"garbage", "t=abc,v1=zz"},
	} {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/webhook", bytes.NewReader(body))
		if tc.header != "" {
			req.Header.Set("Stripe-Signature", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s signature: status %d, want 400", tc.name, resp.StatusCode)
		}
	}
	// A body altered after signing.
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: testSecret})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/webhook", bytes.NewReader(bytes.Replace(body, []byte("evt_bad"), []byte("evt_bad2"), 1)))
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("tampered body: status %d, want 400", resp.StatusCode)
	}
	for _, id := range []string{"evt_bad", "evt_bad2"} {
		if _, ok, _ := e.ledger.GetEvent(context.Background(), id); ok {
			t.Errorf("%s was recorded despite a bad signature", id)
		}
	}
	if n := len(e.ns.Records(netsuite.TypeInvoice)); n != 0 {
		t.Errorf("NetSuite has %d invoices after rejected deliveries", n)
	}
}

func TestOversizedBodyRejected(t *testing.T) {
	e := newEnv(t, newAccount(accountSpec{invoices: 1}), envOptions{noWorker: true})
	big := payload("evt_big", "ping", day0, map[string]any{"id": "x", "object": "thing", "pad": strings.Repeat("x", 2<<20)}, nil)
	code, _ := send(t, http.DefaultClient, e.url, big, testSecret)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB delivery: status %d, want 413", code)
	}
}

func TestDuplicateDeliverySyncsOnce(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true})
	e := newEnv(t, a, envOptions{})
	in := a.invoices[0]
	body := e.invoiceEvent("evt_dup", "invoice.finalized", in, day0, nil)
	// Stripe retries a delivery it saw time out: the same event, at once.
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); e.send(body) }()
	}
	wg.Wait()
	e.waitStatus("evt_dup", ledger.EventDone)
	e.send(body) // and again, after it is done
	e.queueEmpty()

	_, total := e.nsInvoice(in)
	if want := stripeTotal(a, in); total != want {
		t.Errorf("NetSuite invoice total %s, Stripe's %s", total, want)
	}
	if n := e.ns.Counts()["PUT invoice"]; n != 1 {
		t.Errorf("invoice sent %d times, want 1", n)
	}
	if ev := e.event("evt_dup"); ev.Attempts != 1 {
		t.Errorf("event attempts %d, want 1", ev.Attempts)
	}
}

func TestOutOfOrderDeliveries(t *testing.T) {
	v1 := newAccount(accountSpec{invoices: 1, open: true})
	v2 := newAccount(accountSpec{invoices: 1, open: true, qty: 5}) // the same invoice after its lines changed
	e := newEnv(t, v1, envOptions{})
	in := v1.invoices[0]
	if v2.invoices[0] != in {
		t.Fatalf("accounts differ in IDs: %s vs %s", in, v2.invoices[0])
	}

	// payment_failed (later) arrives before finalized (earlier).
	e.send(e.invoiceEvent("evt_2_failed", "invoice.payment_failed", in, day0.Add(time.Minute), nil))
	e.waitStatus("evt_2_failed", ledger.EventDone)
	e.send(e.invoiceEvent("evt_1_finalized", "invoice.finalized", in, day0, nil))
	e.waitStatus("evt_1_finalized", ledger.EventDone)
	if _, total := e.nsInvoice(in); total != stripeTotal(v1, in) {
		t.Fatalf("after finalize: NetSuite total %s, Stripe %s", total, stripeTotal(v1, in))
	}

	// The invoice changes in Stripe; the newer update arrives first, then
	// an older one whose payload shows the old lines.
	srv2 := stripefakeServer(v2)
	e.stripe.set(srv2)
	prev := map[string]any{"lines": map[string]any{"data": []any{}}, "total": 1}
	e.send(payload("evt_4_updated_new", "invoice.updated", day0.Add(3*time.Minute), v2.sc.Objects[in], prev))
	e.waitStatus("evt_4_updated_new", ledger.EventDone)
	e.send(payload("evt_3_updated_old", "invoice.updated", day0.Add(2*time.Minute), v1.sc.Objects[in], prev))
	e.waitStatus("evt_3_updated_old", ledger.EventDone)

	_, total := e.nsInvoice(in)
	if want := stripeTotal(v2, in); total != want || want == stripeTotal(v1, in) {
		t.Errorf("final NetSuite total %s, want Stripe's current %s (was %s)", total, want, stripeTotal(v1, in))
	}
	// finalized+failed: one PUT (the second found it unchanged); the new
	// lines: one more; the stale update: none.
	if n := e.ns.Counts()["PUT invoice"]; n != 2 {
		t.Errorf("invoice sent %d times, want 2", n)
	}
	if n := e.ns.Counts()["PUT customer"]; n != 1 {
		t.Errorf("customer sent %d times, want 1", n)
	}
}

func TestInvoiceUpdatedRouting(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true})
	e := newEnv(t, a, envOptions{})
	in := a.invoices[0]
	e.send(e.invoiceEvent("evt_meta", "invoice.updated", in, day0, map[string]any{"metadata": map[string]any{}}))
	if ev := e.event("evt_meta"); ev.Status != ledger.EventNoAction || !strings.Contains(ev.Reason, "metadata") {
		t.Errorf("metadata-only update: %s (%s), want no_action", ev.Status, ev.Reason)
	}
	paid := map[string]any{}
	for k, v := range a.sc.Objects[in] {
		paid[k] = v
	}
	paid["status"] = "paid"
	e.send(payload("evt_paid_upd", "invoice.updated", day0, paid, map[string]any{"total": 1}))
	if ev := e.event("evt_paid_upd"); ev.Status != ledger.EventNoAction {
		t.Errorf("update of a paid invoice: %s, want no_action", ev.Status)
	}
	e.send(e.invoiceEvent("evt_due", "invoice.updated", in, day0, map[string]any{"due_date": 1}))
	e.waitStatus("evt_due", ledger.EventDone)
}

func TestNetSuiteOutageThenRecovery(t *testing.T) {
	a := newAccount(accountSpec{invoices: 2, open: true})
	e := newEnv(t, a, envOptions{})
	e.nsDown.down.Store(true)
	for i, in := range a.invoices {
		e.send(e.invoiceEvent(fmt.Sprintf("evt_out_%d", i), "invoice.finalized", in, day0, nil))
	}
	waitFor(t, "retries during the outage", func() bool {
		return e.event("evt_out_0").Attempts >= 2 && e.event("evt_out_1").Attempts >= 2
	})
	h := getHealth(t, e.url)
	if h.QueueDepth != 2 || h.Status != "degraded" || !strings.Contains(h.LastError, "503") {
		t.Errorf("healthz during outage: %+v", h)
	}
	if ev := e.event("evt_out_0"); ev.Status != ledger.EventQueued || ev.NextAt.IsZero() {
		t.Errorf("event during outage: %+v, want queued with a next attempt", ev)
	}
	e.nsDown.down.Store(false)
	e.queueEmpty()
	for i, in := range a.invoices {
		e.waitStatus(fmt.Sprintf("evt_out_%d", i), ledger.EventDone)
		e.nsInvoice(in)
	}
	if n := e.ns.Counts()["PUT invoice"]; n != 2 {
		t.Errorf("NetSuite got %d invoice writes, want 2 (one each)", n)
	}
	if h := getHealth(t, e.url); h.Status != "ok" || h.QueueDepth != 0 || h.LastSuccessAt == nil {
		t.Errorf("healthz after recovery: %+v", h)
	}
}

func TestRestartResumesQueue(t *testing.T) {
	a := newAccount(accountSpec{invoices: 3, open: true})
	e := newEnv(t, a, envOptions{})
	e.nsDown.down.Store(true)
	for i, in := range a.invoices {
		e.send(e.invoiceEvent(fmt.Sprintf("evt_rs_%d", i), "invoice.finalized", in, day0, nil))
	}
	waitFor(t, "a failed attempt", func() bool { return e.event("evt_rs_2").Attempts >= 1 })
	if err := e.stop(); err != nil && !errors.Is(err, ErrInterrupted) {
		t.Fatalf("stopping the worker: %v", err)
	}
	e.ledger.Close()

	// A new process: the same ledger file, NetSuite back.
	e.nsDown.down.Store(false)
	led := openLedger(t, e.ledgerAt)
	st, err := led.EventStats(context.Background())
	if err != nil || st.Queued != 3 {
		t.Fatalf("queue after restart: %+v, %v; want 3 queued", st, err)
	}
	syncer := *e.syncer
	syncer.Ledger = led
	syncer.Push = push.New(e.client(), led, push.Options{})
	srv, err := New(Config{Secret: testSecret, Ledger: led, Syncer: &syncer, MinBackoff: 10 * time.Millisecond,
		PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.ledger = srv, led
	e.startWorker()
	e.queueEmpty()
	for i, in := range a.invoices {
		e.waitStatus(fmt.Sprintf("evt_rs_%d", i), ledger.EventDone)
		e.nsInvoice(in)
	}
}

func TestShutdownFinishesInFlight(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true})
	e := newEnv(t, a, envOptions{latency: 100 * time.Millisecond})
	e.send(e.invoiceEvent("evt_sd", "invoice.finalized", a.invoices[0], day0, nil))
	waitFor(t, "the sync to start", func() bool { return e.ns.Counts()["PUT customer"] > 0 })
	// The pusher's grace lets requests in flight land; the rest of the
	// chain is abandoned and stays queued, or the sync completes.
	err := e.stop()
	ev := e.event("evt_sd")
	switch {
	case err == nil && ev.Status == ledger.EventDone:
	case errors.Is(err, ErrInterrupted) && ev.Status == ledger.EventQueued:
	default:
		t.Fatalf("after shutdown: Run = %v, event %s", err, ev.Status)
	}
}

func TestNonManualInvoices(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true, reason: "subscription_cycle"})
	e := newEnv(t, a, envOptions{})
	e.send(e.invoiceEvent("evt_sub", "invoice.finalized", a.invoices[0], day0, nil))
	if ev := e.event("evt_sub"); ev.Status != ledger.EventDaily {
		t.Errorf("subscription invoice: %s (%s), want daily", ev.Status, ev.Reason)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(e.ns.Records(netsuite.TypeInvoice)); n != 0 {
		t.Errorf("NetSuite has %d invoices, want none", n)
	}

	all := newEnv(t, a, envOptions{all: true})
	all.send(all.invoiceEvent("evt_sub", "invoice.finalized", a.invoices[0], day0, nil))
	all.waitStatus("evt_sub", ledger.EventDone)
	all.nsInvoice(a.invoices[0])
}

func TestOtherEventsAcknowledged(t *testing.T) {
	e := newEnv(t, newAccount(accountSpec{invoices: 1}), envOptions{})
	for _, tc := range []struct{ typ, status string }{
		{"issuing_card.created", ledger.EventIgnored},
		{"charge.succeeded", ledger.EventDaily},
		{"payout.paid", ledger.EventDaily},
		{"charge.dispute.created", ledger.EventDaily},
		{"invoice.created", ledger.EventNoAction},
		{"customer.updated", ledger.EventNoAction},
		{"ping", ledger.EventNoAction},
	} {
		id := "evt_" + strings.ReplaceAll(tc.typ, ".", "_")
		e.send(payload(id, tc.typ, day0, map[string]any{"id": "obj_1", "object": "thing"}, nil))
		if ev := e.event(id); ev.Status != tc.status || ev.Reason == "" {
			t.Errorf("%s: recorded %s (%q), want %s with a reason", tc.typ, ev.Status, ev.Reason, tc.status)
		}
	}
	// An event rendered with another API version is handled, not refused.
	body := bytes.Replace(payload("evt_newer", "charge.succeeded", day0, map[string]any{"id": "ch_1", "object": "charge"}, nil),
		[]byte(`"2023-10-16"`), []byte(`"2025-01-27.acacia"`), 1)
	e.send(body)
	if ev := e.event("evt_newer"); ev.APIVersion != "2025-01-27.acacia" || ev.Status != ledger.EventDaily {
		t.Errorf("event of another API version: %+v", ev)
	}
}

func TestHeldInvoice(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true, noEmail: true})
	e := newEnv(t, a, envOptions{})
	e.send(e.invoiceEvent("evt_held", "invoice.finalized", a.invoices[0], day0, nil))
	ev := e.waitStatus("evt_held", ledger.EventHeld)
	if !strings.Contains(ev.LastError, "email") {
		t.Errorf("held event's error %q does not name the missing email", ev.LastError)
	}
	if n := len(e.ns.Records(netsuite.TypeInvoice)); n != 0 {
		t.Errorf("NetSuite has %d invoices for a held one", n)
	}
	if h := getHealth(t, e.url); !strings.Contains(h.LastError, "email") {
		t.Errorf("healthz last_error %q", h.LastError)
	}
}

// TestLoad delivers 1,000 events (200 invoices × 5: finalized, an update
// of the lines, payment_failed, payment_succeeded and a redelivery) in
// bursts from concurrent senders, and checks none is lost and each invoice
// exists exactly once in NetSuite.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const invoices, senders, burst = 200, 16, 100
	a := newAccount(accountSpec{invoices: invoices, customers: 40, open: true})
	e := newEnv(t, a, envOptions{})
	var bodies [][]byte
	for i, in := range a.invoices {
		fin := e.invoiceEvent(fmt.Sprintf("evt_%d_fin", i), "invoice.finalized", in, day0, nil)
		bodies = append(bodies, fin,
			e.invoiceEvent(fmt.Sprintf("evt_%d_upd", i), "invoice.updated", in, day0.Add(time.Second), map[string]any{"lines": map[string]any{}}),
			e.invoiceEvent(fmt.Sprintf("evt_%d_pf", i), "invoice.payment_failed", in, day0.Add(2*time.Second), nil),
			e.invoiceEvent(fmt.Sprintf("evt_%d_ps", i), "invoice.payment_succeeded", in, day0.Add(3*time.Second), nil),
			fin)
	}
	// Interleave invoices so bursts mix them, as Stripe's retries would.
	order := make([][]byte, 0, len(bodies))
	for k := range 5 {
		for i := range invoices {
			order = append(order, bodies[i*5+(k+i)%5])
		}
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}, Timeout: 30 * time.Second}
	start := time.Now()
	for lo := 0; lo < len(order); lo += burst {
		work := make(chan []byte)
		var wg sync.WaitGroup
		errs := make(chan string, burst)
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range work {
					if code, msg := send(t, hc, e.url, b, testSecret); code != http.StatusOK {
						errs <- fmt.Sprintf("%d %s", code, msg)
					}
				}
			}()
		}
		for _, b := range order[lo:min(lo+burst, len(order))] {
			work <- b
		}
		close(work)
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Errorf("delivery refused: %s", msg)
		}
		time.Sleep(20 * time.Millisecond) // between bursts
	}
	acked := time.Since(start)
	e.queueEmpty()
	t.Logf("1000 deliveries acknowledged in %v, queue drained in %v", acked, time.Since(start))

	for i := range invoices {
		for _, kind := range []string{"fin", "upd", "pf", "ps"} {
			if ev := e.event(fmt.Sprintf("evt_%d_%s", i, kind)); ev.Status != ledger.EventDone {
				t.Errorf("evt_%d_%s: %s %s", i, kind, ev.Status, ev.LastError)
			}
		}
	}
	byExt := map[string]int{}
	for _, r := range e.ns.Records(netsuite.TypeInvoice) {
		byExt[r.ExternalID]++
	}
	for _, in := range a.invoices {
		if byExt[plan.ExternalID(in)] != 1 {
			t.Errorf("%s exists %d times in NetSuite", in, byExt[plan.ExternalID(in)])
		}
	}
	if len(byExt) != invoices {
		t.Errorf("NetSuite has %d distinct invoices, want %d", len(byExt), invoices)
	}
}

// TestIdempotentWithDailyRun syncs a manual invoice in real time, then
// runs the daily reconcile of the payout that holds its payment: the
// payment applies to the invoice already in NetSuite and nothing is
// duplicated.
func TestIdempotentWithDailyRun(t *testing.T) {
	a := newAccount(accountSpec{invoices: 2, payout: true})
	e := newEnv(t, a, envOptions{})
	in := a.invoices[0]
	e.send(e.invoiceEvent("evt_paid", "invoice.payment_succeeded", in, day0, nil))
	e.waitStatus("evt_paid", ledger.EventDone)
	synced, _ := e.nsInvoice(in)

	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: e.stripeAt})
	if err != nil {
		t.Fatal(err)
	}
	from, to := a.sc.ArrivalWindow()
	runner := &reconcile.Runner{Stripe: reader, Ledger: e.ledger, Push: push.New(e.client(), e.ledger, push.Options{}),
		Now: func() time.Time { return to.Add(24 * time.Hour) }}
	rep, err := runner.Run(context.Background(), reconcile.Options{From: from, To: to, Settings: e.settings})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Payouts) != 1 || rep.Payouts[0].Status != outcome.Reconciled {
		js, _ := json.MarshalIndent(rep.Payouts, "", "  ")
		t.Fatalf("daily run: %s", js)
	}
	again, _ := e.nsInvoice(in)
	if again.ID != synced.ID {
		t.Errorf("invoice internal ID changed from %s to %s", synced.ID, again.ID)
	}
	e.nsInvoice(a.invoices[1]) // made by the daily run, once
	if n := e.ns.Counts()["PUT invoice"]; n != 2 {
		t.Errorf("%d invoice writes, want 2 (one per invoice)", n)
	}
	var applied bool
	for _, p := range e.ns.Records(netsuite.TypeCustomerPayment) {
		if p.ExternalID == plan.ExternalID(a.charges[0]) {
			js, _ := json.Marshal(p.Fields["apply"])
			applied = strings.Contains(string(js), `"`+synced.ID+`"`)
		}
	}
	if !applied {
		t.Errorf("the payment of %s is not applied to NetSuite invoice %s", in, synced.ID)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, newAccount(accountSpec{invoices: 1}), envOptions{noWorker: true})
	h := getHealth(t, e.url)
	if h.Status != "ok" || h.QueueDepth != 0 || h.LastError != "" || h.LastSuccessAt != nil {
		t.Errorf("fresh healthz: %+v", h)
	}
	resp, err := http.Post(e.url+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", resp.StatusCode)
	}
}

func getHealth(t testing.TB, url string) Health {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

package realtime_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/realtime"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// flaky serves Stripe, or 500 for every write while down.
type flaky struct {
	h    http.Handler
	down atomic.Bool
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() && r.Method == http.MethodPost {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":{"type":"api_error","message":"try again"}}`))
		return
	}
	f.h.ServeHTTP(w, r)
}

// TestWriteBack: after the daily run, every customer, invoice, payment,
// credit memo and refund made for a Stripe object has its NetSuite
// internal ID in that object's metadata, under the connector's keys; a
// second pass writes nothing; while Stripe refuses writes nothing changes
// in NetSuite or the ledger's records, and the writes happen once Stripe
// is back.
func TestWriteBack(t *testing.T) {
	a := newAccount(false)
	e := newEnv(t, a)
	e.daily()
	ctx := context.Background()

	fl := &flaky{h: e.stripe}
	hs := httptest.NewServer(fl)
	t.Cleanup(hs.Close)
	retries := int64(0)
	rd, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: hs.URL, NetworkRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	now := day0
	wb := &realtime.WriteBack{Ledger: e.ledger, Stripe: rd.Writer(), Now: func() time.Time { return now },
		MinBackoff: time.Minute, MaxBackoff: time.Hour}

	fl.down.Store(true)
	nsBefore := e.ns.Counts()
	known, _ := e.ledger.Known(ctx)
	n, err := wb.Once(ctx)
	if err != nil || n != 0 {
		t.Fatalf("while Stripe refuses: wrote %d, err %v", n, err)
	}
	if n, _ := wb.Once(ctx); n != 0 {
		t.Errorf("retried before the backoff: %d", n)
	}
	known2, _ := e.ledger.Known(ctx)
	if len(known2) != len(known) || len(e.ns.Counts()) != len(nsBefore) || e.ns.Counts()["PUT customer"] != nsBefore["PUT customer"] {
		t.Errorf("a failed write-back changed the books")
	}

	fl.down.Store(false)
	now = now.Add(2 * time.Hour)
	n, err = wb.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{}
	for _, c := range a.customers {
		checks[c] = "netsuite_customer_id:" + plan.ExternalID(c)
	}
	for _, in := range a.invoices {
		checks[in] = "netsuite_invoice_id:" + plan.ExternalID(in)
	}
	for _, ch := range append(append([]string(nil), a.charges...), a.invoiceCharges...) {
		checks[ch] = "netsuite_payment_id:" + plan.ExternalID(ch)
	}
	for _, re := range a.refunds {
		checks[re] = "netsuite_refund_id:" + plan.ExternalID(re)
	}
	checks[a.invoiceRefunds[0]+"#cm"] = "netsuite_credit_memo_id:" + plan.ExternalID("cm_"+a.invoiceRefunds[0])
	for obj, kv := range checks {
		id, _, _ := cutLast(obj, "#")
		key, ext, _ := cutLast(kv, ":")
		want := known2[ext]
		o, ok := e.stripe.Written(id)
		md, _ := o["metadata"].(map[string]any)
		if !ok || md[key] != want || want == "" {
			t.Errorf("%s: metadata %v, want %s=%s", id, md, key, want)
		}
	}
	if n < len(checks) {
		t.Errorf("wrote %d, want at least %d", n, len(checks))
	}
	posts := e.stripe.Counts()
	if n, _ := wb.Once(ctx); n != 0 {
		t.Errorf("second pass wrote %d", n)
	}
	for k, v := range e.stripe.Counts() {
		if v != posts[k] {
			t.Errorf("second pass sent %s", k)
		}
	}
}

func cutLast(s, sep string) (string, string, bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

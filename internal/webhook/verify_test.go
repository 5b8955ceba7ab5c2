package webhook

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/nsrecon/nsrecon/internal/ledger"
)

func post(t *testing.T, url string, body []byte, header string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/webhook", bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.String()
}

func signAt(body []byte, secret string, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: ts}).Header
}

// A signature stamped beyond the tolerance in the future is refused like
// one too old; within it (clock skew) it is accepted.
func TestFutureSignatureRefused(t *testing.T) {
	a := newAccount(accountSpec{invoices: 1, open: true})
	e := newEnv(t, a, envOptions{noWorker: true})
	body := e.invoiceEvent("evt_future", "invoice.finalized", a.invoices[0], day0, nil)
	code, msg := post(t, e.url, body, signAt(body, testSecret, time.Now().Add(time.Hour)))
	if code != http.StatusBadRequest || !strings.Contains(msg, "future") {
		t.Fatalf("an hour ahead: %d %s", code, msg)
	}
	if _, ok, _ := e.ledger.GetEvent(context.Background(), "evt_future"); ok {
		t.Fatal("a future-stamped delivery was recorded")
	}
	if code, msg := post(t, e.url, body, signAt(body, testSecret, time.Now().Add(time.Minute))); code != http.StatusOK {
		t.Fatalf("a minute ahead: %d %s", code, msg)
	}
}

// Malformed JSON under a valid signature is reported as malformed, not as
// a bad signature.
func TestMalformedSignedBody(t *testing.T) {
	e := newEnv(t, newAccount(accountSpec{invoices: 1}), envOptions{noWorker: true})
	body := []byte(`{"id":"evt_x","type":"invoice.finalized","data":`)
	code, msg := post(t, e.url, body, signAt(body, testSecret, time.Now()))
	if code != http.StatusBadRequest || !strings.Contains(msg, "malformed event") || strings.Contains(msg, "Signature") {
		t.Fatalf("%d %s", code, msg)
	}
}

// An event whose object ID is not a Stripe ID is recorded as ignored, not
// queued: it would go into a Stripe URL and be retried for ever.
func TestEventObjectIDNotAStripeID(t *testing.T) {
	e := newEnv(t, newAccount(accountSpec{invoices: 1}), envOptions{noWorker: true})
	body := payload("evt_odd", "invoice.finalized", day0, map[string]any{
		"id": "in_1/../../v1/payouts?x=", "object": "invoice", "status": "open", "billing_reason": "manual"}, nil)
	code, msg := post(t, e.url, body, signAt(body, testSecret, time.Now()))
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, msg)
	}
	ev, ok, err := e.ledger.GetEvent(context.Background(), "evt_odd")
	if err != nil || !ok || ev.Status != ledger.EventIgnored || !strings.Contains(ev.Reason, "not a Stripe ID") {
		t.Fatalf("event %+v %v %v", ev, ok, err)
	}
}

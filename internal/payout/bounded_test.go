package payout

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// brokenStripe answers every request with handler; it counts requests so
// a test can tell a bounded failure from a loop cut short.
func brokenStripe(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int64)) (*Reader, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, n.Add(1))
	}))
	t.Cleanup(hs.Close)
	retries := int64(0)
	r, err := NewReader(ReaderConfig{APIKey: testKey, APIBase: hs.URL, HTTPClient: hs.Client(), NetworkRetries: &retries,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return r, &n
}

func payoutJSON(id string) string {
	return fmt.Sprintf(`{"id":%q,"object":"payout","amount":100,"currency":"usd","arrival_date":1709596800,"status":"paid","automatic":true}`, id)
}

// A list whose has_more never ends is an error naming the request, not a
// loop: a repeated cursor, and an empty page that claims more.
func TestNeverEndingList(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		page       func(n int64) string
	}{
		{"repeated cursor", "repeats a cursor", func(int64) string {
			return `{"object":"list","url":"/v1/payouts","has_more":true,"data":[` + payoutJSON("po_same") + `]}`
		}},
		{"cursor cycle", "repeats a cursor", func(n int64) string {
			return `{"object":"list","url":"/v1/payouts","has_more":true,"data":[` + payoutJSON(fmt.Sprint("po_", n%3)) + `]}`
		}},
		{"empty page", "makes no progress", func(int64) string {
			return `{"object":"list","url":"/v1/payouts","has_more":true,"data":[]}`
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, n := brokenStripe(t, func(w http.ResponseWriter, _ *http.Request, n int64) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.page(n))
			})
			_, err := r.ListPayouts(context.Background(), PayoutFilter{Status: "paid"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "listing payouts") {
				t.Fatalf("err = %v, want %q naming the request", err, tc.want)
			}
			if n.Load() > 5 {
				t.Errorf("%d requests before giving up", n.Load())
			}
		})
	}
}

// A response that is not JSON (a proxy's HTML page, say), or an error
// without Stripe's error object, is reported without its body.
func TestDecodeErrorsHideTheBody(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"html", 200, "<html>secret-customer@example.com</html>"},
		{"truncated", 200, `{"id":"po_1","object":"payout","description":"secret-customer@example.com`},
		{"error without error object", 500, `{"oops":"secret-customer@example.com"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := brokenStripe(t, func(w http.ResponseWriter, _ *http.Request, _ int64) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			})
			_, err := r.GetPayout(context.Background(), "po_1")
			if err == nil || strings.Contains(err.Error(), "secret-customer") || !strings.Contains(err.Error(), "getting payout po_1") ||
				!strings.Contains(err.Error(), "body is not shown") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// stripe.timeout bounds each request.
func TestReaderTimeout(t *testing.T) {
	release := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); hs.Close() })
	retries := int64(0)
	r, err := NewReader(ReaderConfig{APIKey: testKey, APIBase: hs.URL, HTTPClient: hs.Client(), NetworkRetries: &retries,
		Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.GetPayout(context.Background(), "po_1")
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

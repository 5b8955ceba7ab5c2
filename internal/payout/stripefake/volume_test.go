package stripefake

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

// Volume(n) is one paid payout of n balance transactions (plus its own),
// in the planner benchmark's shape.
func TestVolumeScenario(t *testing.T) {
	sc := Volume(220)
	byType := map[string]int{}
	var payouts []string
	for id, o := range sc.Objects {
		byType[objectType(o)]++
		if objectType(o) == "payout" {
			payouts = append(payouts, id)
		}
	}
	if len(payouts) != 1 {
		t.Fatalf("payouts %v, want one", payouts)
	}
	txns := 0
	for _, o := range sc.Objects {
		if objectType(o) == "balance_transaction" && o["type"] != "payout" {
			txns++
		}
	}
	if txns != 220 || byType["invoice"] != 50 || byType["refund"] != 20 || byType["customer"] != 27 {
		t.Errorf("got %d transactions and objects %v; want 220 transactions, 50 invoices, 20 refunds, 27 customers", txns, byType)
	}
}

// Latency holds every answer back by that long; a request whose client
// gave up is not answered.
func TestLatency(t *testing.T) {
	s := New(Volume(10), key)
	s.Latency = 40 * time.Millisecond
	start := time.Now()
	if code, _ := get(t, s, "/v1/payouts", key); code != 200 {
		t.Fatalf("status %d", code)
	}
	if d := time.Since(start); d < s.Latency {
		t.Errorf("answered after %v, latency is %v", d, s.Latency)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/v1/payouts", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Errorf("a cancelled request was answered: %s", rec.Body)
	}
}

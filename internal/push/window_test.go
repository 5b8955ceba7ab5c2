package push

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

// With batches on, lookups (which go one by one) are handed to the client
// no more than Concurrency+Queue at a time, not by the batch window: once
// the run is cancelled, only those may still start requests in the grace
// period, not hundreds parked on the client's limiter.
func TestBatchLookupsBoundedAfterCancel(t *testing.T) {
	const n, cancelAt = 300, 20
	fake := newFake(func(o *nsfake.Options) { o.Latency = 5 * time.Millisecond })
	var prior []string
	for i := range n {
		ext := eid("cus", "po_old", i)
		prior = append(prior, ext)
		fake.Preload("customer", strconv.Itoa(1000+i), map[string]any{"externalId": ext, "companyName": ext})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var requests atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && requests.Add(1) == cancelAt {
			cancel()
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, ts.URL, 5)
	l := openLedger(t, "")
	opts := batchOpts() // Concurrency 5, Queue 5
	pl := buildPlan(planSpec{payout: "po_w", charges: n, standalone: true, priorCustomers: prior})
	if _, err := New(c, l, opts).Push(ctx, pl); !errors.Is(err, context.Canceled) {
		t.Fatalf("Push after cancel: %v", err)
	}
	after := requests.Load() - cancelAt
	t.Logf("%d requests started after cancel", after)
	if limit := int64(2 * opts.Concurrency); after > limit { // Queue defaults to Concurrency
		t.Errorf("%d requests started after cancel, want at most Concurrency+Queue = %d", after, limit)
	}
}

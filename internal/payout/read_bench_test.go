package payout_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

// BenchmarkReadDepth reads one payout of NSRECON_BENCH_TXNS (default
// 10,000) balance transactions in the planner benchmark's shape
// (stripefake.Volume: 1 in 4 charges pays a 3-line taxed invoice, 1 in 10
// is refunded, customers repeat) at each read depth, through the real
// stripe-go client, against the fake Stripe answering every request after
// NSRECON_BENCH_STRIPE_LATENCY (default 30ms: 300 ms scaled down 10×, so a
// pass takes a minute or two). It reports Stripe requests per payout, split into
// list pages and per-object requests, and the wall time, with per-object
// requests one at a time (conc=1) and 4 at a time (the default). Scaling
// the wall time back by 10 would overstate a real read: the fake's own
// work per list page (≈ 50 ms on a loaded 2-core machine) is part of
// Stripe's round trip, not extra; docs/BENCHMARKS.md derives the
// 100,000-transaction day from the request counts instead.
func BenchmarkReadDepth(b *testing.B) {
	n := envInt(b, "NSRECON_BENCH_TXNS", 10_000)
	latency := 30 * time.Millisecond
	if v := os.Getenv("NSRECON_BENCH_STRIPE_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		latency = d
	}
	sc := stripefake.Volume(n)
	for _, c := range []struct {
		name  string
		depth payout.Depth
		conc  int // ReaderConfig.FetchConcurrency
	}{
		{"detailed", payout.DepthDetailed, 1}, {"detailed", payout.DepthDetailed, 4},
		{"summary", payout.DepthSummary, 1},
		{"summary_tax", payout.DepthSummaryTax, 1}, {"summary_tax", payout.DepthSummaryTax, 4},
	} {
		b.Run(fmt.Sprintf("%s/txns=%d/conc=%d", c.name, n, c.conc), func(b *testing.B) {
			var elapsed time.Duration
			var pages, objects int
			for range b.N {
				e, p, o := readOnce(b, sc, latency, c.conc, payout.ReadOptions{Depth: c.depth})
				elapsed, pages, objects = elapsed+e, pages+p, objects+o
			}
			per := func(v float64) float64 { return v / float64(b.N) }
			b.ReportMetric(per(float64(pages+objects)), "requests/op")
			b.ReportMetric(per(float64(pages)), "pages/op")
			b.ReportMetric(per(float64(objects)), "objects/op")
			b.ReportMetric(per(elapsed.Seconds()), "wall-s/op")
		})
	}
}

// readOnce reads the scenario's payout on a fresh fake and reader: the
// time of the snapshot, and its list pages and per-object requests.
func readOnce(b *testing.B, sc *stripefake.Scenario, latency time.Duration, conc int, o payout.ReadOptions) (time.Duration, int, int) {
	b.Helper()
	srv := stripefake.New(sc, depthKey)
	srv.Latency = latency
	hs := httptest.NewServer(srv)
	defer hs.Close()
	r, err := payout.NewReader(payout.ReaderConfig{APIKey: depthKey, APIBase: hs.URL, HTTPClient: hs.Client(), FetchConcurrency: conc})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	pos, err := r.ListPayouts(ctx, payout.PayoutFilter{Status: "paid"})
	if err != nil || len(pos) != 1 {
		b.Fatalf("payouts %v, %v", pos, err)
	}
	start := time.Now()
	snap, err := r.SnapshotWith(ctx, pos[0], o)
	elapsed := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if len(snap.Transactions) < 2 {
		b.Fatalf("%d transactions", len(snap.Transactions))
	}
	var pages, objects int
	for route, k := range r.Requests() {
		switch {
		case route == "GET /v1/payouts":
			// the listing above, not the snapshot
		case strings.HasSuffix(route, "/:id"):
			objects += k
		default:
			pages += k
		}
	}
	return elapsed, pages, objects
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return n
}

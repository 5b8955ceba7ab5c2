package webhook

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkAckLatency delivers events at 200 per second over loopback,
// while the worker syncs what they queue, and reports the median and p99
// time to acknowledgement (verify, route, commit to the ledger, answer).
//
//	go test ./internal/webhook -run '^$' -bench AckLatency -benchtime 2000x
func BenchmarkAckLatency(b *testing.B) {
	const rate = 200
	a := newAccount(accountSpec{invoices: 200, customers: 40, open: true})
	e := newEnv(b, a, envOptions{})
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	bodies := make([][]byte, b.N)
	kinds := []string{"invoice.finalized", "invoice.payment_failed", "invoice.payment_succeeded", "charge.succeeded", "invoice.updated"}
	for i := range bodies {
		in := a.invoices[i%len(a.invoices)]
		bodies[i] = e.invoiceEvent(fmt.Sprintf("evt_bench_%d", i), kinds[i/len(a.invoices)%len(kinds)], in, day0,
			map[string]any{"lines": map[string]any{}})
	}
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			if code, msg := send(b, hc, e.url, bodies[i], testSecret); code != http.StatusOK {
				b.Errorf("delivery %d: %d %s", i, code, msg)
			}
			lat[i] = time.Since(start)
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(0, "ns/op") // pacing, not work: ns/op is meaningless here
}

// BenchmarkDrain queues 100 invoice syncs, then measures how fast the
// worker drains them against the fake NetSuite at 100 ms per request and a
// concurrency limit of 5 (NetSuite's Standard tier). Each invoice is three
// requests or more (customer and items, then the invoice), so the ceiling
// is about 50 requests/s.
//
//	go test ./internal/webhook -run '^$' -bench Drain -benchtime 2x
func BenchmarkDrain(b *testing.B) {
	const invoices = 100
	var total time.Duration
	for range b.N {
		b.StopTimer()
		a := newAccount(accountSpec{invoices: invoices, customers: 20, open: true})
		e := newEnv(b, a, envOptions{latency: 100 * time.Millisecond, noWorker: true})
		for i, in := range a.invoices {
			e.send(e.invoiceEvent(fmt.Sprintf("evt_drain_%d", i), "invoice.finalized", in, day0, nil))
		}
		b.StartTimer()
		start := time.Now()
		e.stop = e.startWorker()
		e.queueEmpty()
		total += time.Since(start)
		b.StopTimer()
		if n := len(e.ns.Records("invoice")); n != invoices {
			b.Fatalf("%d invoices in NetSuite, want %d", n, invoices)
		}
		reqs := 0
		for k, v := range e.ns.Counts() {
			if len(k) > 4 && k[:4] == "PUT " {
				reqs += v
			}
		}
		b.ReportMetric(float64(reqs)/invoices, "requests/invoice")
		_ = e.stop()
	}
	b.ReportMetric(float64(invoices*b.N)/total.Seconds(), "invoices/s")
}

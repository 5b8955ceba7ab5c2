package push

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// BenchmarkBatchThroughput pushes one payout (NSRECON_BENCH_CHARGES
// charges, default 100: a customer, an invoice and a payment each, every
// 10th refunded with a credit memo and a refund, and the deposit: 321
// records) through the real client to the fake NetSuite at concurrency 5
// and 1 s latency, one record per request and in async batches of 100
// with 1 and 3 async processors, each record holding a processor for
// 0.25 s or 1 s.
//
// Time is scaled: every duration (latency, processor time, first poll) is
// divided by NSRECON_BENCH_SCALE (default 50, so 1 s is 20 ms) and the
// rates are converted back, records/s at the real scale = records ÷
// (elapsed × scale). That is exact while the machine's own time per
// request (signing, JSON, SQLite) is small beside the scaled latency.
//
// Metrics: rec/s (records per second at 1 s latency), req/rec (API
// requests per record: submits, polls, lookups), vs-single (rec/s over
// the per-record pass of the same run).
func BenchmarkBatchThroughput(b *testing.B) {
	charges, scale := envInt(b, "NSRECON_BENCH_CHARGES", 100), envInt(b, "NSRECON_BENCH_SCALE", 50)
	spec := planSpec{payout: "po_bench", charges: charges, refundN: 10}
	sec := time.Second / time.Duration(scale)
	var single float64
	run := func(name string, procs int, cost time.Duration, batch BatchOptions) {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				fake := newFake(func(o *nsfake.Options) {
					o.Latency, o.Concurrency, o.AsyncProcessors, o.AsyncRecordCost = sec, 5, procs, cost
				})
				c := benchClient(b, serve(b, fake))
				l, err := ledger.Open(context.Background(), filepath.Join(b.TempDir(), "ledger.db"))
				if err != nil {
					b.Fatal(err)
				}
				pl := buildPlan(spec)
				p := New(c, l, Options{Concurrency: 5, Batch: batch})
				b.StartTimer()
				start := time.Now()
				res, err := p.Push(context.Background(), pl)
				elapsed := time.Since(start) * time.Duration(scale)
				b.StopTimer()
				if err != nil || res.Status != outcome.Reconciled {
					b.Fatalf("push: %v %+v", err, res.Errors)
				}
				rate := float64(len(pl.Records)) / elapsed.Seconds()
				b.ReportMetric(rate, "rec/s")
				b.ReportMetric(float64(apiCalls(fake))/float64(len(pl.Records)), "req/rec")
				if single == 0 {
					single = rate
				} else {
					b.ReportMetric(rate/single, "vs-single")
				}
				b.Logf("%s: %d records in %v (real scale); fake counts %v", name, len(pl.Records), elapsed.Round(time.Second), fake.Counts())
				l.Close()
			}
		})
	}
	run("per-record", 1, sec, BatchOptions{})
	for _, cost := range []time.Duration{sec / 4, sec} {
		for _, procs := range []int{1, 3} {
			name := fmt.Sprintf("batched/procs=%d/cost=%gs", procs, (cost * time.Duration(scale)).Seconds())
			run(name, procs, cost, BatchOptions{Size: 100, Poll: sec})
		}
	}
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

package push

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// BenchmarkPush10k pushes one payout of NSRECON_BENCH_RECORDS records
// (default 10,000: a few customers, standalone payments, the deposit) to a
// fake NetSuite answering in 100 ms with a concurrency limit of 5, through
// the real client with its default backoff, Concurrency 5. At 50 requests a
// second the ceiling is 200 s per pass for 10,000 records; set the variable
// lower for a quick look (go test -bench Push10k -benchtime 1x …).
//
// Metrics:
//   - pipe-use: requests per second over the ceiling 5/0.1 s (1 = full)
//   - rec/s: planned records confirmed per second
//   - writes/rec: PUTs NetSuite received per planned record (1 = no waste)
//   - calls-2nd-run: NetSuite calls of a second push with the same ledger
//   - vs-clean: rec/s relative to the fault-free pass of the same run
//
// "faults" injects 10% 429, 2% 5xx and 1% commit-then-drop; "faults-noqueue"
// is the same with Options.Queue off, to show what the queue buys.
func BenchmarkPush10k(b *testing.B) {
	records := 10000
	if v := os.Getenv("NSRECON_BENCH_RECORDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			b.Fatalf("NSRECON_BENCH_RECORDS=%q: want a number ≥ 10", v)
		}
		records = n
	}
	const customers = 5
	spec := planSpec{payout: "po_bench", charges: records - customers - 1, customers: customers, standalone: true}

	var clean float64 // rec/s of the fault-free pass
	run := func(name string, fo func(*nsfake.Options), opts Options, second bool) {
		b.Run(name, func(b *testing.B) {
			var recPerSec float64
			for range b.N {
				b.StopTimer()
				fake := newFake(func(o *nsfake.Options) {
					o.Latency, o.Concurrency = 100*time.Millisecond, 5
					if fo != nil {
						fo(o)
					}
				})
				c := benchClient(b, serve(b, fake))
				l, err := ledger.Open(context.Background(), filepath.Join(b.TempDir(), "ledger.db"))
				if err != nil {
					b.Fatal(err)
				}
				pl := buildPlan(spec)
				p := New(c, l, opts)
				b.StartTimer()

				start := time.Now()
				res, err := p.Push(context.Background(), pl)
				elapsed := time.Since(start)
				b.StopTimer()
				if err != nil || res.Status != outcome.Reconciled {
					b.Fatalf("push: %v %+v", err, res.Errors)
				}
				calls := apiCalls(fake)
				puts := 0
				for k, v := range fake.Counts() {
					if len(k) > 4 && k[:4] == "PUT " {
						puts += v
					}
				}
				recPerSec = float64(len(pl.Records)) / elapsed.Seconds()
				b.ReportMetric(float64(calls)/elapsed.Seconds()/(5/0.1), "pipe-use")
				b.ReportMetric(recPerSec, "rec/s")
				b.ReportMetric(float64(puts)/float64(len(pl.Records)), "writes/rec")
				if second {
					res, err := p.Push(context.Background(), buildPlan(spec))
					if err != nil || res.Status != outcome.Reconciled {
						b.Fatalf("second push: %v %+v", err, res.Errors)
					}
					b.ReportMetric(float64(apiCalls(fake)-calls), "calls-2nd-run")
				}
				b.Logf("%s: %d records in %v; fake counts %v; client %+v", name, len(pl.Records), elapsed.Round(time.Millisecond), fake.Counts(), c.Stats())
				l.Close()
			}
			if clean == 0 {
				clean = recPerSec
			} else {
				b.ReportMetric(recPerSec/clean, "vs-clean")
			}
		})
	}
	faults := func(o *nsfake.Options) { o.Rate429, o.Rate5xx, o.RateDrop, o.Seed = 0.10, 0.02, 0.01, 1 }
	run("clean", nil, Options{Concurrency: 5}, true)
	run("faults", faults, Options{Concurrency: 5}, false)
	run("faults-noqueue", faults, Options{Concurrency: 5, Queue: -1}, false)
}

// benchClient is the real client with its production defaults.
func benchClient(b *testing.B, baseURL string) *netsuite.Client {
	c, err := netsuite.New(netsuite.Config{
		AccountID: credAccount, BaseURL: baseURL, Concurrency: 5,
		Auth: netsuite.AuthConfig{ConsumerKey: credCK, ConsumerSecret: credCS, TokenID: credTID, TokenSecret: credTS},
	}, &http.Client{Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

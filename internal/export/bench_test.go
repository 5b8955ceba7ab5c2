package export

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// synthStripe serves generated payouts of txns charges each, building each
// snapshot on request so the benchmark holds no more than the export does.
type synthStripe struct{ txns int }

var day0 = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

func (s synthStripe) GetPayout(_ context.Context, id string) (payout.Payout, error) {
	var n int
	fmt.Sscanf(id, "po_%d", &n)
	return payout.Payout{ID: id, Currency: "usd", Status: "paid", Automatic: true, ArrivalDate: day0.AddDate(0, 0, n),
		Amount: int64(s.txns) * (1000 - 59)}, nil
}

func (s synthStripe) Snapshot(_ context.Context, p payout.Payout) (*payout.Snapshot, error) {
	snap := &payout.Snapshot{Payout: p, Charges: map[string]*payout.Charge{}, Customers: map[string]*payout.Customer{}}
	for i := range s.txns {
		ch := fmt.Sprintf("ch_%s_%d", p.ID, i)
		cus := fmt.Sprintf("cus_%d", i%500)
		created := p.ArrivalDate.Add(-48 * time.Hour).Add(time.Duration(i) * time.Second)
		snap.Transactions = append(snap.Transactions, payout.BalanceTransaction{ID: "txn_" + ch, Amount: 1000, Fee: 59, Net: 941,
			Currency: "usd", Type: "charge", ReportingCategory: "charge", Created: created, AvailableOn: created.Add(48 * time.Hour),
			Source: ch, SourceType: "charge", FeeDetails: []payout.FeeDetail{{Amount: 59, Currency: "usd", Type: "stripe_fee"}}})
		snap.Charges[ch] = &payout.Charge{ID: ch, Amount: 1000, Currency: "usd", Customer: cus, Created: created}
		snap.Customers[cus] = &payout.Customer{ID: cus, Name: "Customer " + cus, Email: cus + "@example.com"}
	}
	return snap, nil
}

// heapWriter discards the rows and samples the live heap after each payout.
type heapWriter struct {
	w    Writer
	peak uint64
}

func (h *heapWriter) Row(r *Row) error { return h.w.Row(r) }
func (h *heapWriter) Close() error     { return h.w.Close() }
func (h *heapWriter) Payout(t *Total) error {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapAlloc)
	return h.w.Payout(t)
}

// BenchmarkExport exports 4 and 32 payouts of 5,000 transactions each: the
// live heap after each payout (peak-heap-MB) stays the same whatever the
// number of payouts, since each payout is dropped before the next is read.
func BenchmarkExport(b *testing.B) {
	cfg, err := config.Load(config.New(), strings.NewReader(sandbox.ConfigYAML("http://127.0.0.1:1", "http://127.0.0.1:2")))
	if err != nil {
		b.Fatal(err)
	}
	const txns = 5000
	for _, payouts := range []int{4, 32} {
		b.Run(fmt.Sprintf("payouts=%d", payouts), func(b *testing.B) {
			ctx := context.Background()
			l, err := ledger.Open(ctx, filepath.Join(b.TempDir(), "l.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			for i := range payouts {
				if err := l.SetPayout(ctx, ledger.PayoutState{ID: fmt.Sprintf("po_%d", i), Status: outcome.Reconciled,
					Currency: "usd", ArrivalDate: day0.AddDate(0, 0, i)}); err != nil {
					b.Fatal(err)
				}
			}
			e := &Exporter{Stripe: synthStripe{txns: txns}, Ledger: l, Settings: plansettings.From(cfg)}
			var peak uint64
			for b.Loop() {
				csvw, _ := NewCSV(io.Discard)
				h := &heapWriter{w: csvw}
				if err := e.Export(ctx, Selection{From: day0, To: day0.AddDate(0, 0, payouts)}, h); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, h.peak)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(payouts*txns), "txns/op")
		})
	}
}

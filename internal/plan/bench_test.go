package plan

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
)

// benchSnapshot is a payout of n balance transactions shaped like a busy
// account: 1 in 4 charges pays an invoice of 3 lines, 1 in 10 is refunded,
// customers repeat, every charge has a fee split in fee_details.
func benchSnapshot(n int) *payout.Snapshot {
	b := newSnap("usd")
	for i := 0; len(b.s.Transactions) < n; i++ {
		cus := fmt.Sprintf("cus_%06d", i%(n/8+1))
		if b.s.Customers[cus] == nil {
			b.customer(cus, "Customer "+cus, cus+"@example.test")
		}
		ch := fmt.Sprintf("ch_%07d", i)
		inv := ""
		amount := int64(1000 + i%9000)
		if i%4 == 0 {
			inv = fmt.Sprintf("in_%07d", i)
			b.s.Invoices[inv] = &payout.Invoice{ID: inv, Currency: "usd", Customer: cus, Total: amount,
				Lines: []payout.InvoiceLine{
					{Amount: amount - 700, Quantity: 1, Price: payout.Price{ID: fmt.Sprintf("price_%d", i%50), ProductName: "Plan"}},
					{Amount: 500, Quantity: 5, Price: payout.Price{ID: "price_seat", ProductName: "Seat"}},
					{Amount: 200, Quantity: 1, Price: payout.Price{ID: "price_addon", ProductName: "Add-on"}},
				}}
		}
		fee := amount*29/1000 + 30
		b.s.Charges[ch] = &payout.Charge{ID: ch, Amount: amount, Currency: "usd", Customer: cus, Invoice: inv}
		b.bt("charge", "charge", ch, amount, fee,
			payout.FeeDetail{Amount: fee - 5, Currency: "usd", Type: "stripe_fee"},
			payout.FeeDetail{Amount: 5, Currency: "usd", Type: "tax"})
		if i%10 == 3 {
			b.refund("re_"+ch[3:], ch, amount/2)
		}
	}
	return b.finish()
}

// BenchmarkPlanVsDecode plans and validates a payout and, in the same run,
// times merely decoding the same snapshot from JSON. The target is
// plan/decode ≤ 2 with memory linear in the payout size (B/txn).
func BenchmarkPlanVsDecode(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("txns=%d", n), func(b *testing.B) {
			raw, err := json.Marshal(benchSnapshot(n))
			if err != nil {
				b.Fatal(err)
			}
			s := settings()
			var decode, planT time.Duration
			var planBytes uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				var snap payout.Snapshot
				if err := json.Unmarshal(raw, &snap); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				p := Build(&snap, s, nil)
				runtime.ReadMemStats(&m1)
				planT += time.Since(t1)
				decode += t1.Sub(t0)
				planBytes += m1.TotalAlloc - m0.TotalAlloc
				if p.Held() {
					b.Fatalf("bench plan held: %v", p.Problems[0])
				}
			}
			b.ReportMetric(float64(decode.Nanoseconds())/float64(b.N)/1e6, "decode-ms/op")
			b.ReportMetric(float64(planT.Nanoseconds())/float64(b.N)/1e6, "plan-ms/op")
			b.ReportMetric(float64(planT)/float64(decode), "plan/decode")
			b.ReportMetric(float64(planBytes)/float64(b.N)/float64(n), "plan-B/txn")
		})
	}
}

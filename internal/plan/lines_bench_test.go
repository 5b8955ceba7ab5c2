package plan

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// transactionLines counts the lines of the transaction records a plan
// writes: each transaction's sublist lines (invoice and credit memo
// items, applications, deposit lines, journal lines), at least one per
// transaction. Customers and items are not transactions.
func transactionLines(p *Plan) (records, lines int) {
	for _, r := range p.Records {
		records++
		n := 0
		switch b := r.Body.(type) {
		case *netsuite.Invoice:
			n = len(b.Item.Items)
		case *netsuite.CreditMemo:
			n = len(b.Item.Items)
			if b.Apply != nil {
				n += len(b.Apply.Items)
			}
		case *netsuite.CustomerPayment:
			if b.Apply != nil {
				n = len(b.Apply.Items)
			}
		case *netsuite.CustomerRefund:
			if b.Apply != nil {
				n = len(b.Apply.Items)
			}
		case *netsuite.Deposit:
			n = len(b.Payment.Items) + len(b.Other.Items) + len(b.CashBack.Items)
		case *netsuite.JournalEntry:
			n = len(b.Line.Items)
		default:
			continue // not a transaction
		}
		lines += max(n, 1)
	}
	return records, lines
}

// BenchmarkLinesPerTxn plans one busy payout (benchSnapshot) in each
// reconcile.mode and reports the NetSuite records and transaction lines
// it writes per Stripe balance transaction, and the planner's memory per
// transaction (linear in the payout if it stays flat from 10k to 100k).
func BenchmarkLinesPerTxn(b *testing.B) {
	for _, mode := range []string{ModeDetailed, ModeSummary} {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("mode=%s/txns=%d", mode, n), func(b *testing.B) {
				snap := benchSnapshot(n)
				s := settings()
				if mode == ModeSummary {
					s = summarySettings()
				}
				txns := len(snap.Transactions) - 1 // the payout's own
				var p *Plan
				var ms0, ms1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms0)
				for range b.N {
					p = Build(snap, s, nil)
				}
				runtime.ReadMemStats(&ms1)
				if p.Held() {
					b.Fatalf("held: %v", p.Problems[:min(3, len(p.Problems))])
				}
				records, lines := transactionLines(p)
				b.ReportMetric(float64(records)/float64(txns), "records/txn")
				b.ReportMetric(float64(lines)/float64(txns), "lines/txn")
				b.ReportMetric(float64(lines), "lines/payout")
				b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/float64(txns), "B/txn")
			})
		}
	}
}

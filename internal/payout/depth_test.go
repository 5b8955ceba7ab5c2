package payout_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
)

const depthKey = "sk_test_nsrecon_depth_0123456789"

// depthReader serves a scenario from testdata/scenarios on a fresh fake,
// so the fake's counts are one reader's.
// It also returns whether any balance-transaction page asked to expand.
func depthReader(t *testing.T, sc *stripefake.Scenario) (*payout.Reader, *stripefake.Server, *atomic.Bool) {
	t.Helper()
	srv := stripefake.New(sc, depthKey)
	var expanded atomic.Bool
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/balance_transactions" && strings.Contains(r.URL.RawQuery, "expand") {
			expanded.Store(true)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	r, err := payout.NewReader(payout.ReaderConfig{APIKey: depthKey, APIBase: hs.URL, HTTPClient: hs.Client(),
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return r, srv, &expanded
}

func summarySettings(salesTax string) plan.Settings {
	return plan.Settings{
		Mode: plan.ModeSummary, Sales: "600", Refunds: "601", SalesTax: salesTax,
		UndepositedFunds: "100", BankAccounts: map[string]string{"usd": "200", "eur": "201", "jpy": "202", "kwd": "203"},
		StripeFees: "300", FeeTax: "301", ApplicationFees: "302", DisputeFees: "303", FXDifference: "304",
		Categories: map[string]string{"other_adjustment": "310", "dispute_reversal": "311", "platform_earning": "312",
			"transfer": "313", "payout_reversal": "314", "tax": "315", "fee": "316"},
		Currencies: map[string]string{"eur": "2", "gbp": "3"},
	}
}

// planJSON is what a summary plan sends and says: its records, problems
// and notes.
func planJSON(t *testing.T, p *plan.Plan) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Records  []plan.Record
		Problems any
		Notes    []string
		Total    int64
	}{p.Records, p.Problems, p.Notes, p.DepositTotal})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A summary-depth snapshot plans to exactly the summary plan of a full
// read, with and without the tax split, while reading only the balance
// transaction pages (and, for the tax split, each paid invoice once,
// without its line pages, customers or credit notes).
func TestSummaryDepthPlansLikeAFullRead(t *testing.T) {
	for _, name := range []string{"many_transactions", "invoice_charges", "refunds_invoice", "payout_failure",
		"fees", "disputes", "multi_currency", "credit_notes", "connect_platform", "invoice_shipping"} {
		sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			depth    payout.Depth
			salesTax string
		}{{payout.DepthSummary, ""}, {payout.DepthSummaryTax, "602"}} {
			full, _, _ := depthReader(t, sc)
			shallow, srv, expanded := depthReader(t, sc)
			ctx := context.Background()
			pos, err := full.ListPayouts(ctx, payout.PayoutFilter{Status: "paid"})
			if err != nil {
				t.Fatal(err)
			}
			view := payout.View{Reader: shallow, Options: payout.ReadOptions{Depth: tc.depth}}
			invoices := map[string]bool{}
			for _, po := range pos {
				if !po.Automatic {
					continue
				}
				want, err := full.Snapshot(ctx, po)
				if err != nil {
					t.Fatal(err)
				}
				got, err := view.Snapshot(ctx, po)
				if err != nil {
					t.Fatal(err)
				}
				s := summarySettings(tc.salesTax)
				if g, w := planJSON(t, plan.Build(got, s, nil)), planJSON(t, plan.Build(want, s, nil)); g != w {
					t.Errorf("%s %s depth %d: plan differs from the full read's\n got %s\nwant %s", name, po.ID, tc.depth, g, w)
				}
				for _, bt := range want.Transactions {
					if ch := want.Charges[bt.Source]; ch != nil && bt.SourceType == "charge" && ch.Invoice != "" {
						invoices[ch.Invoice] = true
					}
				}
				if len(got.Customers) != 0 || len(got.Refunds) != 0 || len(got.CreditNotes) != 0 {
					t.Errorf("%s %s: summary read brought customers, refunds or credit notes", name, po.ID)
				}
			}
			wantCounts := map[string]int{"GET /v1/balance_transactions": full.Requests()["GET /v1/balance_transactions"]}
			if tc.depth == payout.DepthSummaryTax && len(invoices) > 0 {
				wantCounts["GET /v1/invoices/:id"] = len(invoices)
			}
			if want := tc.depth == payout.DepthSummaryTax; expanded.Load() != want {
				t.Errorf("%s depth %d: balance transactions expanded %v, want %v (sources are needed for the tax split only)", name, tc.depth, expanded.Load(), want)
			}
			if got := srv.Counts(); !maps.Equal(got, wantCounts) {
				t.Errorf("%s depth %d: Stripe requests %v, want %v", name, tc.depth, got, wantCounts)
			}
		}
	}
}

// Per-object requests go a few at a time: never more than
// FetchConcurrency in flight, more than one when there is work for more,
// and the snapshot is the one a one-at-a-time read makes.
func TestFetchConcurrency(t *testing.T) {
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", "many_transactions"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(conc int) (string, int64) {
		srv := stripefake.New(sc, depthKey)
		srv.Latency = 20 * time.Millisecond
		var inFlight, most atomic.Int64
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			srv.ServeHTTP(w, r)
		}))
		defer hs.Close()
		r, err := payout.NewReader(payout.ReaderConfig{APIKey: depthKey, APIBase: hs.URL, HTTPClient: hs.Client(), FetchConcurrency: conc})
		if err != nil {
			t.Fatal(err)
		}
		pos, err := r.ListPayouts(context.Background(), payout.PayoutFilter{Status: "paid"})
		if err != nil || len(pos) != 1 {
			t.Fatalf("payouts %v, %v", pos, err)
		}
		snap, err := r.Snapshot(context.Background(), pos[0])
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(snap)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), most.Load()
	}
	one, most1 := read(1)
	four, most4 := read(4)
	if most1 != 1 || most4 != 4 {
		t.Errorf("most requests in flight: %d at FetchConcurrency 1, %d at 4; want 1 and 4", most1, most4)
	}
	if one != four {
		t.Errorf("the snapshot read 4 at a time differs from the one read one at a time")
	}
}

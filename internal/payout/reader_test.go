package payout

import (
	"context"
	"errors"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

const testKey = "sk_test_nsrecon_0123456789"

type fixture struct {
	srv    *stripefake.Server
	reader *Reader
	sleeps *[]time.Duration
}

func loadScenario(t *testing.T, name string) *stripefake.Scenario {
	t.Helper()
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", name))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func newFixture(t *testing.T, sc *stripefake.Scenario, rateLimitEvery int, key string) fixture {
	t.Helper()
	srv := stripefake.New(sc, testKey)
	srv.RateLimitEvery = rateLimitEvery
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	var mu sync.Mutex
	sleeps := &[]time.Duration{}
	r, err := NewReader(ReaderConfig{
		APIKey: key, APIBase: hs.URL, HTTPClient: hs.Client(), MaxAttempts: 4,
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			*sleeps = append(*sleeps, d)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{srv, r, sleeps}
}

func paidPayouts(t *testing.T, r *Reader) []Payout {
	t.Helper()
	ps, err := r.ListPayouts(context.Background(), PayoutFilter{Status: "paid"})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func sumNet(s *Snapshot) int64 {
	var n int64
	for _, t := range s.Transactions {
		if t.Type != "payout" {
			n += t.Net
		}
	}
	return n
}

func TestSnapshotManyTransactions(t *testing.T) {
	f := newFixture(t, loadScenario(t, "many_transactions"), 0, testKey)
	ctx := context.Background()
	ps := paidPayouts(t, f.reader)
	if len(ps) != 1 {
		t.Fatalf("got %d payouts, want 1", len(ps))
	}
	snap, err := f.reader.Snapshot(ctx, ps[0])
	if err != nil {
		t.Fatal(err)
	}
	n := len(snap.Transactions)
	if n <= 300 {
		t.Fatalf("got %d transactions, want > 300", n)
	}
	if got := sumNet(snap); got != ps[0].Amount {
		t.Errorf("Σ net = %d, payout = %d", got, ps[0].Amount)
	}
	seen := map[string]bool{}
	for _, tx := range snap.Transactions {
		if seen[tx.ID] {
			t.Fatalf("transaction %s listed twice", tx.ID)
		}
		seen[tx.ID] = true
	}
	if len(snap.Invoices) != 8 {
		t.Errorf("got %d invoices, want 8", len(snap.Invoices))
	}
	for id, inv := range snap.Invoices {
		if len(inv.Lines) <= 10 {
			t.Errorf("%s has %d lines; the scenario's invoices have 11–25", id, len(inv.Lines))
		}
		var sum int64
		for _, l := range inv.Lines {
			sum += l.Amount
			if l.Price.ID != "" && l.Price.ProductName == "" {
				t.Errorf("%s line %s: product name not expanded", id, l.ID)
			}
		}
		if sum != inv.Subtotal {
			t.Errorf("%s: Σ lines %d ≠ subtotal %d", id, sum, inv.Subtotal)
		}
		if len(inv.Discounts) != 1 || inv.Discounts[0].Name != "Volume 5%" {
			t.Errorf("%s discounts = %+v", id, inv.Discounts)
		}
	}
	for id, c := range snap.Charges {
		if snap.Customers[c.Customer] == nil {
			t.Errorf("charge %s: customer %s missing", id, c.Customer)
		}
	}
	for id, rf := range snap.Refunds {
		if snap.Charges[rf.Charge] == nil {
			t.Errorf("refund %s: charge %s missing", id, rf.Charge)
		}
	}

	pages := (n + pageSize - 1) / pageSize
	want := map[string]int{
		"GET /v1/payouts":              1,
		"GET /v1/balance_transactions": pages,
		"GET /v1/invoices/:id":         8,  // once per distinct invoice
		"GET /v1/invoices/:id/lines":   8,  // lines 11+ of each
		"GET /v1/customers/:id":        32, // once per distinct customer
		// charges and refunds came expanded; refunds' charges are in the payout.
	}
	if got := f.srv.Counts(); !maps.Equal(got, want) {
		t.Errorf("server counts %v, want %v", got, want)
	}
	if got := f.reader.Requests(); !maps.Equal(got, f.srv.Counts()) {
		t.Errorf("reader counted %v, server %v", got, f.srv.Counts())
	}
	t.Logf("many_transactions: %d transactions, requests %v", n, f.reader.Requests())
}

// Refunds of charges paid out in an earlier payout bring their charge and
// invoice, and the cache means nothing is fetched twice across payouts.
func TestSnapshotRefundsAcrossPayouts(t *testing.T) {
	f := newFixture(t, loadScenario(t, "refunds_invoice"), 0, testKey)
	ctx := context.Background()
	ps := paidPayouts(t, f.reader)
	if len(ps) != 2 || !ps[0].ArrivalDate.Before(ps[1].ArrivalDate) {
		t.Fatalf("payouts not oldest first: %+v", ps)
	}
	var snaps []*Snapshot
	for _, p := range ps {
		s, err := f.reader.Snapshot(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if sumNet(s) != p.Amount {
			t.Errorf("%s: Σ net %d ≠ amount %d", p.ID, sumNet(s), p.Amount)
		}
		snaps = append(snaps, s)
	}
	second := snaps[1]
	if len(second.Refunds) != 4 {
		t.Fatalf("got %d refunds, want 4", len(second.Refunds))
	}
	for id, rf := range second.Refunds {
		c := second.Charges[rf.Charge]
		if c == nil {
			t.Fatalf("refund %s: charge %s not in snapshot", id, rf.Charge)
		}
		if c.Invoice == "" || second.Invoices[c.Invoice] == nil {
			t.Errorf("refund %s: invoice %q of charge %s not in snapshot", id, c.Invoice, c.ID)
		}
		if second.Customers[c.Customer] == nil {
			t.Errorf("refund %s: customer %s not in snapshot", id, c.Customer)
		}
	}
	if got := f.srv.Counts()["GET /v1/invoices/:id"]; got != 5 {
		t.Errorf("fetched invoices %d times, want 5 (once per distinct invoice)", got)
	}
}

func TestSnapshotContents(t *testing.T) {
	ctx := context.Background()
	t.Run("invoice", func(t *testing.T) {
		f := newFixture(t, loadScenario(t, "invoice_charges"), 0, testKey)
		s, err := f.reader.Snapshot(ctx, paidPayouts(t, f.reader)[0])
		if err != nil {
			t.Fatal(err)
		}
		var taxed, discounted, sub int
		for _, inv := range s.Invoices {
			if inv.Tax > 0 {
				taxed++
			}
			var disc int64
			for _, d := range inv.Discounts {
				disc += d.Amount
				if d.ID == "" || d.Name == "" {
					t.Errorf("%s: discount %+v lacks ID or name", inv.ID, d)
				}
			}
			if len(inv.Discounts) > 0 {
				discounted++
			}
			if inv.BillingReason == "subscription_cycle" {
				sub++
			}
			if inv.Subtotal-disc+inv.Tax != inv.Total {
				t.Errorf("%s: %d - %d + %d ≠ %d", inv.ID, inv.Subtotal, disc, inv.Tax, inv.Total)
			}
			if inv.Number == "" || inv.Customer == "" {
				t.Errorf("%s: missing number or customer", inv.ID)
			}
		}
		if len(s.Invoices) != 4 || taxed != 2 || discounted != 2 || sub != 1 {
			t.Errorf("invoices %d, taxed %d, discounted %d, subscription %d", len(s.Invoices), taxed, discounted, sub)
		}
		for _, tx := range s.Transactions {
			want := map[string]string{"charge": "charge", "payout": "payout"}[tx.Type]
			if tx.SourceType != want || tx.Source == "" {
				t.Errorf("%s: source %q type %q", tx.ID, tx.Source, tx.SourceType)
			}
		}
	})
	t.Run("fees", func(t *testing.T) {
		f := newFixture(t, loadScenario(t, "fees"), 0, testKey)
		s, err := f.reader.Snapshot(ctx, paidPayouts(t, f.reader)[0])
		if err != nil {
			t.Fatal(err)
		}
		cats := map[string]int{}
		for _, tx := range s.Transactions {
			cats[tx.ReportingCategory]++
			if tx.Type == "charge" {
				var sum int64
				types := ""
				for _, d := range tx.FeeDetails {
					sum += d.Amount
					types += d.Type + " "
				}
				if sum != tx.Fee || types != "stripe_fee tax " {
					t.Errorf("%s: fee %d, details %+v", tx.ID, tx.Fee, tx.FeeDetails)
				}
			}
		}
		if cats["fee"] != 1 || cats["tax"] != 1 || cats["charge"] != 6 {
			t.Errorf("categories %v", cats)
		}
	})
	t.Run("customer_no_email", func(t *testing.T) {
		f := newFixture(t, loadScenario(t, "customer_no_email"), 0, testKey)
		s, err := f.reader.Snapshot(ctx, paidPayouts(t, f.reader)[0])
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, c := range s.Customers {
			if c.Name == "Dunder Supplies" {
				found = true
				if c.Email != "" || c.Phone == "" {
					t.Errorf("customer %+v", c)
				}
			}
		}
		if !found {
			t.Error("customer without email not in snapshot")
		}
	})
	t.Run("unsupported_category", func(t *testing.T) {
		f := newFixture(t, loadScenario(t, "unsupported_category"), 0, testKey)
		s, err := f.reader.Snapshot(ctx, paidPayouts(t, f.reader)[0])
		if err != nil {
			t.Fatal(err)
		}
		var hold *BalanceTransaction
		for i, tx := range s.Transactions {
			if tx.ReportingCategory == "issuing_authorization_hold" {
				hold = &s.Transactions[i]
			}
		}
		if hold == nil || hold.SourceType != "issuing.authorization" || !strings.HasPrefix(hold.Source, "iauth_") {
			t.Errorf("hold transaction %+v", hold)
		}
	})
}

func TestExchangeRateAndMissingObjects(t *testing.T) {
	b := stripefake.NewBuilder(42, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	cus := b.Customer(stripefake.CustomerSpec{Name: "Émile Zola", Email: "emile@example.com"})
	fx := b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 10000, Currency: "eur", ExchangeRate: "1.083417"})
	gone := b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 2000})
	b.Adjustment(stripefake.AdjustmentSpec{Type: "charge", ReportingCategory: "charge", Amount: 700, Fee: 50})
	po := b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)})
	sc := b.Scenario()
	delete(sc.Objects, gone) // Stripe no longer has it: the planner must hold, we must not fail

	f := newFixture(t, sc, 0, testKey)
	p, err := f.reader.GetPayout(context.Background(), po)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.reader.Snapshot(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var rate string
	var bare int
	for _, tx := range s.Transactions {
		if tx.Source == fx {
			rate = tx.ExchangeRate
			if tx.Amount != 10834 {
				t.Errorf("converted amount %d, want 10834", tx.Amount)
			}
		}
		if tx.Type == "charge" && tx.Source == "" {
			bare++
		}
	}
	if rate != "1.083417" {
		t.Errorf("exchange rate %q, want 1.083417", rate)
	}
	if bare != 1 {
		t.Errorf("want the source-less charge transaction kept, got %d", bare)
	}
	if s.Charges[gone] != nil || s.Charges[fx] == nil || s.Charges[fx].Currency != "eur" {
		t.Errorf("charges %v", s.Charges)
	}
	if c := s.Charges[fx]; c.BillingName != "Émile Zola" || c.BillingEmail != "emile@example.com" {
		t.Errorf("billing details %q %q", c.BillingName, c.BillingEmail)
	}
}

func TestRateLimitBackoff(t *testing.T) {
	ctx := context.Background()
	calm := newFixture(t, loadScenario(t, "refunds_invoice"), 0, testKey)
	busy := newFixture(t, loadScenario(t, "refunds_invoice"), 3, testKey)
	for _, p := range paidPayouts(t, calm.reader) {
		want, err := calm.reader.Snapshot(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := busy.reader.Snapshot(ctx, p)
		if err != nil {
			t.Fatalf("with 429s: %v", err)
		}
		if len(got.Transactions) != len(want.Transactions) || len(got.Invoices) != len(want.Invoices) ||
			len(got.Charges) != len(want.Charges) || len(got.Customers) != len(want.Customers) {
			t.Errorf("%s: snapshot differs under rate limiting", p.ID)
		}
	}
	if len(*busy.sleeps) == 0 {
		t.Fatal("never backed off")
	}
	for _, d := range *busy.sleeps {
		if d < 250*time.Millisecond || d > 30*time.Second {
			t.Errorf("backoff %v out of range", d)
		}
	}
	if !maps.Equal(busy.reader.Requests(), busy.srv.Counts()) {
		t.Errorf("reader counted %v, server %v", busy.reader.Requests(), busy.srv.Counts())
	}

	// Every request limited: give up after MaxAttempts, naming the request.
	always := newFixture(t, loadScenario(t, "plain_charges"), 1, testKey)
	_, err := always.reader.ListPayouts(ctx, PayoutFilter{})
	if err == nil || !strings.Contains(err.Error(), "stripe: listing payouts") || !strings.Contains(err.Error(), "rate_limit") {
		t.Fatalf("err = %v", err)
	}
	if got := always.srv.Counts()["GET /v1/payouts"]; got != 4 {
		t.Errorf("sent %d times, want MaxAttempts=4", got)
	}
}

func TestBackoffGrows(t *testing.T) {
	for attempt, lo := range []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second} {
		d := backoff(attempt + 1)
		if d < lo || d > 2*lo {
			t.Errorf("attempt %d: %v not in [%v, %v]", attempt+1, d, lo, 2*lo)
		}
	}
	if d := backoff(30); d > 30*time.Second {
		t.Errorf("uncapped: %v", d)
	}
}

func TestListPayoutsFilters(t *testing.T) {
	f := newFixture(t, loadScenario(t, "sandbox"), 0, testKey)
	ctx := context.Background()
	all, err := f.reader.ListPayouts(ctx, PayoutFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("got %d payouts, want 5", len(all))
	}
	manual := 0
	for i, p := range all {
		if !p.Automatic {
			manual++
			if _, err := f.reader.Snapshot(ctx, p); err == nil || !strings.Contains(err.Error(), "manual") {
				t.Errorf("Snapshot of manual payout: err = %v", err)
			}
		}
		if i > 0 && all[i-1].ArrivalDate.After(p.ArrivalDate) {
			t.Errorf("not oldest first at %d", i)
		}
	}
	if manual != 1 {
		t.Errorf("got %d manual payouts, want 1", manual)
	}
	day := func(d int) time.Time { return time.Date(2024, 3, 4+d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		f    PayoutFilter
		want int
	}{
		{PayoutFilter{Status: "paid", ArrivalFrom: day(2), ArrivalTo: day(3)}, 3}, // inclusive: day 2's + day 3's automatic + manual on day 3
		{PayoutFilter{ArrivalFrom: day(4)}, 1},
		{PayoutFilter{ArrivalTo: day(1)}, 1},
		{PayoutFilter{Status: "in_transit"}, 0},
	} {
		got, err := f.reader.ListPayouts(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%+v: got %d payouts, want %d", tc.f, len(got), tc.want)
		}
	}
}

func TestSandboxSnapshots(t *testing.T) {
	f := newFixture(t, stripefake.Sandbox(), 0, testKey)
	ctx := context.Background()
	total := 0
	for _, p := range paidPayouts(t, f.reader) {
		if !p.Automatic {
			continue
		}
		s, err := f.reader.Snapshot(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if sumNet(s) != p.Amount {
			t.Errorf("%s: Σ net %d ≠ %d", p.ID, sumNet(s), p.Amount)
		}
		total += len(s.Transactions)
	}
	if total < 200 {
		t.Errorf("sandbox has %d transactions, want a few hundred", total)
	}
	t.Logf("sandbox: %d transactions, requests %v", total, f.reader.Requests())
}

func TestAuthError(t *testing.T) {
	f := newFixture(t, loadScenario(t, "plain_charges"), 0, "sk_test_wrong_key_000000")
	_, err := f.reader.GetPayout(context.Background(), "po_123")
	if !IsAuth(err) {
		t.Fatalf("IsAuth(%v) = false", err)
	}
	if !strings.Contains(err.Error(), "getting payout po_123") || strings.Contains(err.Error(), "sk_test_wrong_key_000000") {
		t.Errorf("error %q should name the payout and not echo the key", err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("not a *payout.Error: %T", err)
	}
}

func TestRouteMatchesFake(t *testing.T) {
	for _, p := range []string{"/v1/payouts", "/v1/payouts/po_1", "/v1/invoices/in_1/lines", "/v1/balance_transactions"} {
		if route("GET", p) != stripefake.Route("GET", p) {
			t.Errorf("%s: %q vs %q", p, route("GET", p), stripefake.Route("GET", p))
		}
	}
}

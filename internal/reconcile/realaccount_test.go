package reconcile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// currencyLater: a customer pays in USD on day one and in EUR on day two,
// each paid out the next morning.
func currencyLater() (*stripefake.Scenario, []time.Time) {
	day := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	b := stripefake.NewBuilder(41, day)
	cus := b.Customer(stripefake.CustomerSpec{Name: "Ada Lovelace", Email: "ada@example.com"})
	b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 5000, Description: "USD order"})
	b.Payout(stripefake.PayoutSpec{ArrivalDate: day.AddDate(0, 0, 1).Truncate(24 * time.Hour)})
	b.At(day.AddDate(0, 0, 1))
	b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 3000, Currency: "eur", ExchangeRate: "1.1", Description: "EUR order"})
	b.Payout(stripefake.PayoutSpec{ArrivalDate: day.AddDate(0, 0, 2).Truncate(24 * time.Hour)})
	return b.Scenario(), []time.Time{day.AddDate(0, 0, 1).Truncate(24 * time.Hour), day.AddDate(0, 0, 2).Truncate(24 * time.Hour)}
}

// TestCustomerGetsLaterCurrency: the customer made for the USD charge has
// USD; before the EUR payment of the next payout, nsrecon adds EUR to the
// customer's currency list, and NetSuite (the fake refuses a transaction in
// a currency the customer lacks) takes the payment.
func TestCustomerGetsLaterCurrency(t *testing.T) {
	sc, days := currencyLater()
	w := newWorldFrom(t, sandbox.Options{Scenario: sc})
	db := filepath.Join(t.TempDir(), "ledger.db")
	if got := statuses(w.run(db, days[0], days[0])); got != "reconciled" {
		t.Fatalf("day 1: %s", got)
	}
	custs := w.env.NetSuite.Records("customer")
	if len(custs) != 1 || !strings.Contains(jsonOf(custs[0].Fields), `"currencyList":{"items":[{"currency":{"id":"1"}}]}`) {
		t.Fatalf("customer after day 1: %s", jsonOf(custs))
	}
	if got := statuses(w.run(db, days[1], days[1])); got != "reconciled" {
		t.Fatalf("day 2: %s", got)
	}
	got := jsonOf(w.env.NetSuite.Records("customer")[0].Fields)
	if !strings.Contains(got, `{"currency":{"id":"1"}},{"currency":{"id":"2"}}`) {
		t.Errorf("customer after day 2: %s", got)
	}
	w.checkBooks(2)
}

// TestCustomerCurrencyRefusedHolds: in an account where a customer cannot
// have a second currency, the EUR payout is held with a reason before any
// record of it is written.
func TestCustomerCurrencyRefusedHolds(t *testing.T) {
	sc, days := currencyLater()
	w := newWorldFrom(t, sandbox.Options{Scenario: sc, NetSuiteAccount: func(o *nsfake.Options) { o.SingleCurrencyCustomers = true }})
	db := filepath.Join(t.TempDir(), "ledger.db")
	w.run(db, days[0], days[0])
	rep := w.run(db, days[1], days[1])
	p := rep.Payouts[0]
	if p.Status != outcome.Held || len(p.Problems) != 1 || p.Problems[0].Code != push.CodeCustomerCurrency ||
		!strings.Contains(p.Problems[0].Fix, "EUR") {
		t.Fatalf("day 2: %s %+v", p.Status, p.Problems)
	}
	if n := len(w.env.NetSuite.Records("customerPayment")); n != 1 {
		t.Errorf("%d payments in NetSuite, want only day 1's", n)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

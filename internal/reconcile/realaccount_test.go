package reconcile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
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

// TestRoundingRuleReconcilesKWD: with rules.rounding: account the KWD
// payout the default holds is pushed, every amount at NetSuite's two
// decimals (the fake refuses a third), and its deposit is the payout
// amount rounded, the differences on the rounding account.
func TestRoundingRuleReconcilesKWD(t *testing.T) {
	w := newWorld(t, "kwd_payout")
	s := plansettings.From(w.cfg)
	s.RoundingRule = plan.RoundingAccount
	if s.Rounding == "" {
		t.Fatal("the sandbox config maps no accounts.rounding")
	}
	rep := w.runWith(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[0], s)
	if got := statuses(rep); got != "reconciled" {
		t.Fatalf("%s", got)
	}
	dep := w.env.NetSuite.Records("deposit")[0]
	total, _ := w.env.NetSuite.DepositTotal(dep.ID)
	amount := rep.Payouts[0].Amount
	if want := money.FormatNetSuite(money.RoundNetSuite(amount, "kwd"), "kwd"); total != want {
		t.Errorf("deposit %s, want %s (payout %s)", total, want, money.Format(amount, "kwd"))
	}
	if !strings.Contains(jsonOf(dep.Fields), `"account":{"id":"`+s.Rounding+`"}`) {
		t.Errorf("no rounding line: %s", jsonOf(dep.Fields))
	}
}

// TestCustomerIDsDerived: in an account with customer auto-numbering off,
// customers.entity_id: derived gives each customer a unique Customer ID,
// even two Stripe customers with one name.
func TestCustomerIDsDerived(t *testing.T) {
	day := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	b := stripefake.NewBuilder(42, day)
	for _, email := range []string{"a@one.example", "a@two.example"} {
		cus := b.Customer(stripefake.CustomerSpec{Name: "Acme Corp", Email: email, Phone: "12"})
		b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 5000, Description: "order"})
	}
	arrival := day.AddDate(0, 0, 1).Truncate(24 * time.Hour)
	b.Payout(stripefake.PayoutSpec{ArrivalDate: arrival})
	w := newWorldFrom(t, sandbox.Options{Scenario: b.Scenario(), NetSuiteAccount: func(o *nsfake.Options) { o.ManualCustomerIDs = true }})
	db := filepath.Join(t.TempDir(), "l.db")
	if got := statuses(w.run(db, arrival, arrival)); !strings.HasPrefix(got, "failed") {
		t.Fatalf("auto-numbered customers in an account without auto-numbering: %s", got)
	}
	s := plansettings.From(w.cfg)
	s.EntityID = plan.EntityIDDerived
	if got := statuses(w.runWith(db, arrival, arrival, s)); got != "reconciled" {
		t.Fatalf("derived: %s", got)
	}
	custs := w.env.NetSuite.Records("customer")
	if len(custs) != 2 || custs[0].Fields["entityId"] == custs[1].Fields["entityId"] ||
		!strings.HasPrefix(custs[0].Fields["entityId"].(string), "Acme Corp (cus_") {
		t.Errorf("customers %s", jsonOf(custs))
	}
	if _, sent := custs[0].Fields["phone"]; sent {
		t.Errorf("a phone NetSuite refuses was sent: %s", jsonOf(custs[0].Fields))
	}
}

// TestTaxSettings: items.tax_schedule goes on the items nsrecon creates,
// items.tax_code on every invoice line, and NetSuite (the fake checks both
// references) takes them.
func TestTaxSettings(t *testing.T) {
	w := newWorld(t, "invoice_charges")
	s := plansettings.From(w.cfg)
	s.TaxSchedule, s.TaxCode = "451", "450"
	rep := w.runWith(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[len(w.days)-1], s)
	if got := statuses(rep); got != "reconciled" {
		t.Fatalf("%s", got)
	}
	items := w.env.NetSuite.Records("serviceSaleItem")
	invs := w.env.NetSuite.Records("invoice")
	if len(items) == 0 || len(invs) == 0 {
		t.Fatal("no items or invoices")
	}
	for _, it := range items {
		if it.ExternalID != "" && !strings.Contains(jsonOf(it.Fields), `"taxSchedule":{"id":"451"}`) {
			t.Errorf("item %s: %s", it.ExternalID, jsonOf(it.Fields))
		}
	}
	for _, in := range invs {
		lines := in.Fields["item"].(map[string]any)["items"].([]any)
		for _, l := range lines {
			if !strings.Contains(jsonOf(l), `"taxCode":{"id":"450"}`) {
				t.Errorf("invoice %s line %s", in.ExternalID, jsonOf(l))
			}
		}
	}
	// An unknown tax code holds the payout before its first write, naming
	// the key.
	s.TaxCode = "999"
	w2 := newWorld(t, "invoice_charges")
	got := statuses(w2.runWith(filepath.Join(t.TempDir(), "l2.db"), w2.days[0], w2.days[len(w2.days)-1], s))
	if !strings.HasPrefix(got, "held, "+outcome.CodeNotInNetSuite) || !strings.Contains(got, "items.tax_code") {
		t.Errorf("an unknown tax code: %s", got)
	}
	if n := w2.writes(); n != 0 {
		t.Errorf("an unknown tax code: %d records written", n)
	}
}

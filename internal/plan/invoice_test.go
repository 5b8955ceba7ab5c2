package plan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

func invoiceSettings() Settings {
	return Settings{UndepositedFunds: "100", BankAccounts: map[string]string{"usd": "200"}, StripeFees: "300", TaxItem: "401",
		ItemIncome: "500", DiscountAcct: "501"}
}

func testInvoice() (*payout.Invoice, *payout.Customer) {
	created := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	inv := &payout.Invoice{
		ID: "in_1", Number: "NSR-0001", Customer: "cus_1", Currency: "usd", Status: "open", BillingReason: "manual",
		Created: created, DueDate: created.AddDate(0, 0, 30), Subtotal: 30000, Tax: 2475, Total: 29475,
		Lines: []payout.InvoiceLine{
			{ID: "il_1", Amount: 25000, Quantity: 2, Price: payout.Price{ID: "price_1", ProductName: "Consulting", UnitAmount: 12500}},
			{ID: "il_2", Amount: 5000, Quantity: 1, Description: "Setup"},
		},
		Discounts: []payout.Discount{{ID: "di_1", Name: "Launch", Amount: 3000}},
	}
	return inv, &payout.Customer{ID: "cus_1", Name: "Ada Lovelace", Email: "ada@example.com"}
}

func TestBuildInvoice(t *testing.T) {
	inv, cust := testInvoice()
	pl := BuildInvoice(inv, cust, invoiceSettings(), nil)
	if pl.Held() {
		t.Fatalf("held: %+v", pl.Problems)
	}
	if !pl.IsInvoicePlan() || pl.DepositTotal != 0 {
		t.Errorf("not an invoice plan: payout %q, deposit %d", pl.Payout.ID, pl.DepositTotal)
	}
	var got []string
	for _, r := range pl.Records {
		got = append(got, r.Type+" "+r.ExternalID)
	}
	want := []string{"customer stripe_cus_1", "serviceSaleItem stripe_price_1", "serviceSaleItem stripe_price_adhoc",
		"discountItem stripe_di_1", "invoice stripe_in_1"}
	if len(got) != len(want) {
		t.Fatalf("records %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %s, want %s", i, got[i], want[i])
		}
	}
	in := pl.Records[len(pl.Records)-1].Body.(*netsuite.Invoice)
	if in.Item.Total() != inv.Total || in.DueDate != "2026-12-02" {
		t.Errorf("invoice total %d due %s", in.Item.Total(), in.DueDate)
	}
}

// The invoice plan is the payout plan's invoice part: same records, same
// bodies, so the daily run finds exactly what the real-time sync made.
func TestBuildInvoiceMatchesPayoutPlan(t *testing.T) {
	inv, cust := testInvoice()
	inv.Status, inv.AmountPaid = "paid", inv.Total
	snap := &payout.Snapshot{
		Payout: payout.Payout{ID: "po_1", Amount: 29475 - 885, Currency: "usd", Status: "paid", Automatic: true,
			ArrivalDate: inv.Created.AddDate(0, 0, 2)},
		Transactions: []payout.BalanceTransaction{{ID: "txn_1", Amount: 29475, Fee: 885, Net: 29475 - 885, Currency: "usd",
			Type: "charge", ReportingCategory: "charge", Source: "ch_1", Created: inv.Created}},
		Charges:   map[string]*payout.Charge{"ch_1": {ID: "ch_1", Amount: 29475, Currency: "usd", Customer: "cus_1", Invoice: "in_1"}},
		Invoices:  map[string]*payout.Invoice{"in_1": inv},
		Customers: map[string]*payout.Customer{"cus_1": cust},
	}
	daily := Build(snap, invoiceSettings(), nil)
	if daily.Held() {
		t.Fatalf("payout plan held: %+v", daily.Problems)
	}
	bodies := map[string]string{}
	for _, r := range daily.Records {
		b, _ := json.Marshal(r.Body)
		bodies[r.ExternalID] = string(b)
	}
	for _, r := range BuildInvoice(inv, cust, invoiceSettings(), nil).Records {
		b, _ := json.Marshal(r.Body)
		if bodies[r.ExternalID] != string(b) {
			t.Errorf("%s differs from the payout plan's:\n got %s\nwant %s", r.ExternalID, b, bodies[r.ExternalID])
		}
	}
}

func TestBuildInvoiceHeld(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*payout.Invoice, *payout.Customer) *payout.Customer
		code string
	}{
		{"no email", func(_ *payout.Invoice, c *payout.Customer) *payout.Customer { c.Email = ""; return c }, outcome.CodeMissingField},
		{"draft", func(i *payout.Invoice, c *payout.Customer) *payout.Customer { i.Status = "draft"; return c }, outcome.CodeNotFinalized},
		{"void", func(i *payout.Invoice, c *payout.Customer) *payout.Customer { i.Status = "void"; return c }, outcome.CodeVoided},
		{"lines off", func(i *payout.Invoice, c *payout.Customer) *payout.Customer { i.Total++; return c }, outcome.CodeInvoiceMismatch},
		{"no customer", func(_ *payout.Invoice, _ *payout.Customer) *payout.Customer { return nil }, outcome.CodeMissingObject},
		{"bad currency", func(i *payout.Invoice, c *payout.Customer) *payout.Customer { i.Currency = "us"; return c }, outcome.CodeUnknownCurrency},
	} {
		inv, cust := testInvoice()
		pl := BuildInvoice(inv, tc.edit(inv, cust), invoiceSettings(), nil)
		if !pl.Held() || pl.Problems[0].Code != tc.code {
			t.Errorf("%s: problems %+v, want %s", tc.name, pl.Problems, tc.code)
		}
	}
	inv, cust := testInvoice()
	s := invoiceSettings()
	s.TaxItem = ""
	if pl := BuildInvoice(inv, cust, s, nil); !pl.Held() || pl.Problems[0].Code != outcome.CodeMissingMapping {
		t.Errorf("no tax item: %+v", pl.Problems)
	}
}

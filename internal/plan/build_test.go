package plan

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func settings() Settings {
	return Settings{
		UndepositedFunds: "100",
		BankAccounts:     map[string]string{"usd": "200", "jpy": "201", "kwd": "202", "huf": "203", "twd": "204"},
		StripeFees:       "300",
		FeeTax:           "301",
		ApplicationFees:  "302",
		DisputeFees:      "303",
		FXDifference:     "304",
		Categories:       map[string]string{"other_adjustment": "310", "dispute_reversal": "311"},
		RefundItem:       "400",
		TaxItem:          "401",
		ItemIncome:       "500",
		DiscountAcct:     "501",
		Currencies:       map[string]string{"eur": "2", "gbp": "3"},
	}
}

// snap is a small builder of consistent snapshots for tests.
type snap struct {
	s *payout.Snapshot
	n int
}

func newSnap(cur string) *snap {
	return &snap{s: &payout.Snapshot{
		Payout: payout.Payout{ID: "po_1", Currency: cur, Status: "paid", Automatic: true,
			ArrivalDate: t0.Add(48 * time.Hour), Created: t0.Add(24 * time.Hour)},
		Charges: map[string]*payout.Charge{}, Refunds: map[string]*payout.Refund{},
		Disputes: map[string]*payout.Dispute{}, Invoices: map[string]*payout.Invoice{},
		Customers: map[string]*payout.Customer{},
	}}
}

func (b *snap) bt(cat, typ, src string, amount, fee int64, details ...payout.FeeDetail) *payout.BalanceTransaction {
	b.n++
	b.s.Transactions = append(b.s.Transactions, payout.BalanceTransaction{
		ID: fmt.Sprintf("txn_%07d", b.n), Amount: amount, Fee: fee, Net: amount - fee,
		Currency: b.s.Payout.Currency, Type: typ, ReportingCategory: cat, Source: src,
		Created: t0.Add(time.Duration(b.n) * time.Minute), FeeDetails: details,
	})
	b.s.Payout.Amount += amount - fee
	return &b.s.Transactions[len(b.s.Transactions)-1]
}

func (b *snap) customer(id, name, email string) {
	b.s.Customers[id] = &payout.Customer{ID: id, Name: name, Email: email}
}

func (b *snap) charge(id, cust, inv string, amount, fee int64) {
	b.s.Charges[id] = &payout.Charge{ID: id, Amount: amount, Currency: b.s.Payout.Currency, Customer: cust, Invoice: inv, Created: t0}
	b.bt("charge", "charge", id, amount, fee)
}

func (b *snap) refund(id, charge string, amount int64) {
	b.s.Refunds[id] = &payout.Refund{ID: id, Amount: amount, Currency: b.s.Payout.Currency, Charge: charge}
	b.bt("refund", "refund", id, -amount, 0)
}

func (b *snap) finish() *payout.Snapshot {
	// The payout's own transaction: ignored by the sum.
	b.s.Transactions = append(b.s.Transactions, payout.BalanceTransaction{
		ID: "txn_payout", Amount: -b.s.Payout.Amount, Net: -b.s.Payout.Amount, Currency: b.s.Payout.Currency,
		Type: "payout", ReportingCategory: "payout", Source: b.s.Payout.ID, Created: t0.Add(24 * time.Hour),
	})
	return b.s
}

func codes(p *Plan) []string {
	var out []string
	for _, pr := range p.Problems {
		out = append(out, pr.Code)
	}
	return out
}

func mustReady(t *testing.T, p *Plan) {
	t.Helper()
	if p.Held() {
		t.Fatalf("plan held: %+v", p.Problems)
	}
	if p.DepositTotal != p.Payout.Amount {
		t.Fatalf("deposit %d ≠ payout %d", p.DepositTotal, p.Payout.Amount)
	}
}

func rec(t *testing.T, p *Plan, extID string) Record {
	t.Helper()
	for _, r := range p.Records {
		if r.ExternalID == extID {
			return r
		}
	}
	t.Fatalf("no record %s in plan; have %v", extID, extIDs(p))
	return Record{}
}

func extIDs(p *Plan) []string {
	var out []string
	for _, r := range p.Records {
		out = append(out, r.ExternalID)
	}
	return out
}

func TestPlainChargesAndFees(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme Ltd", "ap@acme.test")
	b.charge("ch_1", "cus_1", "", 10000, 320)
	b.charge("ch_2", "cus_1", "", 2500, 103)
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	if got, want := extIDs(p), []string{"stripe_cus_1", "stripe_ch_1", "stripe_ch_2", "stripe_po_1"}; !slices.Equal(got, want) {
		t.Fatalf("records %v, want %v", got, want)
	}
	pay := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment)
	if pay.Payment.Minor != 10000 || pay.UndepFunds == nil || pay.UndepFunds.ID != "T" || pay.Customer.ExternalID != "stripe_cus_1" || !strings.Contains(pay.Memo, "ch_1") {
		t.Errorf("payment = %+v", pay)
	}
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	if len(dep.Payment.Items) != 2 || len(dep.CashBack.Items) != 2 || dep.CashBack.Items[0].Account.ID != "300" {
		t.Errorf("deposit lines = %+v", dep)
	}
	if d := rec(t, p, "stripe_ch_2").Deps; !slices.Equal(d, []string{"stripe_cus_1"}) {
		t.Errorf("deps = %v", d)
	}
}

func TestFeeDetailsSplitByAccount(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.s.Charges["ch_1"] = &payout.Charge{ID: "ch_1", Amount: 10000, Currency: "usd", Customer: "cus_1"}
	b.bt("charge", "charge", "ch_1", 10000, 400,
		payout.FeeDetail{Amount: 320, Currency: "usd", Type: "stripe_fee"},
		payout.FeeDetail{Amount: 50, Currency: "usd", Type: "tax"},
		payout.FeeDetail{Amount: 20, Currency: "usd", Type: "application_fee"})
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	got := map[string]int64{}
	for _, c := range dep.CashBack.Items {
		got[c.Account.ID] += c.Amount.Minor
	}
	// 10 unexplained by the details go to the fee account.
	want := map[string]int64{"300": 330, "301": 50, "302": 20}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("cash back to %s = %d, want %d (all %v)", k, got[k], v, got)
		}
	}
}

func TestInvoiceChargeWithDiscountAndTax(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.s.Invoices["in_1"] = &payout.Invoice{
		ID: "in_1", Number: "INV-1", Customer: "cus_1", Currency: "usd", Created: t0,
		Lines: []payout.InvoiceLine{
			{ID: "il_1", Amount: 5000, Quantity: 2, Price: payout.Price{ID: "price_a", ProductName: "Seats"}},
			{ID: "il_2", Amount: 3000, Quantity: 1, Price: payout.Price{ID: "price_b", Metadata: map[string]string{"netsuite_service_sale_item_id": "77"}}},
		},
		Discounts: []payout.Discount{{ID: "co_10off", Name: "10% off", Amount: 800}},
		Tax:       720, Subtotal: 8000, Total: 7920,
	}
	b.charge("ch_1", "cus_1", "in_1", 7920, 260)
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	inv := rec(t, p, "stripe_in_1").Body.(*netsuite.Invoice)
	if inv.Item.Total() != 7920 || len(inv.Item.Items) != 4 {
		t.Fatalf("invoice lines %+v", inv.Item.Items)
	}
	if inv.Item.Items[1].Item.ID != "77" || inv.Item.Items[0].Item.ExternalID != "stripe_price_a" || inv.Item.Items[3].Item.ID != "401" {
		t.Errorf("items = %+v", inv.Item.Items)
	}
	rec(t, p, "stripe_price_a")
	rec(t, p, "stripe_co_10off")
	pay := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment)
	if pay.Apply == nil || pay.Apply.Items[0].Doc.ExternalID != "stripe_in_1" || pay.Apply.Items[0].Amount.Minor != 7920 {
		t.Errorf("payment apply = %+v", pay.Apply)
	}
	// Dependency order: everything an invoice references comes before it.
	pos := map[string]int{}
	for i, r := range p.Records {
		pos[r.ExternalID] = i
	}
	for _, r := range p.Records {
		for _, d := range r.Deps {
			if pos[d] >= pos[r.ExternalID] {
				t.Errorf("%s comes before its dependency %s", r.ExternalID, d)
			}
		}
	}
}

func TestInvoiceTotalMismatchHolds(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: "usd", Total: 999,
		Lines: []payout.InvoiceLine{{Amount: 1000, Price: payout.Price{ID: "price_a"}}}}
	b.charge("ch_1", "cus_1", "in_1", 999, 30)
	p := Build(b.finish(), settings(), nil)
	if !slices.Contains(codes(p), outcome.CodeInvoiceMismatch) {
		t.Fatalf("codes = %v", codes(p))
	}
}

func TestRefunds(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: "usd", Total: 4000, Customer: "cus_1",
		Lines: []payout.InvoiceLine{{Amount: 4000, Quantity: 1, Price: payout.Price{ID: "price_a"}}}}
	b.charge("ch_1", "cus_1", "", 10000, 320)
	b.charge("ch_2", "cus_1", "in_1", 4000, 146)
	b.refund("re_1", "ch_1", 2500) // partial, plain
	b.refund("re_2", "ch_2", 4000) // full, invoice
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	r1 := rec(t, p, "stripe_re_1").Body.(*netsuite.CustomerRefund)
	if r1.Total.Minor != 2500 || r1.Apply.Items[0].Doc.ExternalID != "stripe_ch_1" || r1.Account.ID != "100" {
		t.Errorf("plain refund = %+v", r1)
	}
	cm := rec(t, p, "stripe_cm_re_2").Body.(*netsuite.CreditMemo)
	if cm.Apply != nil || !strings.Contains(cm.Memo, "in_1") || cm.Item.Total() != 4000 || cm.Item.Items[0].Item.ID != "400" {
		t.Errorf("credit memo = %+v", cm)
	}
	r2 := rec(t, p, "stripe_re_2").Body.(*netsuite.CustomerRefund)
	if r2.Apply.Items[0].Doc.ExternalID != "stripe_cm_re_2" {
		t.Errorf("invoice refund applies to %+v", r2.Apply)
	}
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	var neg int64
	for _, l := range dep.Payment.Items {
		if l.Amount.Minor < 0 {
			neg += l.Amount.Minor
		}
	}
	if neg != -6500 {
		t.Errorf("refund deposit lines = %d, want -6500", neg)
	}
}

func TestRefundOfEarlierPayout(t *testing.T) {
	mk := func() *payout.Snapshot {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_new", "cus_1", "", 5000, 175)
		b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 3000, Currency: "usd", Customer: "cus_1"}
		b.refund("re_1", "ch_old", 3000)
		return b.finish()
	}
	t.Run("known", func(t *testing.T) {
		p := Build(mk(), settings(), KnownSet{"stripe_ch_old": true})
		mustReady(t, p)
		if d := rec(t, p, "stripe_re_1").Deps; !slices.Contains(d, "stripe_ch_old") {
			t.Errorf("deps %v", d)
		}
	})
	t.Run("unknown holds", func(t *testing.T) {
		p := Build(mk(), settings(), nil)
		if !slices.Equal(codes(p), []string{outcome.CodeUnresolvedRef}) || !strings.Contains(p.Problems[0].Fix, "rules.orphan_refund") {
			t.Fatalf("problems = %+v", p.Problems)
		}
	})
	t.Run("orphan rule deposit line", func(t *testing.T) {
		s := settings()
		s.OrphanRule, s.OrphanAccount = "deposit_line", "900"
		p := Build(mk(), s, nil)
		mustReady(t, p)
		dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
		if len(dep.CashBack.Items) != 2 || dep.CashBack.Items[1].Account.ID != "900" || dep.CashBack.Items[1].Amount.Minor != 3000 {
			t.Errorf("cash back = %+v", dep.CashBack.Items)
		}
	})
}

func TestDisputeWithdrawnAndReinstated(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.charge("ch_1", "cus_1", "", 10000, 320)
	b.s.Disputes["dp_1"] = &payout.Dispute{ID: "dp_1", Amount: 10000, Currency: "usd", Charge: "ch_1"}
	b.bt("dispute", "adjustment", "dp_1", -10000, 1500, payout.FeeDetail{Amount: 1500, Currency: "usd", Type: "stripe_fee", Description: "Dispute fee"})
	b.bt("dispute_reversal", "adjustment", "dp_1", 10000, -1500, payout.FeeDetail{Amount: -1500, Currency: "usd", Type: "stripe_fee"})
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	rf := rec(t, p, "stripe_dp_1").Body.(*netsuite.CustomerRefund)
	if rf.Total.Minor != 10000 || rf.Apply.Items[0].Doc.ExternalID != "stripe_ch_1" {
		t.Errorf("dispute refund = %+v", rf)
	}
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	var disputeFee, reinstated int64
	for _, c := range dep.CashBack.Items {
		if c.Account.ID == "303" {
			disputeFee += c.Amount.Minor
		}
	}
	for _, o := range dep.Other.Items {
		if o.Account.ID == "311" {
			reinstated += o.Amount.Minor
		}
	}
	if disputeFee != 1500 || reinstated != 10000 {
		t.Errorf("dispute fee %d, reinstated %d; deposit %+v", disputeFee, reinstated, dep)
	}
}

func TestHeldPayouts(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(b *snap, s *Settings)
		code   string
		object string
		fix    string
	}{
		{"sum mismatch", func(b *snap, s *Settings) { b.s.Payout.Amount += 1 }, outcome.CodeSumMismatch, "po_1", ""},
		{"unknown category", func(b *snap, s *Settings) { b.bt("crypto_settlement", "adjustment", "", 500, 0) }, outcome.CodeUnsupported, "", "upgrade nsrecon"},
		{"unmapped category", func(b *snap, s *Settings) { b.bt("platform_earning", "application_fee", "fee_1", 500, 0) }, outcome.CodeMissingMapping, "", "accounts.categories.platform_earning"},
		{"no email", func(b *snap, s *Settings) { b.s.Customers["cus_1"].Email = "" }, outcome.CodeMissingField, "cus_1", "add the email to cus_1"},
		{"no name", func(b *snap, s *Settings) { b.s.Customers["cus_1"].Name = "" }, outcome.CodeMissingField, "cus_1", "customers.default_name"},
		{"no bank account", func(b *snap, s *Settings) { s.BankAccounts = nil }, outcome.CodeMissingMapping, "po_1", "accounts.bank.usd"},
		{"missing charge", func(b *snap, s *Settings) { delete(b.s.Charges, "ch_1") }, outcome.CodeMissingObject, "", ""},
		{"manual payout", func(b *snap, s *Settings) { b.s.Payout.Automatic = false }, outcome.CodeManualPayout, "po_1", "by hand"},
		{"bad net", func(b *snap, s *Settings) { b.s.Transactions[0].Net++; b.s.Payout.Amount++ }, outcome.CodeBadAmount, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newSnap("usd")
			b.customer("cus_1", "Acme", "a@acme.test")
			b.charge("ch_1", "cus_1", "", 10000, 320)
			s := settings()
			c.mutate(b, &s)
			p := Build(b.finish(), s, nil)
			if !p.Held() || p.Status() != outcome.Held {
				t.Fatal("not held")
			}
			pr := p.Problems[0]
			if pr.Code != c.code || (c.object != "" && pr.Object != c.object) || !strings.Contains(pr.Fix, c.fix) || pr.Message == "" {
				t.Errorf("problem = %+v, want code %s object %q fix ~%q", pr, c.code, c.object, c.fix)
			}
		})
	}
}

func TestDefaultNameAndGuestCustomers(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "", "a@acme.test")
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.s.Charges["ch_g"] = &payout.Charge{ID: "ch_g", Amount: 2000, Currency: "usd", BillingName: "Guest", BillingEmail: "G@x.test"}
	b.bt("charge", "charge", "ch_g", 2000, 88)
	b.s.Charges["ch_g2"] = &payout.Charge{ID: "ch_g2", Amount: 2000, Currency: "usd", BillingName: "Guest", BillingEmail: "g@x.test"}
	b.bt("charge", "charge", "ch_g2", 2000, 88)
	s := settings()
	s.DefaultCustomerName = "Stripe customer"
	p := Build(b.finish(), s, nil)
	mustReady(t, p)
	if c := rec(t, p, "stripe_cus_1").Body.(*netsuite.Customer); c.CompanyName != "Stripe customer" {
		t.Errorf("default name not used: %+v", c)
	}
	// Both guest charges (same email, any case) share one customer whose
	// external ID does not leak the address.
	if n := p.Counts()[netsuite.TypeCustomer]; n != 2 {
		t.Errorf("customers = %d, want 2 (%v)", n, extIDs(p))
	}
	for _, id := range extIDs(p) {
		if strings.Contains(id, "@") || strings.Contains(id, "x.test") {
			t.Errorf("external ID %q leaks the email", id)
		}
	}
}

func TestForeignCurrencyChargeRoundsToFXLine(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	// 99.99 EUR at 1.0857 = 108.560143 USD → NetSuite 108.56; Stripe settled 108.57.
	b.s.Charges["ch_eur"] = &payout.Charge{ID: "ch_eur", Amount: 9999, Currency: "eur", Customer: "cus_1"}
	bt := b.bt("charge", "charge", "ch_eur", 10857, 345)
	bt.ExchangeRate = "1.0857"
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	pay := rec(t, p, "stripe_ch_eur").Body.(*netsuite.CustomerPayment)
	if pay.Payment.Minor != 9999 || pay.Payment.Currency != "eur" || pay.ExchangeRate != "1.0857" {
		t.Errorf("payment = %+v", pay)
	}
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	if dep.Payment.Items[0].Amount.Minor != 10856 || len(dep.Other.Items) != 1 || dep.Other.Items[0].Amount.Minor != 1 || dep.Other.Items[0].Account.ID != "304" {
		t.Errorf("deposit = %+v", dep)
	}
}

func TestZeroAndThreeDecimalPayouts(t *testing.T) {
	// HUF and TWD: Stripe's API keeps two decimals for them (payouts move
	// whole units, which the amounts already are); nothing is rounded.
	// KWD has three: 123.457 needs rules.rounding (TestThreeDecimalRounding);
	// 123.450 NetSuite keeps as 123.45.
	for _, cur := range []string{"jpy", "kwd", "huf", "twd"} {
		amount, refund := int64(123457), int64(1)
		if cur == "kwd" {
			amount, refund = 123450, 10
		}
		b := newSnap(cur)
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_1", "cus_1", "", amount, 3610)
		b.refund("re_1", "ch_1", refund)
		p := Build(b.finish(), settings(), nil)
		mustReady(t, p)
		raw, err := json.Marshal(rec(t, p, "stripe_po_1").Body)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"jpy": `"paymentAmount":123457`, "kwd": `"paymentAmount":123.45`,
			"huf": `"paymentAmount":1234.57`, "twd": `"paymentAmount":1234.57`}[cur]
		if !strings.Contains(string(raw), want) {
			t.Errorf("%s deposit JSON lacks %s: %s", cur, want, raw)
		}
	}
}

// TestThreeDecimalRounding: NetSuite keeps 0 or 2 decimals. A KWD payout
// with fils it cannot hold is held by default; with rules.rounding: account
// every amount is rounded and the differences are one deposit line to
// accounts.rounding, so the deposit is the payout at NetSuite's precision.
func TestThreeDecimalRounding(t *testing.T) {
	snap := func() *payout.Snapshot {
		b := newSnap("kwd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_1", "cus_1", "", 12345, 361) // 12.345 KWD, fee 0.361
		b.charge("ch_2", "cus_1", "", 7005, 200)
		b.refund("re_1", "ch_1", 345)
		return b.finish()
	}
	p := Build(snap(), settings(), nil)
	if len(p.Problems) != 1 || p.Problems[0].Code != outcome.CodePrecision || !strings.Contains(p.Problems[0].Fix, "rules.rounding") {
		t.Fatalf("default: %+v", p.Problems)
	}
	s := settings()
	s.RoundingRule, s.Rounding = RoundingAccount, "305"
	sn := snap()
	p = Build(sn, s, nil)
	if p.Held() {
		t.Fatalf("held: %+v", p.Problems)
	}
	if want := money.RoundNetSuite(sn.Payout.Amount, "kwd"); p.DepositTotal != want {
		t.Errorf("deposit %d, want %d", p.DepositTotal, want)
	}
	var lines int
	for _, r := range p.Records {
		r.Body.(netsuite.Amounted).EachAmount(func(a *netsuite.Amount) {
			if !money.NetSuiteExact(a.Minor, a.Currency) {
				t.Errorf("%s: %d fils left unrounded", r.ExternalID, a.Minor)
			}
		})
		if d, ok := r.Body.(*netsuite.Deposit); ok {
			for _, l := range append(append([]netsuite.DepositOther{}, d.Other.Items...), otherOf(d.CashBack.Items)...) {
				if l.Account.ID == "305" {
					lines++
				}
			}
		}
	}
	if lines != 1 {
		t.Errorf("%d rounding lines, want 1", lines)
	}
	s.Rounding = ""
	if p := Build(snap(), s, nil); len(p.Problems) != 1 || p.Problems[0].Code != outcome.CodeMissingMapping {
		t.Errorf("no accounts.rounding: %+v", p.Problems)
	}
}

func otherOf(cb []netsuite.DepositCashBack) []netsuite.DepositOther {
	out := make([]netsuite.DepositOther, 0, len(cb))
	for _, c := range cb {
		out = append(out, netsuite.DepositOther{Account: c.Account, Amount: c.Amount})
	}
	return out
}

func TestDeterministicRegardlessOfOrder(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.customer("cus_2", "Beta", "b@beta.test")
	for i, c := range []string{"ch_1", "ch_2", "ch_3", "ch_4"} {
		b.charge(c, []string{"cus_1", "cus_2"}[i%2], "", int64(1000*(i+1)), 59)
	}
	b.refund("re_1", "ch_2", 500)
	sn := b.finish()
	want, _ := json.Marshal(Build(sn, settings(), nil))
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10; i++ {
		r.Shuffle(len(sn.Transactions), func(i, j int) { sn.Transactions[i], sn.Transactions[j] = sn.Transactions[j], sn.Transactions[i] })
		got, _ := json.Marshal(Build(sn, settings(), nil))
		if string(got) != string(want) {
			t.Fatalf("plan depends on transaction order")
		}
	}
}

func TestExternalIDIsNetSuiteSafe(t *testing.T) {
	if got := ExternalID("ch_3Nx.y/z"); got != "stripe_ch_3Nx-y-z" {
		t.Errorf("ExternalID = %q", got)
	}
}

type matcher struct {
	KnownSet
	emails map[string]string
}

func (m matcher) CustomerByEmail(e string) (string, bool) { id, ok := m.emails[e]; return id, ok }

func TestMatchCustomerByEmail(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "AP@Acme.test")
	b.customer("cus_2", "New Co", "new@co.test")
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.charge("ch_2", "cus_2", "", 1000, 59)
	s := settings()
	s.CustomerMode = "match_email"
	p := Build(b.finish(), s, matcher{emails: map[string]string{"ap@acme.test": "812"}})
	mustReady(t, p)
	if c := rec(t, p, "stripe_ch_1").Body.(*netsuite.CustomerPayment).Customer; c.ID != "812" {
		t.Errorf("matched customer ref = %+v, want id 812", c)
	}
	if p.Counts()[netsuite.TypeCustomer] != 1 {
		t.Errorf("records %v: only the unmatched customer should be created", extIDs(p))
	}
}

func TestFailedPayoutTransactionsAreCarried(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.charge("ch_new", "cus_1", "", 5000, 175)
	// The failed payout po_f held ch_old; its funds return as a
	// payout_failure here and the reader brings its transactions (Via).
	fail := b.bt("payout_reversal", "payout_failure", "po_f", 2910, 0)
	b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 3000, Currency: "usd", Customer: "cus_1"}
	b.s.Transactions = append(b.s.Transactions, payout.BalanceTransaction{ID: "txn_old", Amount: 3000, Fee: 90, Net: 2910,
		Currency: "usd", Type: "charge", ReportingCategory: "charge", Source: "ch_old", Via: fail.ID})
	p := Build(b.finish(), settings(), nil)
	mustReady(t, p)
	rec(t, p, "stripe_ch_old")
	dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
	if len(dep.Payment.Items) != 2 || len(dep.Other.Items) != 0 {
		t.Errorf("deposit should hold both payments and no lump line: %+v", dep)
	}

	// Carried transactions that do not add up to the failure hold.
	b.s.Transactions[len(b.s.Transactions)-2].Net = 2000
	b.s.Transactions[len(b.s.Transactions)-2].Amount = 2090
	if p := Build(b.s, settings(), nil); !slices.Contains(codes(p), outcome.CodeBadAmount) {
		t.Errorf("mismatched carried transactions not held: %v", codes(p))
	}
}

func TestNegativePayoutHeld(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.refund("re_1", "ch_1", 1000)
	b.bt("other_adjustment", "adjustment", "", -5000, 0)
	p := Build(b.finish(), settings(), nil)
	if p.Payout.Amount >= 0 || !slices.Equal(codes(p), []string{outcome.CodeNegativePayout}) || !strings.Contains(p.Problems[0].Fix, "by hand") {
		t.Fatalf("amount %d problems %+v", p.Payout.Amount, p.Problems)
	}
}

func TestIndividualAndCompanyCustomers(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_p", "Ada King Lovelace", "ada@example.test")
	b.customer("cus_c", "Acme Ltd", "ap@acme.test")
	b.s.Customers["cus_c"].Metadata = map[string]string{"netsuite_customer_type": "company"}
	b.customer("cus_1", "Cher", "cher@example.test")
	b.charge("ch_1", "cus_p", "", 1000, 59)
	b.charge("ch_2", "cus_c", "", 1000, 59)
	b.charge("ch_3", "cus_1", "", 1000, 59)
	s := settings()
	s.CustomerType = "individual"
	p := Build(b.finish(), s, nil)
	mustReady(t, p)
	if c := rec(t, p, "stripe_cus_p").Body.(*netsuite.Customer); !c.IsPerson || c.FirstName != "Ada King" || c.LastName != "Lovelace" || c.CompanyName != "" {
		t.Errorf("individual = %+v", c)
	}
	if c := rec(t, p, "stripe_cus_c").Body.(*netsuite.Customer); c.IsPerson || c.CompanyName != "Acme Ltd" {
		t.Errorf("metadata override to company = %+v", c)
	}
	if c := rec(t, p, "stripe_cus_1").Body.(*netsuite.Customer); !c.IsPerson || c.LastName != "Cher" {
		t.Errorf("one-word individual = %+v", c)
	}
}

// Review fixes: each case fails if its rule is reverted.
func TestReviewedEdges(t *testing.T) {
	t.Run("payout failed after it was deposited is not carried again", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_new", "cus_1", "", 5000, 175)
		fail := b.bt("payout_reversal", "payout_failure", "po_f", 2910, 0)
		b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 3000, Currency: "usd", Customer: "cus_1"}
		b.s.Transactions = append(b.s.Transactions, payout.BalanceTransaction{ID: "txn_old", Amount: 3000, Fee: 90, Net: 2910,
			Currency: "usd", Type: "charge", ReportingCategory: "charge", Source: "ch_old", Via: fail.ID})
		s := settings()
		s.Categories["payout_reversal"] = "200"
		p := Build(b.finish(), s, KnownSet{"stripe_po_f": true, "stripe_ch_old": true, "stripe_cus_1": true})
		mustReady(t, p)
		dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
		if len(dep.Payment.Items) != 1 || len(dep.Other.Items) != 1 || dep.Other.Items[0].Amount.Minor != 2910 || len(p.Notes) != 1 {
			t.Errorf("deposit %+v notes %v: want the new payment and one payout_reversal line", dep, p.Notes)
		}
	})
	t.Run("refund_failure and any mapped category are lines", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_1", "cus_1", "", 5000, 175)
		b.bt("refund_failure", "refund_failure", "re_x", 1200, 0)
		b.bt("brand_new_category", "adjustment", "", -300, 0)
		s := settings()
		s.Categories["refund_failure"], s.Categories["brand_new_category"] = "320", "321"
		mustReady(t, Build(b.finish(), s, nil))
	})
	t.Run("known customer deleted in Stripe", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "", "") // deleted: no name, no email
		b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 3000, Currency: "usd", Customer: "cus_1"}
		b.refund("re_1", "ch_old", 3000)
		b.bt("other_adjustment", "adjustment", "", 9000, 0)
		p := Build(b.finish(), settings(), KnownSet{"stripe_ch_old": true, "stripe_cus_1": true})
		mustReady(t, p)
		if p.Counts()[netsuite.TypeCustomer] != 0 {
			t.Error("a known customer was planned again")
		}
	})
	t.Run("foreign currency needs a currency mapping", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.s.Charges["ch_chf"] = &payout.Charge{ID: "ch_chf", Amount: 1000, Currency: "chf", Customer: "cus_1"}
		b.bt("charge", "charge", "ch_chf", 1130, 60).ExchangeRate = "1.13"
		p := Build(b.finish(), settings(), nil)
		if !slices.Equal(codes(p), []string{outcome.CodeMissingMapping}) || !strings.Contains(p.Problems[0].Fix, "currencies.chf") {
			t.Errorf("problems %+v", p.Problems)
		}
	})
	t.Run("partial capture in a foreign currency", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.s.Charges["ch_eur"] = &payout.Charge{ID: "ch_eur", Amount: 10000, AmountCaptured: 5000, Currency: "eur", Customer: "cus_1"}
		b.bt("charge", "charge", "ch_eur", 5429, 187).ExchangeRate = "1.0857"
		p := Build(b.finish(), settings(), nil)
		mustReady(t, p)
		dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
		if pay := rec(t, p, "stripe_ch_eur").Body.(*netsuite.CustomerPayment); pay.Payment.Minor != 5000 || len(dep.Other.Items)+len(dep.CashBack.Items) != 1 {
			t.Errorf("payment %d, deposit %+v: want 50.00 EUR and only the fee line", pay.Payment.Minor, dep)
		}
	})
	t.Run("tax-inclusive invoice", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: "usd", Total: 12000, Tax: 2000,
			Lines: []payout.InvoiceLine{{Amount: 12000, Quantity: 1, Price: payout.Price{ID: "price_a"}}}}
		b.charge("ch_1", "cus_1", "in_1", 12000, 378)
		p := Build(b.finish(), settings(), nil)
		mustReady(t, p)
		if inv := rec(t, p, "stripe_in_1").Body.(*netsuite.Invoice); len(inv.Item.Items) != 1 {
			t.Errorf("tax-inclusive invoice got a separate tax line: %+v", inv.Item.Items)
		}
	})
	t.Run("refunded dispute fee goes back to dispute fees", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_1", "cus_1", "", 10000, 320)
		b.bt("dispute_reversal", "adjustment", "dp_1", 10000, -1500)
		p := Build(b.finish(), settings(), nil)
		mustReady(t, p)
		dep := rec(t, p, "stripe_po_1").Body.(*netsuite.Deposit)
		found := false
		for _, o := range dep.Other.Items {
			found = found || (o.Account.ID == "303" && o.Amount.Minor == 1500)
		}
		if !found {
			t.Errorf("refunded dispute fee not credited to dispute fees: %+v", dep.Other.Items)
		}
	})
	t.Run("standalone payments and credit memos do not auto-apply", func(t *testing.T) {
		b := newSnap("usd")
		b.customer("cus_1", "Acme", "a@acme.test")
		b.charge("ch_1", "cus_1", "", 10000, 320)
		p := Build(b.finish(), settings(), nil)
		raw, _ := json.Marshal(rec(t, p, "stripe_ch_1").Body)
		if !strings.Contains(string(raw), `"autoApply":false`) {
			t.Errorf("payment JSON %s", raw)
		}
	})
}

// Stripe converts to the payout currency, NetSuite to the base currency:
// a third-currency charge in a payout that is not in the base currency
// cannot be booked exactly and is held; in a base-currency payout it is fine.
func TestBaseCurrencyGuard(t *testing.T) {
	mk := func(payoutCur string) *payout.Snapshot {
		b := newSnap(payoutCur)
		b.customer("cus_1", "Acme", "a@acme.test")
		b.s.Charges["ch_gbp"] = &payout.Charge{ID: "ch_gbp", Amount: 1000, Currency: "gbp", Customer: "cus_1"}
		b.bt("charge", "charge", "ch_gbp", 1170, 60).ExchangeRate = "1.17"
		return b.finish()
	}
	s := settings()
	s.BaseCurrency = "usd"
	s.BankAccounts["eur"] = "205"
	mustReady(t, Build(mk("usd"), s, nil))
	p := Build(mk("eur"), s, nil)
	if !slices.Equal(codes(p), []string{outcome.CodeBadAmount}) || !strings.Contains(p.Problems[0].Message, "base currency USD") {
		t.Errorf("GBP charge in a EUR payout, base USD: %+v", p.Problems)
	}
}

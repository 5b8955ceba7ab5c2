package netsuite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current request bodies")

// recorder keeps every request the client sends, in order.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (rc *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		entry := r.Method + " " + r.URL.RequestURI() + "\n"
		if r.Method == http.MethodGet && (r.ContentLength != 0 || len(r.TransferEncoding) > 0) {
			entry += "!! GET with a body\n"
		}
		if len(body) > 0 {
			var out bytes.Buffer
			if err := json.Indent(&out, body, "", "  "); err != nil {
				entry += "!! not JSON: " + string(body)
			} else {
				entry += out.String() + "\n"
			}
		}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, entry)
		rc.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (rc *recorder) take() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	s := strings.Join(rc.reqs, "\n")
	rc.reqs = nil
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestGoldenFlow pushes one record of every type through the real client
// into the fake, in dependency order, checking each request body against a
// golden file and the fake's deposit arithmetic at the end.
func TestGoldenFlow(t *testing.T) {
	rc := &recorder{}
	e := setup(t, nsfake.Options{}, nil, rc.wrap)
	ctx := context.Background()
	sub := netsuite.Classification{Subsidiary: &netsuite.Ref{ID: "1"}}
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	usdRef := &netsuite.Ref{ID: "1"}
	eurRef := &netsuite.Ref{ID: "4"}

	cus := must(e.c.Upsert(ctx, netsuite.TypeCustomer, "stripe_cus_A1", &netsuite.Customer{
		ExternalID: "stripe_cus_A1", IsPerson: true, FirstName: "Siobhán", LastName: "O'Brien",
		Email: "o'brien@example.com", Comments: "Stripe customer cus_A1", Currency: usdRef,
		CurrencyList:   &netsuite.CurrencyList{Items: []netsuite.CustomerCurrency{{Currency: *usdRef}, {Currency: *eurRef}}},
		Classification: sub}))
	golden(t, "01_customer", rc.take())

	svc := must(upsert(ctx, e.c, netsuite.TypeServiceSaleItem, &netsuite.ServiceSaleItem{
		ExternalID: "stripe_prod_P1", ItemID: "Pro plan", DisplayName: "Pro plan (monthly)",
		IncomeAccount: &netsuite.Ref{ID: incomeAcct}, Subsidiary: &netsuite.RefList{Items: []netsuite.Ref{{ID: "1"}}}, IncludeChildren: true}))
	golden(t, "02_serviceSaleItem", rc.take())

	disc := must(upsert(ctx, e.c, netsuite.TypeDiscountItem, &netsuite.DiscountItem{
		ExternalID: "stripe_coupon_C10", ItemID: "10% off", Account: &netsuite.Ref{ID: incomeAcct},
		Subsidiary: &netsuite.RefList{Items: []netsuite.Ref{{ID: "1"}}}}))
	golden(t, "03_discountItem", rc.take())

	inv := must(e.c.Upsert(ctx, netsuite.TypeInvoice, "stripe_in_1", &netsuite.Invoice{
		ExternalID: "stripe_in_1", Entity: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", DueDate: "2024-03-01",
		OtherRefNum: "INV-0001", Memo: "Stripe in_1", Currency: usdRef, Classification: sub,
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{
			{Item: netsuite.Ref{ID: svc}, Quantity: 1, Amount: usd(10000), Description: "Pro plan"},
			{Item: netsuite.Ref{ID: disc}, Amount: usd(-1000), Description: "10% off"},
		}}}))
	golden(t, "04_invoice", rc.take())

	pay := must(upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{
		ExternalID: "stripe_ch_1", Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(9000),
		Currency: usdRef, UndepFunds: netsuite.UndepositedFunds(), Memo: "Stripe ch_1", Classification: sub,
		Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: inv}, Apply: true, Amount: usd(9000)}}}}))
	golden(t, "05_customerPayment", rc.take())

	cm := must(upsert(ctx, e.c, netsuite.TypeCreditMemo, &netsuite.CreditMemo{
		ExternalID: "stripe_re_1_cm", Entity: netsuite.Ref{ID: cus}, TranDate: "2024-03-04", Memo: "Stripe re_1",
		Currency: usdRef, Classification: sub,
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: svc}, Amount: usd(2500), Description: "Partial refund"}}}}))
	golden(t, "06_creditMemo", rc.take())

	ref := must(upsert(ctx, e.c, netsuite.TypeCustomerRefund, &netsuite.CustomerRefund{
		ExternalID: "stripe_re_1", Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-04", Total: usd(2500),
		Account: &netsuite.Ref{ID: undepFunds}, Currency: usdRef, Memo: "Stripe re_1", Classification: sub,
		Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: cm}, Apply: true, Amount: usd(2500)}}}}))
	golden(t, "07_customerRefund", rc.take())

	// A charge without an invoice, in EUR, converted at 1.0834.
	eurPay := must(e.c.Upsert(ctx, netsuite.TypeCustomerPayment, "stripe_ch_2", &netsuite.CustomerPayment{
		ExternalID: "stripe_ch_2", Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-02",
		Payment: netsuite.Amount{Minor: 1999, Currency: "eur"}, Currency: eurRef, ExchangeRate: "1.0834",
		UndepFunds: netsuite.UndepositedFunds(), Memo: "Stripe ch_2", Classification: sub}))
	golden(t, "08_customerPayment_upsert", rc.take())

	dep := must(e.c.Upsert(ctx, netsuite.TypeDeposit, "stripe_po_1", depositBody(pay, ref, eurPay)))
	golden(t, "09_deposit", rc.take())

	// 90.00 − 25.00 + round(19.99 × 1.0834 = 21.657166) 21.66 + 5.00 − 3.21 − 0.47
	total, err := e.fake.DepositTotal(dep)
	if err != nil || total != "87.98" {
		t.Errorf("deposit total = %q, %v; want 87.98", total, err)
	}
	var got struct {
		Total json.Number `json:"total"`
	}
	if err := e.c.Get(ctx, netsuite.TypeDeposit, "eid:stripe_po_1", &got); err != nil || got.Total != "87.98" {
		t.Errorf("GET deposit total = %q, %v", got.Total, err)
	}
	var invNow struct {
		AmountRemaining json.Number `json:"amountRemaining"`
	}
	if err := e.c.Get(ctx, netsuite.TypeInvoice, inv, &invNow); err != nil || invNow.AmountRemaining != "0" {
		t.Errorf("invoice amountRemaining = %q, %v (paid in full; a credit memo on a paid invoice stays unapplied)", invNow.AmountRemaining, err)
	}
	// Re-running the deposit upsert is idempotent.
	if again, err := e.c.Upsert(ctx, netsuite.TypeDeposit, "stripe_po_1", depositBody(pay, ref, eurPay)); err != nil || again != dep {
		t.Errorf("re-upsert deposit = %q, %v", again, err)
	}
	rc.take()
	if n := len(e.fake.Records(netsuite.TypeDeposit)); n != 1 {
		t.Errorf("%d deposits", n)
	}
}

func depositBody(pay, refund, eurPay string) *netsuite.Deposit {
	d := &netsuite.Deposit{ExternalID: "stripe_po_1", Account: netsuite.Ref{ID: bankUSD}, TranDate: "2024-03-05",
		Memo: "Stripe po_1", Currency: &netsuite.Ref{ID: "1"}, Classification: netsuite.Classification{Subsidiary: &netsuite.Ref{ID: "1"}}}
	d.Payment.Items = []netsuite.DepositPayment{
		{Doc: netsuite.Ref{ID: pay}, Deposit: true, Amount: usd(9000)},
		{Doc: netsuite.Ref{ID: refund}, Deposit: true, Amount: usd(-2500)},
		{Doc: netsuite.Ref{ID: eurPay}, Deposit: true, Amount: usd(2166)},
	}
	d.Other.Items = []netsuite.DepositOther{{Account: netsuite.Ref{ID: otherAcct}, Amount: usd(500), Memo: "Stripe du_1 dispute won"}}
	d.CashBack.Items = []netsuite.DepositCashBack{
		{Account: netsuite.Ref{ID: feeAccount}, Amount: usd(321), Memo: "Stripe fees"},
		{Account: netsuite.Ref{ID: feeAccount}, Amount: usd(47), Memo: "Tax on Stripe fees"},
	}
	return d
}

// TestDepositRules checks what the fake refuses in a deposit and in
// payment applications.
func TestDepositRules(t *testing.T) {
	e := setup(t, nsfake.Options{}, nil, nil)
	ctx := context.Background()
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	cus := must(upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_1", "a@example.com")))
	svc := must(upsert(ctx, e.c, netsuite.TypeServiceSaleItem, &netsuite.ServiceSaleItem{ExternalID: "stripe_prod_1", ItemID: "Plan"}))
	payment := func(eid string, minor int64, undep bool) string {
		var sel *netsuite.Select
		if undep {
			sel = netsuite.UndepositedFunds()
		}
		return must(upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{ExternalID: eid,
			Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(minor), UndepFunds: sel, Memo: eid}))
	}
	p1 := payment("stripe_ch_1", 1000, true)
	p2 := payment("stripe_ch_2", 2000, false) // straight to a bank account
	p3 := payment("stripe_ch_3", 333, true)
	refundFrom := func(eid, acct string) string {
		return must(upsert(ctx, e.c, netsuite.TypeCustomerRefund, &netsuite.CustomerRefund{ExternalID: eid,
			Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-02", Total: usd(100), Account: &netsuite.Ref{ID: acct}, Memo: eid}))
	}
	rUndep := refundFrom("stripe_re_1", undepFunds)
	rBank := refundFrom("stripe_re_2", bankUSD)
	inv := must(upsert(ctx, e.c, netsuite.TypeInvoice, &netsuite.Invoice{ExternalID: "stripe_in_1", Entity: netsuite.Ref{ID: cus},
		TranDate: "2024-03-01", Memo: "in_1", Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: svc}, Amount: usd(5000)}}}}))

	deposit := func(eid string, docs []string, cashback int64, cbAcct string) (string, error) {
		d := &netsuite.Deposit{ExternalID: eid, Account: netsuite.Ref{ID: bankUSD}, TranDate: "2024-03-03", Memo: eid}
		for _, id := range docs {
			d.Payment.Items = append(d.Payment.Items, netsuite.DepositPayment{Doc: netsuite.Ref{ID: id}, Deposit: true, Amount: usd(1)})
		}
		if cashback != 0 {
			d.CashBack.Items = []netsuite.DepositCashBack{{Account: netsuite.Ref{ID: cbAcct}, Amount: usd(cashback)}}
		}
		return upsert(ctx, e.c, netsuite.TypeDeposit, d)
	}
	wantReject := func(name string, err error, path string) {
		t.Helper()
		var ne *netsuite.Error
		if !errors.As(err, &ne) || ne.Status != 400 || !strings.HasPrefix(ne.Path, path) {
			t.Errorf("%s: err = %v, want 400 at %s", name, err, path)
		}
	}

	d1, err := deposit("stripe_po_1", []string{p1, rUndep}, 59, feeAccount)
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := e.fake.DepositTotal(d1); total != "8.41" { // 10.00 − 1.00 − 0.59
		t.Errorf("total %s, want 8.41", total)
	}
	_, err = deposit("stripe_po_2", []string{p2}, 0, "")
	wantReject("payment not in undeposited funds", err, "payment.items[0]")
	_, err = deposit("stripe_po_2", []string{rBank}, 0, "")
	wantReject("refund not from undeposited funds", err, "payment.items[0]")
	_, err = deposit("stripe_po_2", []string{p3, p1}, 0, "")
	wantReject("already deposited", err, "payment.items[1]")
	_, err = deposit("stripe_po_2", []string{inv}, 0, "")
	wantReject("invoice is not a payment", err, "payment.items[0]")
	_, err = deposit("stripe_po_2", []string{p3}, 10, "777")
	wantReject("unknown cash-back account", err, "cashback.items[0].account")
	_, err = deposit("stripe_po_2", []string{"424242"}, 0, "")
	wantReject("unknown transaction", err, "payment.items[0]")
	if d2, err := deposit("stripe_po_2", []string{p3}, 0, ""); err != nil {
		t.Errorf("valid second deposit refused: %v", err)
	} else if total, _ := e.fake.DepositTotal(d2); total != "3.33" {
		t.Errorf("total %s, want 3.33", total)
	}

	// Applications: at most the invoice's amount remaining.
	apply := func(eid string, minor int64) error {
		_, err := upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{ExternalID: eid,
			Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(minor), UndepFunds: netsuite.UndepositedFunds(), Memo: eid,
			Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: inv}, Apply: true, Amount: usd(minor)}}}})
		return err
	}
	if err := apply("stripe_ch_10", 3000); err != nil {
		t.Fatal(err)
	}
	wantReject("over-application", apply("stripe_ch_11", 2001), "apply")
	if err := apply("stripe_ch_12", 2000); err != nil {
		t.Errorf("exact remaining refused: %v", err)
	}
	wantReject("apply to missing doc", func() error {
		_, err := upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{ExternalID: "stripe_ch_13",
			Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(1), Memo: "x",
			Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: "99999"}, Apply: true, Amount: usd(1)}}}})
		return err
	}(), "apply.items[0].doc")
	wantReject("invoice line with unknown item", func() error {
		_, err := upsert(ctx, e.c, netsuite.TypeInvoice, &netsuite.Invoice{ExternalID: "stripe_in_2", Entity: netsuite.Ref{ID: cus},
			Memo: "x", Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: "31337"}, Amount: usd(1)}}}})
		return err
	}(), "item.items[0].item")
	wantReject("unknown subsidiary", func() error {
		c := customer("stripe_cus_2", "b@example.com")
		c.Subsidiary = &netsuite.Ref{ID: "9"}
		_, err := upsert(ctx, e.c, netsuite.TypeCustomer, c)
		return err
	}(), "subsidiary")
	if t.Failed() {
		snap, _ := e.fake.Snapshot()
		t.Logf("fake state:\n%s", snap)
	}
}

package netsuite_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

// TestLookUpAndOpenAmounts: the batched lookup finds records by internal
// and external ID in one query per batch and reads what is open on each
// transaction; the fake refuses applying more than is open on a payment or
// a credit memo, and applying another customer's document.
func TestLookUpAndOpenAmounts(t *testing.T) {
	rec := &recorder{}
	e := setup(t, nsfake.Options{UndepositedFunds: undepFunds}, nil, rec.wrap)
	ctx := context.Background()
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	cus := must(upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_1", "a@example.com")))
	other := must(upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_2", "b@example.com")))
	svc := must(upsert(ctx, e.c, netsuite.TypeServiceSaleItem, &netsuite.ServiceSaleItem{ExternalID: "stripe_price_1", ItemID: "Plan"}))
	inv := must(upsert(ctx, e.c, netsuite.TypeInvoice, &netsuite.Invoice{ExternalID: "stripe_in_1", Entity: netsuite.Ref{ID: cus},
		TranDate: "2024-03-01", Memo: "in_1", Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: svc}, Amount: usd(5000)}}}}))
	pay := must(upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{ExternalID: "stripe_ch_1",
		Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(3000), UndepFunds: netsuite.UndepositedFunds(), Memo: "ch_1",
		Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: inv}, Apply: true, Amount: usd(3000)}}}}))
	plain := must(upsert(ctx, e.c, netsuite.TypeCustomerPayment, &netsuite.CustomerPayment{ExternalID: "stripe_ch_2",
		Customer: netsuite.Ref{ID: cus}, TranDate: "2024-03-01", Payment: usd(1000), UndepFunds: netsuite.UndepositedFunds(), Memo: "ch_2"}))
	cm := must(upsert(ctx, e.c, netsuite.TypeCreditMemo, &netsuite.CreditMemo{ExternalID: "stripe_cm_re_1", Entity: netsuite.Ref{ID: cus},
		TranDate: "2024-03-02", Memo: "re_1", Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: svc}, Amount: usd(800)}}}}))

	refund := func(eid, doc, cust string, minor int64) error {
		_, err := upsert(ctx, e.c, netsuite.TypeCustomerRefund, &netsuite.CustomerRefund{ExternalID: eid,
			Customer: netsuite.Ref{ID: cust}, TranDate: "2024-03-03", Total: usd(minor), Account: &netsuite.Ref{ID: undepFunds}, Memo: eid,
			Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ID: doc}, Apply: true, Amount: usd(minor)}}}})
		return err
	}
	wantRefused := func(name string, err error, detail string) {
		t.Helper()
		var ne *netsuite.Error
		if !errors.As(err, &ne) || ne.Status != 400 || !strings.Contains(ne.Detail, detail) {
			t.Errorf("%s: err = %v, want 400 mentioning %q", name, err, detail)
		}
	}
	if err := refund("stripe_re_2", plain, cus, 600); err != nil {
		t.Fatal(err)
	}
	wantRefused("refund beyond the payment's unapplied amount", refund("stripe_dp_2", plain, cus, 401), "exceeds what is open")
	if err := refund("stripe_dp_2b", plain, cus, 400); err != nil {
		t.Errorf("refund of exactly what is open refused: %v", err)
	}
	wantRefused("refund of a fully refunded payment", refund("stripe_re_3", plain, cus, 1), "Unable to find a matching line")
	wantRefused("refund beyond the credit memo", refund("stripe_re_1", cm, cus, 801), "exceeds what is open")
	wantRefused("another customer's credit memo", refund("stripe_re_1", cm, other, 800), "belongs to customer")
	if err := refund("stripe_re_1", cm, cus, 500); err != nil {
		t.Fatal(err)
	}

	rec.take()
	found, err := e.c.LookUp(ctx, netsuite.TableTransaction, []string{inv, "x1"},
		[]string{"stripe_ch_1", "stripe_ch_2", "stripe_cm_re_1", "stripe_nope"})
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]string{}
	for _, f := range found {
		open[f.ExternalID] = f.Open
	}
	want := map[string]string{"stripe_in_1": "20", "stripe_ch_1": "0", "stripe_ch_2": "0", "stripe_cm_re_1": "3"}
	if len(open) != len(want) {
		t.Errorf("found %v, want %v", open, want)
	}
	for k, v := range want {
		if open[k] != v {
			t.Errorf("open on %s = %q, want %q", k, open[k], v)
		}
	}
	if n := strings.Count(rec.take(), "POST /services/rest/query/v1/suiteql"); n != 1 {
		t.Errorf("%d SuiteQL requests, want 1", n)
	}
	_ = pay

	// Batches: LookupBatch values per query.
	many := make([]string, netsuite.LookupBatch+1)
	for i := range many {
		many[i] = "stripe_cus_" + strings.Repeat("9", i%7+1)
	}
	many[0] = "stripe_cus_1"
	found, err = e.c.LookUp(ctx, netsuite.TableCustomer, []string{other}, many)
	if err != nil || len(found) < 2 {
		t.Fatalf("found %v, %v", found, err)
	}
	if n := strings.Count(rec.take(), "POST /services/rest/query/v1/suiteql"); n != 2 {
		t.Errorf("%d SuiteQL requests for %d values, want 2", n, len(many)+1)
	}
}

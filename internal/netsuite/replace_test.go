package netsuite_test

import (
	"context"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

// An upsert of an existing invoice must replace its lines, not add to them:
// NetSuite appends unkeyed sublist lines on update unless ?replace= names
// the sublist, and the fake does the same (TestUpsertWithoutReplaceAppends
// in nsfake), so this fails if the client stops sending replace=.
func TestUpsertReplacesLines(t *testing.T) {
	c, fake := fakeAndClient(t, func(f *nsfake.Server) {
		f.Preload("serviceSaleItem", "7", map[string]any{"itemId": "Seat"})
	})
	ctx := context.Background()
	cust, err := upsert(ctx, c, netsuite.TypeCustomer, &netsuite.Customer{ExternalID: "c1", CompanyName: "Acme", Email: "a@acme.test"})
	if err != nil {
		t.Fatal(err)
	}
	inv := &netsuite.Invoice{Entity: netsuite.Ref{ID: cust}, TranDate: "2026-11-02", Memo: "m",
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: "7"}, Quantity: 1, Amount: netsuite.Amount{Minor: 1000, Currency: "usd"}}}}}
	for range 3 { // e.g. a retry after a lost response, and a re-run without the ledger
		if _, err := c.Upsert(ctx, netsuite.TypeInvoice, "in_1", inv); err != nil {
			t.Fatal(err)
		}
	}
	lines := func() int {
		recs := fake.Records("invoice")
		item, _ := recs[0].Fields["item"].(map[string]any)
		items, _ := item["items"].([]any)
		return len(items)
	}
	if n := lines(); n != 1 {
		t.Fatalf("after 3 upserts the invoice has %d lines, want 1", n)
	}

}

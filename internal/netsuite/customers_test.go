package netsuite_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

func TestFindCustomerByEmailEscapes(t *testing.T) {
	c, _ := fakeAndClient(t, nil)
	ctx := context.Background()
	want, err := upsert(ctx, c, netsuite.TypeCustomer, &netsuite.Customer{ExternalID: "x1", CompanyName: "O'Brien", Email: "O'Brien@Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := upsert(ctx, c, netsuite.TypeCustomer, &netsuite.Customer{ExternalID: "x2", CompanyName: "Other", Email: "other@example.com"}); err != nil {
		t.Fatal(err)
	}
	id, found, err := c.FindCustomerByEmail(ctx, "o'brien@example.com")
	if err != nil || !found || id != want {
		t.Fatalf("FindCustomerByEmail = %q %v %v; want %q", id, found, err, want)
	}
	// An injection attempt is just an address nobody has.
	if id, found, err := c.FindCustomerByEmail(ctx, "x' OR '1'='1"); err != nil || found {
		t.Fatalf("injection matched %q %v %v", id, found, err)
	}
}

// fakeAndClient serves a fake NetSuite (prepared by prep, if given) over
// HTTP for the test and returns a client signed for it.
func fakeAndClient(t *testing.T, prep func(*nsfake.Server)) (*netsuite.Client, *nsfake.Server) {
	t.Helper()
	fake := nsfake.New(nsfake.Options{AccountID: "123_SB1", ConsumerKey: "ck", ConsumerSecret: "cs", TokenID: "ti", TokenSecret: "ts"})
	if prep != nil {
		prep(fake)
	}
	hs := httptest.NewServer(fake)
	t.Cleanup(hs.Close)
	c, err := netsuite.New(netsuite.Config{AccountID: "123_SB1", BaseURL: hs.URL,
		Auth: netsuite.AuthConfig{ConsumerKey: "ck", ConsumerSecret: "cs", TokenID: "ti", TokenSecret: "ts"}}, hs.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

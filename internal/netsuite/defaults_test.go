package netsuite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

// TestDefaultsMerged: an account whose customer form makes a custom field
// mandatory refuses nsrecon's customer ("Please enter value(s) for: …")
// until netsuite.defaults supplies it; a default replaces nsrecon's value.
func TestDefaultsMerged(t *testing.T) {
	ctx := context.Background()
	fake := nsfake.Options{Mandatory: map[string][]string{"customer": {"custentity_region"}}}
	e := setup(t, fake, nil, nil)
	body := &netsuite.Customer{ExternalID: "stripe_cus_1", CompanyName: "Acme", Email: "a@acme.test", Comments: "from nsrecon"}
	if _, err := e.c.Upsert(ctx, netsuite.TypeCustomer, "stripe_cus_1", body); err == nil || !strings.Contains(err.Error(), "Please enter value(s) for: custentity_region") {
		t.Fatalf("without defaults: %v", err)
	}
	e = setup(t, fake, func(c *netsuite.Config) {
		c.Defaults = map[string]map[string]any{"customer": {"custentity_region": "EU", "comments": "Stripe"}}
	}, nil)
	if _, err := e.c.Upsert(ctx, netsuite.TypeCustomer, "stripe_cus_1", body); err != nil {
		t.Fatalf("with defaults: %v", err)
	}
	got := e.fake.Records(netsuite.TypeCustomer)[0].Fields
	if got["custentity_region"] != "EU" || got["comments"] != "Stripe" || got["companyName"] != "Acme" {
		t.Errorf("stored %v", got)
	}
}

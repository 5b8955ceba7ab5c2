package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// reconcile.mode chooses how deep a run reads Stripe: summary mode reads
// the balance-transaction pages, plus each paid invoice without its lines
// when accounts.sales_tax is set; detailed mode reads every object.
func TestReconcileReadDepth(t *testing.T) {
	const salesTax = "  sales_tax: \"318\"\n"
	for _, tc := range []struct {
		name, mode  string
		noSalesTax  bool
		want, never []string // routes read; routes never read
	}{
		{"detailed", "detailed", false, []string{"GET /v1/invoices/:id", "GET /v1/invoices/:id/lines", "GET /v1/customers/:id"}, nil},
		{"summary with sales tax", "summary", false, []string{"GET /v1/invoices/:id"}, []string{"GET /v1/invoices/:id/lines", "GET /v1/customers/:id", "GET /v1/charges/:id"}},
		{"summary", "summary", true, nil, []string{"GET /v1/invoices/:id", "GET /v1/invoices/:id/lines", "GET /v1/customers/:id", "GET /v1/charges/:id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, cfg := startFakes(t, "many_transactions")
			if !strings.Contains(cfg, salesTax) {
				t.Fatalf("sandbox config has no %q", salesTax)
			}
			if tc.noSalesTax {
				cfg = strings.Replace(cfg, salesTax, "", 1)
			}
			cfg += "reconcile:\n  mode: " + tc.mode + "\n"
			code, out, errOut := run(t, context.Background(), cfg, "reconcile", "--dry-run", "--offline", "--from", "2024-03-01", "--to", "2024-03-31")
			if code != outcome.ExitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			counts := env.Stripe.Counts()
			if counts["GET /v1/balance_transactions"] == 0 {
				t.Fatalf("no balance transactions read: %v", counts)
			}
			for _, r := range tc.want {
				if counts[r] == 0 {
					t.Errorf("%s not read: %v", r, counts)
				}
			}
			for _, r := range tc.never {
				if counts[r] != 0 {
					t.Errorf("%s read %d times: %v", r, counts[r], counts)
				}
			}
		})
	}
}

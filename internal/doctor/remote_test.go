package doctor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
)

// A restricted key checked resource by resource, as Stripe answers it: a
// 403 on the account is what the reader copes with (the ledger is bound to
// NetSuite alone), a 403 on anything it reads — credit notes included —
// fails naming the permission.
func TestStripeChecksPerResource(t *testing.T) {
	forbidden := map[string]bool{"/v1/account": true, "/v1/credit_notes": true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if forbidden[r.URL.Path] {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	defer srv.Close()
	cfg := &config.Config{}
	cfg.Stripe.APIBase, cfg.Stripe.APIKey = srv.URL, config.Secret("rk_test_x")
	got := map[string]Check{}
	for _, c := range stripeChecks(context.Background(), srv.Client(), cfg) {
		got[c.Name] = c
	}
	if c := got["Stripe reads account"]; !c.OK {
		t.Errorf("account 403 should pass (the reader copes): %+v", c)
	}
	if c := got["Stripe reads credit_notes"]; c.OK || !strings.Contains(c.Fix, "credit notes") {
		t.Errorf("credit notes 403 should fail naming the permission: %+v", c)
	}
	if c := got["Stripe reads payouts"]; !c.OK {
		t.Errorf("payouts readable: %+v", c)
	}
}

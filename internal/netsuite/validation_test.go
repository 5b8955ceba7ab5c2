package netsuite_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

// TestClientAsksForStrictValidation: every record write carries NetSuite's
// validation headers set to Error, so a misspelled or feature-hidden field
// is a 400 naming it instead of a record silently saved without it.
func TestClientAsksForStrictValidation(t *testing.T) {
	var got http.Header
	e := setup(t, nsfake.Options{}, nil, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				got = r.Header.Clone()
			}
			h.ServeHTTP(w, r)
		})
	})
	body := json.RawMessage(`{"companyName":"Acme","emial":"a@example.com"}`)
	_, err := e.c.Upsert(context.Background(), netsuite.TypeCustomer, "stripe_cus_typo", body)
	var ne *netsuite.Error
	if !errors.As(err, &ne) || ne.Status != http.StatusBadRequest {
		t.Fatalf("misspelled field: %v, want a 400", err)
	}
	for _, h := range []string{netsuite.HeaderNameValidation, netsuite.HeaderValueValidation} {
		if got.Get(h) != "Error" {
			t.Errorf("%s: %q, want Error", h, got.Get(h))
		}
	}
	if n := len(e.fake.Records(netsuite.TypeCustomer)); n != 0 {
		t.Errorf("%d customers saved", n)
	}
}

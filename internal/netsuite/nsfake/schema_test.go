package nsfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedSchemaPath is Oracle's schema beside the repository
// (../shared/netsuite-schema), seen from this package's directory.
var sharedSchemaPath = filepath.Join("..", "..", "..", "..", "shared", "netsuite-schema", "records-2026.1.json")

// TestSchemaCopyIsOracles holds the fake's embedded copy to the shared
// file, byte for byte. Without the shared folder it skips, except under CI.
func TestSchemaCopyIsOracles(t *testing.T) {
	want, err := os.ReadFile(sharedSchemaPath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared NetSuite schema is missing under CI: %v", err)
		}
		t.Skipf("no shared schema: %v", err)
	}
	if !bytes.Equal(want, SchemaJSON()) {
		t.Errorf("internal/netsuite/nsfake/schema/records-2026.1.json differs from %s: copy it again", sharedSchemaPath)
	}
}

// write sends an upsert straight to the fake's router (no auth), with or
// without NetSuite's strict validation headers.
func write(t *testing.T, s *Server, typ, eid, body string, strict bool) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPut, recordPrefix+typ+"/eid:"+eid, strings.NewReader(body))
	if strict {
		r.Header.Set(HeaderNameValidation, "Error")
		r.Header.Set(HeaderValueValidation, "Error")
	}
	w := httptest.NewRecorder()
	s.route(w, r)
	return w
}

func TestSchemaEnforced(t *testing.T) {
	s := New(Options{UndepositedFunds: "1"})
	s.Preload("customer", "7", map[string]any{"companyName": "Acme"})
	for _, c := range []struct {
		name, typ, body, path string
	}{
		{"unknown field", "customer", `{"companyName":"A","emial":"a@b"}`, "emial"},
		{"read-only field", "customer", `{"companyName":"A","links":[]}`, "links"},
		{"string for a number", "customerPayment", `{"customer":{"id":"7"},"payment":10,"exchangeRate":"1.1"}`, "exchangeRate"},
		{"boolean for a select", "customerPayment", `{"customer":{"id":"7"},"payment":10,"undepFunds":true}`, "undepFunds"},
		{"string for an integer", "deposit", `{"account":{"id":"1"},"payment":{"items":[{"id":"104","deposit":true}]}}`, "payment.items[0].id"},
		{"string for a reference", "invoice", `{"entity":"7"}`, "entity"},
		{"unknown line field", "invoice", `{"entity":{"id":"7"},"item":{"items":[{"itme":{"id":"1"}}]}}`, "item.items[0].itme"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := write(t, s, c.typ, "x_1", c.body, true)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
			var doc struct {
				Details []map[string]string `json:"o:errorDetails"`
			}
			_ = json.Unmarshal(w.Body.Bytes(), &doc)
			if len(doc.Details) != 1 || doc.Details[0]["o:errorPath"] != c.path {
				t.Errorf("error %s, want path %s", w.Body, c.path)
			}
		})
	}
	// Custom fields are the account's own: the generic schema cannot list them.
	if w := write(t, s, "customer", "c_1", `{"companyName":"A","custentity_region":"EU"}`, true); w.Code != http.StatusNoContent {
		t.Errorf("custom field refused: %d %s", w.Code, w.Body)
	}
}

// TestSchemaWarningDrops: without the headers NetSuite's default is
// Warning, and a misspelled field disappears without an error; that is
// why the client sends them.
func TestSchemaWarningDrops(t *testing.T) {
	s := New(Options{})
	if w := write(t, s, "customer", "c_1", `{"companyName":"A","emial":"a@b"}`, false); w.Code != http.StatusNoContent {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	got := s.Records("customer")[0].Fields
	if _, kept := got["emial"]; kept || got["companyName"] != "A" {
		t.Errorf("stored %v", got)
	}
}

// TestTransactionInCustomersCurrencies: NetSuite refuses a transaction in a
// currency that is neither the customer's primary currency nor on its list.
func TestTransactionInCustomersCurrencies(t *testing.T) {
	s := New(Options{DefaultCurrency: "1", UndepositedFunds: "9"})
	s.Preload("currency", "1", map[string]any{"symbol": "USD"})
	s.Preload("currency", "2", map[string]any{"symbol": "EUR"})
	if w := write(t, s, "customer", "c_1", `{"companyName":"A"}`, true); w.Code != http.StatusNoContent {
		t.Fatal(w.Body)
	}
	cust := s.Records("customer")[0].ID
	pay := `{"customer":{"id":"` + cust + `"},"payment":10,"currency":{"id":"2"}}`
	w := write(t, s, "customerPayment", "p_1", pay, true)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Invalid Field Value 2 for the following field: currency") {
		t.Fatalf("EUR payment of a USD customer: %d %s", w.Code, w.Body)
	}
	r := httptest.NewRequest(http.MethodPatch, recordPrefix+"customer/eid:c_1", strings.NewReader(`{"currencyList":{"items":[{"currency":{"id":"2"}}]}}`))
	rw := httptest.NewRecorder()
	s.route(rw, r)
	if rw.Code != http.StatusNoContent {
		t.Fatalf("PATCH currencyList: %d %s", rw.Code, rw.Body)
	}
	if w := write(t, s, "customerPayment", "p_1", pay, true); w.Code != http.StatusNoContent {
		t.Errorf("after adding EUR: %d %s", w.Code, w.Body)
	}
}

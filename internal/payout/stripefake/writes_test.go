package stripefake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func post(t *testing.T, s *Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v: %s", path, err, body)
	}
	return rec.Code, m
}

// TestWritesValidatedLikeStripe: the fake takes the writes nsrecon makes
// and refuses what Stripe refuses.
func TestWritesValidatedLikeStripe(t *testing.T) {
	s, b, chs := testServer()
	cus := ""
	for id, o := range b.objs {
		if objectType(o) == "customer" {
			cus = id
		}
	}
	refund := ""
	for id, o := range b.objs {
		if objectType(o) == "refund" {
			refund = id
		}
	}
	long := strings.Repeat("k", 41)
	many := url.Values{}
	for i := range 51 {
		many.Set(fmt.Sprintf("metadata[k%d]", i), "v")
	}
	cases := []struct {
		name, path string
		form       url.Values
		code       int
		param      string
	}{
		{"customer metadata", "/v1/customers/" + cus, url.Values{"metadata[netsuite_customer_id]": {"501"}}, 200, ""},
		{"charge metadata", "/v1/charges/" + chs[1], url.Values{"metadata[netsuite_payment_id]": {"502"}}, 200, ""},
		{"refund metadata", "/v1/refunds/" + refund, url.Values{"metadata[netsuite_refund_id]": {"503"}}, 200, ""},
		{"unknown parameter", "/v1/charges/" + chs[1], url.Values{"amount": {"5"}}, 400, "amount"},
		{"refunds take only metadata", "/v1/refunds/" + refund, url.Values{"description": {"x"}}, 400, "description"},
		{"key too long", "/v1/charges/" + chs[1], url.Values{"metadata[" + long + "]": {"x"}}, 400, "metadata[" + long + "]"},
		{"value too long", "/v1/charges/" + chs[1], url.Values{"metadata[k]": {strings.Repeat("v", 501)}}, 400, "metadata[k]"},
		{"51 keys", "/v1/charges/" + chs[2], many, 400, "metadata"},
		{"no such charge", "/v1/charges/ch_nope", url.Values{"metadata[k]": {"v"}}, 404, "id"},
		{"bad email", "/v1/customers", url.Values{"email": {"nope"}}, 400, "email"},
		{"not a write endpoint", "/v1/payouts/po_1", url.Values{"metadata[k]": {"v"}}, 404, ""},
	}
	for _, c := range cases {
		code, m := post(t, s, c.path, c.form)
		if code != c.code {
			t.Errorf("%s: %d %v, want %d", c.name, code, m, c.code)
			continue
		}
		if c.code != 200 {
			e, _ := m["error"].(map[string]any)
			if c.param != "" && e["param"] != c.param {
				t.Errorf("%s: error param %v, want %s", c.name, e["param"], c.param)
			}
		}
	}
	// What was written is served; an empty value unsets; the scenario is untouched.
	_, got := get(t, s, "/v1/customers/"+cus, key)
	if md := got["metadata"].(map[string]any); md["netsuite_customer_id"] != "501" {
		t.Errorf("customer metadata after the write: %v", md)
	}
	post(t, s, "/v1/customers/"+cus, url.Values{"metadata[netsuite_customer_id]": {""}})
	if _, got = get(t, s, "/v1/customers/"+cus, key); len(got["metadata"].(map[string]any)) != 0 {
		t.Errorf("empty value did not unset: %v", got["metadata"])
	}
	if md, _ := s.sc.Objects[cus]["metadata"].(map[string]any); len(md) != 0 {
		t.Errorf("the scenario was mutated: %v", md)
	}
}

// TestCreateCustomerThenFindByEmail: a created customer is listed first
// and found by the email filter.
func TestCreateCustomerThenFindByEmail(t *testing.T) {
	s, _, _ := testServer()
	code, c := post(t, s, "/v1/customers", url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"},
		"metadata[netsuite_customer_id]": {"77"}})
	if code != 200 || !strings.HasPrefix(c["id"].(string), "cus_") || c["name"] != "Ada Lovelace" {
		t.Fatalf("create: %d %v", code, c)
	}
	_, list := get(t, s, "/v1/customers?email=ada%40example.com", key)
	if got := ids(list); len(got) != 1 || got[0] != c["id"] {
		t.Errorf("list by email: %v", got)
	}
	code, u := post(t, s, "/v1/customers/"+c["id"].(string), url.Values{"name": {"Ada King"}})
	if code != 200 || u["name"] != "Ada King" || u["email"] != "ada@example.com" {
		t.Errorf("update: %d %v", code, u)
	}
}

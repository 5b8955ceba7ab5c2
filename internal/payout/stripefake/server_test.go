package stripefake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const key = "sk_test_fake"

func get(t *testing.T, h http.Handler, url, auth string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %v: %s", url, err, body)
	}
	return rec.Code, m
}

func ids(m map[string]any) []string {
	var out []string
	for _, o := range m["data"].([]any) {
		out = append(out, o.(map[string]any)["id"].(string))
	}
	return out
}

func testServer() (*Server, *Builder, []string) {
	b := NewBuilder(1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	cus := b.Customer(CustomerSpec{Name: "A", Email: "a@example.com"})
	var chs []string
	for i := range 25 {
		chs = append(chs, b.Charge(ChargeSpec{Customer: cus, Amount: int64(1000 + i)}))
	}
	b.Refund(chs[0], 0, "")
	b.Payout(PayoutSpec{ArrivalDate: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	b.Payout(PayoutSpec{Manual: true, Amount: 100, ArrivalDate: time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)})
	return New(b.Scenario(), key), b, chs
}

func TestListSemantics(t *testing.T) {
	s, _, chs := testServer()
	code, m := get(t, s, "/v1/charges", key)
	if code != 200 || m["object"] != "list" || m["url"] != "/v1/charges" || m["has_more"] != true || len(ids(m)) != 10 {
		t.Fatalf("default page: %d %v", code, m)
	}
	if ids(m)[0] != chs[24] {
		t.Errorf("not newest first: %s", ids(m)[0])
	}
	// Walk forward with starting_after and back with ending_before.
	var all []string
	after := ""
	for {
		u := "/v1/charges?limit=7"
		if after != "" {
			u += "&starting_after=" + after
		}
		_, m := get(t, s, u, key)
		page := ids(m)
		all = append(all, page...)
		if m["has_more"] != true {
			break
		}
		after = page[len(page)-1]
	}
	if len(all) != 25 || all[24] != chs[0] {
		t.Fatalf("paged %d charges, last %s", len(all), all[len(all)-1])
	}
	_, m = get(t, s, "/v1/charges?limit=3&ending_before="+chs[10], key)
	if got := ids(m); strings.Join(got, ",") != strings.Join([]string{chs[13], chs[12], chs[11]}, ",") || m["has_more"] != true {
		t.Errorf("ending_before page %v has_more %v", got, m["has_more"])
	}
	for _, bad := range []string{"/v1/charges?limit=101", "/v1/charges?limit=0", "/v1/charges?bogus=1", "/v1/charges?created[between]=1"} {
		if code, m := get(t, s, bad, key); code != 400 || m["error"].(map[string]any)["type"] != "invalid_request_error" {
			t.Errorf("%s: %d %v", bad, code, m)
		}
	}
}

func TestPayoutFilterAndExpand(t *testing.T) {
	s, _, chs := testServer()
	_, m := get(t, s, "/v1/payouts", key)
	var auto, manual string
	for _, o := range m["data"].([]any) {
		p := o.(map[string]any)
		if p["automatic"] == true {
			auto = p["id"].(string)
		} else {
			manual = p["id"].(string)
		}
	}
	code, m := get(t, s, "/v1/balance_transactions?limit=100&payout="+auto+"&expand[0]=data.source", key)
	if code != 200 || len(ids(m)) != 27 { // 25 charges, 1 refund, the payout itself
		t.Fatalf("%d, %d transactions", code, len(m["data"].([]any)))
	}
	for _, o := range m["data"].([]any) {
		bt := o.(map[string]any)
		if _, leaked := bt["_payout"]; leaked {
			t.Fatal("fake-only key leaked")
		}
		src := bt["source"].(map[string]any)
		switch src["object"] {
		case "charge":
			if _, ok := src["customer"].(string); !ok {
				t.Errorf("customer of %v not an ID: %v", src["id"], src["customer"])
			}
		case "refund":
			if c, ok := src["charge"].(string); !ok || c != chs[0] {
				t.Errorf("refund's charge not the ID %s: %v", chs[0], src["charge"])
			}
		}
	}
	if code, m := get(t, s, "/v1/balance_transactions?payout="+manual, key); code != 400 ||
		!strings.Contains(m["error"].(map[string]any)["message"].(string), "automatic") {
		t.Errorf("manual payout filter: %d %v", code, m)
	}
	if code, _ := get(t, s, "/v1/balance_transactions?expand[0]=data.source.charge.customer.invoice_settings", key); code != 400 {
		t.Errorf("5-level expansion accepted")
	}
	if code, m := get(t, s, "/v1/payouts?arrival_date[gte]=1704153600&arrival_date[lte]=1704153600", key); code != 200 || len(ids(m)) != 1 {
		t.Errorf("arrival_date range: %d %v", code, m)
	}
}

func TestAuthNotFoundAndRateLimit(t *testing.T) {
	s, _, chs := testServer()
	if code, m := get(t, s, "/v1/charges/"+chs[0], ""); code != 401 || !strings.Contains(m["error"].(map[string]any)["message"].(string), "API key") {
		t.Errorf("no key: %d %v", code, m)
	}
	if code, m := get(t, s, "/v1/charges/"+chs[0], "sk_test_other_key_1234"); code != 401 || strings.Contains(m["error"].(map[string]any)["message"].(string), "other_key") {
		t.Errorf("wrong key: %d %v", code, m)
	}
	if code, m := get(t, s, "/v1/charges/ch_nope", key); code != 404 || m["error"].(map[string]any)["code"] != "resource_missing" {
		t.Errorf("missing: %d %v", code, m)
	}
	if code, _ := get(t, s, "/v1/customers/"+chs[0], key); code != 404 {
		t.Errorf("charge served as a customer: %d", code)
	}
	s.RateLimitEvery = 2
	get(t, s, "/v1/charges", key)
	if code, m := get(t, s, "/v1/charges", key); code != 429 || m["error"].(map[string]any)["code"] != "rate_limit" {
		t.Errorf("rate limit: %d %v", code, m)
	}
	c := s.Counts()
	if c["GET /v1/charges/:id"] != 3 || c["GET /v1/charges"] != 2 || c["GET /v1/customers/:id"] != 1 {
		t.Errorf("counts %v", c)
	}
}

func TestInvoiceLinesPaging(t *testing.T) {
	b := NewBuilder(3, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	cus := b.Customer(CustomerSpec{Name: "A", Email: "a@example.com"})
	price := b.Price(b.Product("Widget"), 500, "", false)
	var lines []LineSpec
	for range 23 {
		lines = append(lines, LineSpec{Price: price, Quantity: 2})
	}
	inv, _ := b.Invoice(InvoiceSpec{Customer: cus, Lines: lines})
	s := New(b.Scenario(), key)
	_, m := get(t, s, "/v1/invoices/"+inv+"?expand[0]=lines.data.price.product", key)
	l := m["lines"].(map[string]any)
	data := l["data"].([]any)
	if len(data) != 10 || l["has_more"] != true || l["url"] != "/v1/invoices/"+inv+"/lines" {
		t.Fatalf("embedded lines: %d %v", len(data), l["has_more"])
	}
	if name := data[0].(map[string]any)["price"].(map[string]any)["product"].(map[string]any)["name"]; name != "Widget" {
		t.Errorf("product not expanded: %v", name)
	}
	last := data[9].(map[string]any)["id"].(string)
	_, m = get(t, s, "/v1/invoices/"+inv+"/lines?limit=100&starting_after="+last, key)
	if len(ids(m)) != 13 || m["has_more"] != false {
		t.Errorf("rest of lines: %d", len(ids(m)))
	}
}

package stripefake

import (
	"strings"
	"testing"
)

// TestRejectsLikeStripe: a query parameter the endpoint does not take, and
// an expand path Stripe's schemas do not allow, get Stripe's 400.
func TestRejectsLikeStripe(t *testing.T) {
	_, b, chs := testServer()
	inv, _ := b.Invoice(InvoiceSpec{Customer: b.Customer(CustomerSpec{Name: "B", Email: "b@example.com"}),
		Lines: []LineSpec{{Price: b.Price(b.Product("Plan"), 1000, "", false), Quantity: 1}}})
	s := New(b.Scenario(), key)
	bad := []struct{ url, param, msg string }{
		{"/v1/balance_transactions?bogus=1", "bogus", "Received unknown parameter: bogus"},
		{"/v1/charges/" + chs[0] + "?customer=cus_1", "customer", "Received unknown parameter: customer"},
		{"/v1/invoices/" + inv + "/lines?status=paid", "status", "Received unknown parameter: status"},
		{"/v1/customers?email[gte]=a", "email[gte]", "Received unknown parameter: email[gte]"},
		{"/v1/charges/" + chs[0] + "?expand[0]=amount", "expand", "This property cannot be expanded (amount)."},
		{"/v1/charges?expand[0]=customer", "expand", "This property cannot be expanded (customer)."},
		{"/v1/invoices/" + inv + "?expand[0]=lines", "expand", "This property cannot be expanded (lines)."},
		{"/v1/invoices/" + inv + "?expand[0]=lines.data.price.nickname", "expand", "This property cannot be expanded (lines.data.price.nickname)."},
		{"/v1/balance_transactions?expand[0]=data.source.invoice_settings", "expand", "This property cannot be expanded (data.source.invoice_settings)."},
		{"/v1/refunds?expand[0]=data.charge.customer.default_source.customer", "expand", "more than 4 levels"},
		// Only some of the 17 source types have these: refused (strict).
		{"/v1/balance_transactions?expand[0]=data.source.customer", "expand", "cannot be expanded on every object it may be (data.source.customer)"},
		{"/v1/balance_transactions?expand[0]=data.source&expand[1]=data.source.charge", "expand", "cannot be expanded on every object it may be (data.source.charge)"},
	}
	for _, c := range bad {
		code, m := get(t, s, c.url, key)
		e, _ := m["error"].(map[string]any)
		if code != 400 || e["type"] != "invalid_request_error" || e["param"] != c.param || !strings.Contains(e["message"].(string), c.msg) {
			t.Errorf("%s: %d %v, want 400 invalid_request_error param %q %q", c.url, code, m, c.param, c.msg)
		}
	}
	good := []string{
		"/v1/invoices?due_date[gte]=1&customer=cus_1",
		"/v1/invoices/" + inv + "?expand[0]=customer&expand[1]=lines.data.price.product&expand[2]=total_discount_amounts.discount",
		"/v1/balance_transactions?expand[0]=data.source",
		"/v1/refunds?expand[0]=data.charge.customer",
		"/v1/disputes?expand[]=data.charge",
	}
	for _, u := range good {
		if code, m := get(t, s, u, key); code != 200 {
			t.Errorf("%s: %d %v", u, code, m)
		}
	}
	if code, _ := get(t, s, "/v1/transfers", key); code != 404 {
		t.Errorf("a path the API table lacks: %d, want 404", code)
	}
}

func TestDeletedCustomer(t *testing.T) {
	_, b, chs := testServer()
	cus := b.obj(chs[0])["customer"].(string)
	b.DeleteCustomer(cus)
	s := New(b.Scenario(), key)
	want := map[string]any{"id": cus, "object": "customer", "deleted": true}
	if code, m := get(t, s, "/v1/customers/"+cus, key); code != 200 || !equalJSON(m, want) {
		t.Errorf("deleted customer: %d %v", code, m)
	}
	if _, m := get(t, s, "/v1/charges/"+chs[0]+"?expand[0]=customer", key); !equalJSON(m["customer"], want) {
		t.Errorf("expanded deleted customer: %v", m["customer"])
	}
	if _, m := get(t, s, "/v1/customers", key); len(ids(m)) != 0 {
		t.Errorf("deleted customer listed: %v", ids(m))
	}
}

func equalJSON(a, b any) bool {
	x, _ := marshal(a)
	y, _ := marshal(b)
	return string(x) == string(y)
}

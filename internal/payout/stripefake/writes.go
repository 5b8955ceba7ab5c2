package stripefake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The writes nsrecon makes, checked as Stripe checks them (API reference,
// "Update a customer", "Update a charge", …, and "Metadata"): each
// endpoint takes the form parameters its row lists and answers 400
// parameter_unknown for any other; metadata holds at most 50 keys of at
// most 40 characters, values of at most 500, no square brackets in keys,
// and an empty value unsets the key. The parameter lists are Stripe's
// (OpenAPI spec, API 2022-11-15, as stripe-mock v0.148.0 bundles it),
// kept here and not taken from the client.
type writeSpec struct {
	typ    string   // the object type written
	params []string // accepted top-level form parameters
	create bool     // POST to the collection creates
}

var writeSpecs = map[string]writeSpec{
	"/v1/customers": {typ: "customer", create: true, params: []string{"address", "balance", "cash_balance", "coupon",
		"description", "email", "expand", "invoice_prefix", "invoice_settings", "metadata", "name", "next_invoice_sequence",
		"payment_method", "phone", "preferred_locales", "promotion_code", "shipping", "source", "tax", "tax_exempt",
		"tax_id_data", "test_clock"}},
	"/v1/customers/{customer}": {typ: "customer", params: []string{"address", "balance", "bank_account", "card",
		"cash_balance", "coupon", "default_alipay_account", "default_bank_account", "default_card", "default_source",
		"description", "email", "expand", "invoice_prefix", "invoice_settings", "metadata", "name", "next_invoice_sequence",
		"phone", "preferred_locales", "promotion_code", "shipping", "source", "tax", "tax_exempt"}},
	"/v1/charges/{charge}": {typ: "charge", params: []string{"customer", "description", "expand", "fraud_details",
		"metadata", "receipt_email", "shipping", "transfer_group"}},
	"/v1/invoices/{invoice}": {typ: "invoice", params: []string{"account_tax_ids", "application_fee_amount", "auto_advance",
		"automatic_tax", "collection_method", "custom_fields", "days_until_due", "default_payment_method", "default_source",
		"default_tax_rates", "description", "discounts", "due_date", "expand", "footer", "metadata", "on_behalf_of",
		"payment_settings", "rendering_options", "statement_descriptor", "transfer_data"}},
	"/v1/refunds/{refund}": {typ: "refund", params: []string{"expand", "metadata"}},
}

// applied are the parameters the fake applies to the object: the ones
// nsrecon writes. Others are accepted, as Stripe would, and not stored.
var applied = []string{"name", "email", "description", "phone"}

// Metadata limits (https://docs.stripe.com/api/metadata).
const (
	maxMetadataKeys  = 50
	maxMetadataKey   = 40
	maxMetadataValue = 500
)

// write serves a POST. Callers hold wmu for writing.
func (s *Server) write(r *http.Request) (any, *apiError) {
	if r.Method != http.MethodPost {
		return nil, invalid(405, "", "", "stripefake: %s %s is not supported", r.Method, r.URL.Path)
	}
	_, spec, ok := writeEndpoint(r.URL.Path)
	if !ok {
		return nil, invalid(404, "", "", "Unrecognized request URL (POST: %s). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", r.URL.Path)
	}
	if err := r.ParseForm(); err != nil {
		return nil, invalid(400, "", "", "Invalid request body: %v", err)
	}
	form := r.PostForm
	for k := range form {
		name, _, _ := strings.Cut(k, "[")
		if !slices.Contains(spec.params, name) {
			return nil, invalid(400, "parameter_unknown", k, "Received unknown parameter: %s", k)
		}
	}
	if e := checkEmail(form); e != nil {
		return nil, e
	}
	var o map[string]any
	if spec.create {
		o = s.newCustomer()
	} else {
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		cur, found := s.lookup(id)
		if !found || objectType(cur) != spec.typ || cur["deleted"] == true {
			return nil, invalid(404, "resource_missing", "id", "No such %s: '%s'", spec.typ, id)
		}
		o = deepCopy(cur).(map[string]any)
	}
	md, e := mergeMetadata(o["metadata"], form)
	if e != nil {
		return nil, e
	}
	o["metadata"] = md
	for _, k := range applied {
		if v, ok := form[k]; ok {
			o[k] = nullable(v[0])
		}
	}
	s.written[o["id"].(string)] = o
	expand, e := expandParams(form)
	if e != nil {
		return nil, e
	}
	return s.expand(s.render(o), expand), nil
}

// writeEndpoint finds the write row urlPath matches.
func writeEndpoint(urlPath string) (string, writeSpec, bool) {
	got := strings.Split(strings.Trim(urlPath, "/"), "/")
	for tmpl, spec := range writeSpecs {
		want := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(want) == len(got) && slices.EqualFunc(want, got, func(w, g string) bool {
			return strings.HasPrefix(w, "{") || w == g
		}) {
			return tmpl, spec, true
		}
	}
	return "", writeSpec{}, false
}

func checkEmail(form url.Values) *apiError {
	if v, ok := form["email"]; ok && v[0] != "" && !strings.Contains(v[0], "@") {
		return invalid(400, "email_invalid", "email", "Invalid email address: %s", v[0])
	}
	return nil
}

// mergeMetadata applies metadata[key]=value parameters to the object's
// metadata as Stripe does: keys are merged, an empty value unsets one.
func mergeMetadata(cur any, form url.Values) (map[string]any, *apiError) {
	md := map[string]any{}
	if m, ok := cur.(map[string]any); ok {
		for k, v := range m {
			md[k] = v
		}
	}
	for k, vs := range form {
		key, ok := strings.CutPrefix(k, "metadata[")
		if !ok {
			if k == "metadata" && vs[0] != "" {
				return nil, invalid(400, "parameter_invalid_string", "metadata", "Invalid hash")
			}
			continue
		}
		key, ok = strings.CutSuffix(key, "]")
		switch {
		case !ok || key == "" || strings.ContainsAny(key, "[]"):
			return nil, invalid(400, "parameter_invalid_string", k, "Metadata keys cannot contain square brackets or be empty: %s", k)
		case len([]rune(key)) > maxMetadataKey:
			return nil, invalid(400, "parameter_invalid_string", k,
				"Metadata keys can be at most %d characters long (key %q is %d).", maxMetadataKey, key, len([]rune(key)))
		case len([]rune(vs[0])) > maxMetadataValue:
			return nil, invalid(400, "parameter_invalid_string", k,
				"Metadata values can be at most %d characters long (%s is %d).", maxMetadataValue, key, len([]rune(vs[0])))
		case vs[0] == "":
			delete(md, key)
		default:
			md[key] = vs[0]
		}
	}
	if len(md) > maxMetadataKeys {
		return nil, invalid(400, "parameter_invalid_string", "metadata",
			"You can have at most %d metadata keys (this object would have %d).", maxMetadataKeys, len(md))
	}
	return md, nil
}

// newCustomer starts a customer created by a write. Callers hold wmu.
func (s *Server) newCustomer() map[string]any {
	s.created++
	var newest int64
	if ids := s.sorted["customer"]; len(ids) > 0 {
		newest = intField(s.object(ids[0]), "created")
	}
	id := fmt.Sprintf("cus_fakeW%09d", s.created)
	o := map[string]any{
		"id": id, "object": "customer", "created": newest + 1, "name": nil, "email": nil, "phone": nil,
		"description": nil, "metadata": map[string]any{}, "currency": nil, "delinquent": false, "balance": int64(0),
		"invoice_prefix": strings.ToUpper(strconv.FormatInt(int64(s.created), 36)),
	}
	fillDefaults(o)
	s.sorted["customer"] = append([]string{id}, s.sorted["customer"]...)
	return o
}

// Written returns a copy of an object as writes left it, and whether any
// write touched it (tests look at what nsrecon wrote).
func (s *Server) Written(id string) (map[string]any, bool) {
	s.wmu.RLock()
	defer s.wmu.RUnlock()
	o, ok := s.written[id]
	if !ok {
		return nil, false
	}
	return deepCopy(o).(map[string]any), true
}

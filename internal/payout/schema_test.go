package payout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stripeSchemaPath is the Stripe API 2023-10-16 contract, which CI clones
// beside the repository (../shared/stripe-schema from the repo root).
var stripeSchemaPath = filepath.Join("..", "..", "..", "shared", "stripe-schema", "stripe-2023-10-16.json")

// stripeSchema is the part of the contract file the tests read: OpenAPI
// schemas, the query parameters and response of each endpoint, and the
// reporting categories a balance transaction can carry.
type stripeSchema struct {
	Schemas             map[string]map[string]any `json:"schemas"`
	Paths               map[string]schemaPath     `json:"paths"`
	ReportingCategories []string                  `json:"reporting_categories"`
}

type schemaPath struct {
	Parameters []struct {
		In   string `json:"in"`
		Name string `json:"name"`
	} `json:"parameters"`
	Response map[string]any `json:"response"`
}

// loadStripeSchema reads the contract; without it the test fails under CI
// and is skipped elsewhere.
func loadStripeSchema(t *testing.T) *stripeSchema {
	t.Helper()
	data, err := os.ReadFile(stripeSchemaPath)
	if err != nil {
		msg := fmt.Sprintf("Stripe schema not found at %s (clone the shared/ directory beside the repository): %v", stripeSchemaPath, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var s stripeSchema
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("%s: %v", stripeSchemaPath, err)
	}
	return &s
}

// endpoint finds the schema path template ("/v1/invoices/{invoice}/lines")
// that urlPath matches.
func (s *stripeSchema) endpoint(urlPath string) (string, bool) {
	got := strings.Split(strings.Trim(urlPath, "/"), "/")
	for tmpl := range s.Paths {
		want := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(want) != len(got) {
			continue
		}
		ok := true
		for i := range want {
			if !strings.HasPrefix(want[i], "{") && want[i] != got[i] {
				ok = false
				break
			}
		}
		if ok {
			return tmpl, true
		}
	}
	return "", false
}

func (s *stripeSchema) ref(sch map[string]any) (map[string]any, string) {
	r, ok := sch["$ref"].(string)
	if !ok {
		return sch, ""
	}
	name := strings.TrimPrefix(r, "#/components/schemas/")
	return s.Schemas[name], name
}

// validator checks a JSON value against the OpenAPI subset the contract
// uses: type, nullable, required, x-alwaysPresent, properties,
// additionalProperties, items, enum, anyOf and $ref. Every problem is
// collected with its JSON path.
type validator struct {
	s        *stripeSchema
	problems []string
}

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, path+": "+fmt.Sprintf(format, args...))
}

// check validates val against sch; where names the schema for messages.
func (v *validator) check(path string, val any, sch map[string]any) {
	sch, name := v.s.ref(sch)
	if sch == nil {
		v.fail(path, "schema %q is not in the contract", name)
		return
	}
	if val == nil {
		if n, _ := sch["nullable"].(bool); !n {
			v.fail(path, "null, but the field is not nullable")
		}
		return
	}
	if branches, ok := sch["anyOf"].([]any); ok {
		v.checkAnyOf(path, val, branches)
		return
	}
	if enum, ok := sch["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return jsonEqual(e, val) }) {
		v.fail(path, "%s is not one of %s", compact(val), compact(enum))
	}
	typ, _ := sch["type"].(string)
	if typ != "" && !hasType(val, typ) {
		v.fail(path, "%s is not of type %s", compact(val), typ)
		return
	}
	switch val := val.(type) {
	case map[string]any:
		v.checkObject(path, val, sch)
	case []any:
		if items, ok := sch["items"].(map[string]any); ok {
			for i, e := range val {
				v.check(fmt.Sprintf("%s[%d]", path, i), e, items)
			}
		}
	}
}

func (v *validator) checkObject(path string, val map[string]any, sch map[string]any) {
	props, _ := sch["properties"].(map[string]any)
	required, _ := sch["required"].([]any)
	for _, r := range required {
		if _, ok := val[r.(string)]; !ok {
			v.fail(path, "required field %q is missing", r)
		}
	}
	for _, k := range keysOf(props) {
		p, _ := props[k].(map[string]any)
		if ap, _ := p["x-alwaysPresent"].(bool); ap && !slices.Contains(required, any(k)) {
			if _, ok := val[k]; !ok {
				v.fail(path, "field %q is missing (Stripe always sends it)", k)
			}
		}
	}
	for _, k := range keysOf(val) {
		if p, ok := props[k].(map[string]any); ok {
			v.check(path+"."+k, val[k], p)
			continue
		}
		switch ap := sch["additionalProperties"].(type) {
		case map[string]any:
			v.check(path+"."+k, val[k], ap)
		case bool:
			if !ap {
				v.fail(path, "field %q is not in the schema", k)
			}
		default:
			if props != nil {
				v.fail(path, "field %q is not in the schema", k)
			}
		}
	}
}

// checkAnyOf accepts val when one branch does. An object is checked
// against the branch its "object" (and "deleted") field names, so the
// problems reported are that branch's.
func (v *validator) checkAnyOf(path string, val any, branches []any) {
	var candidates []map[string]any
	for _, b := range branches {
		bs, _ := b.(map[string]any)
		target, _ := v.s.ref(bs)
		if target == nil {
			continue
		}
		if obj, ok := val.(map[string]any); ok && target["type"] == "object" {
			if !objectMatches(obj, target) {
				continue
			}
		} else if t, _ := target["type"].(string); t != "" && !hasType(val, t) {
			continue
		}
		candidates = append(candidates, bs)
	}
	if len(candidates) == 0 {
		v.fail(path, "%s matches none of the %d anyOf branches", compactShort(val), len(branches))
		return
	}
	var first []string
	for i, c := range candidates {
		sub := &validator{s: v.s}
		sub.check(path, val, c)
		if len(sub.problems) == 0 {
			return
		}
		if i == 0 {
			first = sub.problems
		}
	}
	v.problems = append(v.problems, first...)
}

// objectMatches tells whether obj can be an instance of sch by its
// "object" enum and, for deleted_* schemas, its "deleted" flag.
func objectMatches(obj, sch map[string]any) bool {
	props, _ := sch["properties"].(map[string]any)
	if o, ok := props["object"].(map[string]any); ok {
		if enum, ok := o["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return jsonEqual(e, obj["object"]) }) {
			return false
		}
	}
	_, schemaDeleted := props["deleted"]
	_, objDeleted := obj["deleted"]
	return schemaDeleted == objDeleted
}

func hasType(val any, typ string) bool {
	switch typ {
	case "string":
		_, ok := val.(string)
		return ok
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "object":
		_, ok := val.(map[string]any)
		return ok
	case "array":
		_, ok := val.([]any)
		return ok
	case "number":
		_, ok := val.(json.Number)
		return ok
	case "integer":
		n, ok := val.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	}
	return true
}

func jsonEqual(a, b any) bool { return compact(a) == compact(b) }

func compact(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

func compactShort(v any) string {
	s := compact(v)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// decodeJSON decodes a response body keeping numbers exact.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// validateReportingCategories checks every balance transaction in a
// response (at any depth) against the contract's reporting categories.
func (v *validator) validateReportingCategories(path string, val any) {
	switch val := val.(type) {
	case map[string]any:
		if val["object"] == "balance_transaction" {
			if c, ok := val["reporting_category"].(string); ok && !slices.Contains(v.s.ReportingCategories, c) {
				v.fail(path, "reporting_category %q is not one of the %d of API 2023-10-16", c, len(v.s.ReportingCategories))
			}
		}
		for _, k := range keysOf(val) {
			v.validateReportingCategories(path+"."+k, val[k])
		}
	case []any:
		for i, e := range val {
			v.validateReportingCategories(fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}

var expandParam = regexp.MustCompile(`^expand\[\d*\]$`)

// checkExpanded walks each expand path through the response and reports
// every reference still sent as an ID: Stripe expands what it is asked to
// wherever the field exists. unknown reports whether the fake has no
// object for an ID (a reference the scenario does not hold).
func (v *validator) checkExpanded(path string, val any, segs []string, unknown func(id string) bool) {
	switch val := val.(type) {
	case []any:
		for i, e := range val {
			v.checkExpanded(fmt.Sprintf("%s[%d]", path, i), e, segs, unknown)
		}
	case map[string]any:
		if len(segs) == 0 {
			return
		}
		f, ok := val[segs[0]]
		if !ok {
			return // polymorphic: this object has no such field
		}
		if id, isID := f.(string); isID {
			if !unknown(id) {
				v.fail(path+"."+segs[0], "%q was asked to be expanded but is still an ID", id)
			}
			return
		}
		v.checkExpanded(path+"."+segs[0], f, segs[1:], unknown)
	}
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestValidatorCatches shows the validator rejects what the contract test
// relies on it to reject.
func TestValidatorCatches(t *testing.T) {
	s := loadStripeSchema(t)
	good := `{"id":"txn_1","object":"balance_transaction","amount":100,"available_on":1,"created":1,"currency":"usd",
		"description":null,"exchange_rate":null,"fee":0,"fee_details":[],"net":100,"reporting_category":"charge",
		"source":"ch_1","status":"available","type":"charge"}`
	cases := []struct{ name, patch, want string }{
		{"valid", ``, ""},
		{"invented field", `"livemode":false`, `field "livemode" is not in the schema`},
		{"enum", `"type":"transfer_reversal"`, `"transfer_reversal" is not one of`},
		{"type", `"amount":"100"`, `is not of type integer`},
		{"not nullable", `"fee":null`, `null, but the field is not nullable`},
		{"expanded to the wrong object", `"source":{"id":"cus_1","object":"customer"}`, `matches none of the`},
		{"expanded object checked", `"source":{"id":"po_1","object":"payout"}`, `required field "amount" is missing`},
		{"category", `"reporting_category":"made_up"`, `reporting_category "made_up" is not one of`},
	}
	for _, c := range cases {
		doc := good
		if c.patch != "" {
			doc = strings.TrimSuffix(good, "}") + "," + c.patch + "}"
		}
		// A later duplicate key wins in encoding/json, which is the patch.
		val, err := decodeJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		v := &validator{s: s}
		v.check("txn", val, map[string]any{"$ref": "#/components/schemas/balance_transaction"})
		v.validateReportingCategories("txn", val)
		got := strings.Join(v.problems, "\n")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: problems %q, want one containing %q", c.name, got, c.want)
		}
	}
	v := &validator{s: s}
	v.checkExpanded("txn", map[string]any{"source": "ch_1"}, []string{"source"}, func(string) bool { return false })
	if len(v.problems) != 1 {
		t.Errorf("unexpanded source not reported: %v", v.problems)
	}
}

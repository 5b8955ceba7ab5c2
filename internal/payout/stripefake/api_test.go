package stripefake

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// stripeSchemaPath is Stripe's OpenAPI schemas at API 2023-10-16, which CI
// clones beside the repository.
var stripeSchemaPath = filepath.Join("..", "..", "..", "..", "shared", "stripe-schema", "stripe-2023-10-16.json")

const apiTablePath = "api_2023-10-16.json"

// TestAPITable keeps the fake's request rules equal to what Stripe's
// schemas say. Regenerate with:
// go test ./internal/payout/stripefake -run TestAPITable -update
func TestAPITable(t *testing.T) {
	data, err := os.ReadFile(stripeSchemaPath)
	if err != nil {
		msg := "Stripe schema not found at " + stripeSchemaPath + " (clone shared/ beside the repository): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var src struct {
		Schemas map[string]map[string]any `json:"schemas"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(data, &src); err != nil {
		t.Fatal(err)
	}
	table := buildAPITable(src.Schemas, src.Paths)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(table); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(apiTablePath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(buf.Bytes(), apiJSON) {
		t.Fatalf("%s differs from what %s says (run with -update)", apiTablePath, stripeSchemaPath)
	}
}

type tableBuilder struct {
	schemas map[string]map[string]any
	out     map[string]map[string]expandSpec
	depth   map[string]int // the most levels left with which a schema was walked
}

func buildAPITable(schemas map[string]map[string]any, paths map[string]map[string]any) *apiTable {
	b := &tableBuilder{schemas: schemas, out: map[string]map[string]expandSpec{}, depth: map[string]int{}}
	t := &apiTable{Version: "2023-10-16", Endpoints: map[string]endpointSpec{}}
	for tmpl, p := range paths {
		var spec endpointSpec
		params, _ := p["parameters"].([]any)
		for _, x := range params {
			m := x.(map[string]any)
			if m["in"] != "query" {
				continue
			}
			name := m["name"].(string)
			spec.Params = append(spec.Params, name)
			if strings.Contains(compactJSON(m["schema"]), "range_query_specs") {
				spec.Ranges = append(spec.Ranges, name)
			}
		}
		slices.Sort(spec.Params)
		slices.Sort(spec.Ranges)
		resp, _ := p["response"].(map[string]any)
		spec.Response = b.name(resp, tmpl)
		b.walk(spec.Response, resp, maxExpandDepth)
		t.Endpoints[tmpl] = spec
	}
	t.Expandable = b.out
	return t
}

// name is a schema's name: its $ref, else its title, else fallback.
func (b *tableBuilder) name(s map[string]any, fallback string) string {
	if r, ok := s["$ref"].(string); ok {
		return strings.TrimPrefix(r, "#/components/schemas/")
	}
	if title, ok := s["title"].(string); ok {
		return title
	}
	return fallback
}

func (b *tableBuilder) resolve(s map[string]any) map[string]any {
	if r, ok := s["$ref"].(string); ok {
		return b.schemas[strings.TrimPrefix(r, "#/components/schemas/")]
	}
	return s
}

// walk records the expandable fields of schema s (named name) and of what
// they lead to, depth levels deep.
func (b *tableBuilder) walk(name string, s map[string]any, depth int) {
	s = b.resolve(s)
	if depth == 0 || s == nil || b.depth[name] >= depth {
		return
	}
	b.depth[name] = depth
	fields, _ := s["x-expandableFields"].([]any)
	props, _ := s["properties"].(map[string]any)
	for _, f := range fields {
		field := f.(string)
		prop, _ := props[field].(map[string]any)
		if prop == nil {
			continue
		}
		spec, targets := b.targets(prop, name+"."+field)
		if b.out[name] == nil {
			b.out[name] = map[string]expandSpec{}
		}
		b.out[name][field] = spec
		for i, tn := range spec.To {
			b.walk(tn, targets[i], depth-1)
		}
	}
}

// targets lists what a property's value can be: the object schemas of an
// anyOf (Ref when one branch is an ID string), of an array's items, or
// the property's own schema.
func (b *tableBuilder) targets(prop map[string]any, fallback string) (expandSpec, []map[string]any) {
	if items, ok := prop["items"].(map[string]any); ok && prop["type"] == "array" {
		return b.targets(items, fallback)
	}
	var spec expandSpec
	var out []map[string]any
	branches, ok := prop["anyOf"].([]any)
	if !ok {
		branches = []any{prop}
	}
	for _, x := range branches {
		br := x.(map[string]any)
		if br["type"] == "string" {
			spec.Ref = true
			continue
		}
		spec.To = append(spec.To, b.name(br, fallback))
		out = append(out, br)
	}
	return spec, out
}

func compactJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

package nsfake

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// The fake checks request bodies against Oracle's REST API Browser schema
// (release 2026.1) as NetSuite does when a request carries
// X-NetSuite-PropertyNameValidation: Error and
// X-NetSuite-PropertyValueValidation: Error. It keeps its own copy of the
// schema, byte for byte the file in ../shared/netsuite-schema (a test holds
// the two together), and its own reading of it: the client's mistakes
// cannot hide in a shared parser.
//
//go:embed schema/records-2026.1.json
var schemaJSON []byte

// Header names and values of NetSuite's request validation switches. The
// default, when a request does not send them, is Warning: an unknown
// property or a value of the wrong type is dropped, and the record saved
// without it.
const (
	HeaderNameValidation  = "X-NetSuite-PropertyNameValidation"
	HeaderValueValidation = "X-NetSuite-PropertyValueValidation"
)

type schemaProp struct {
	Type     string   `json:"type"`
	Format   string   `json:"format"`
	Ref      string   `json:"ref"`
	Items    string   `json:"items"`
	ReadOnly bool     `json:"readOnly"`
	Enum     []string `json:"enum"`
}

type schemaDef struct {
	Properties map[string]schemaProp `json:"properties"`
}

type recordSchema struct {
	defs map[string]schemaDef
}

var loadSchema = sync.OnceValues(func() (*Schema, error) { return ParseSchema(schemaJSON) })

// Schema is Oracle's record schema as the fake reads it.
type Schema = recordSchema

// ParseSchema reads a records-<release>.json file (see the README beside
// it in ../shared/netsuite-schema).
func ParseSchema(b []byte) (*Schema, error) {
	var f struct {
		Definitions map[string]schemaDef `json:"definitions"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("nsfake: schema: %w", err)
	}
	if len(f.Definitions) == 0 {
		return nil, fmt.Errorf("nsfake: schema: no definitions")
	}
	return &recordSchema{defs: f.Definitions}, nil
}

// SchemaJSON is the fake's copy of Oracle's record schema.
func SchemaJSON() []byte { return schemaJSON }

// customFieldPrefixes are the ids of an account's custom fields, which the
// generic schema cannot list.
var customFieldPrefixes = []string{"custbody", "custcol", "custentity", "custitem", "custrecord", "custevent"}

func isCustomField(name string) bool {
	for _, p := range customFieldPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// validation is what a request asked NetSuite to do with bad properties.
type validation struct{ names, values bool } // true: Error (400); false: drop

func validationOf(r *http.Request) validation {
	return validation{
		names:  strings.EqualFold(r.Header.Get(HeaderNameValidation), "Error"),
		values: strings.EqualFold(r.Header.Get(HeaderValueValidation), "Error"),
	}
}

// SchemaViolation is one property of a body that the schema does not allow.
type SchemaViolation struct {
	Path   string // JSON path, e.g. payment.items[0].id
	Kind   string // "unknown", "readonly" or "type"
	Detail string
}

// CheckBody lists what in body (a record of recordType, as sent in a
// create or upsert) the schema does not allow: unknown properties (custom
// fields aside), read-only ones, and values of the wrong JSON type.
func CheckBody(recordType string, body map[string]any) ([]SchemaViolation, error) {
	sc, err := loadSchema()
	if err != nil {
		return nil, err
	}
	return sc.Check(recordType, body)
}

// Check is CheckBody against this schema.
func (sc *Schema) Check(recordType string, body map[string]any) ([]SchemaViolation, error) {
	if _, ok := sc.defs[recordType]; !ok {
		return nil, fmt.Errorf("nsfake: the schema has no record type %q", recordType)
	}
	var out []SchemaViolation
	sc.object(recordType, body, "", func(v SchemaViolation) { out = append(out, v) })
	return out, nil
}

// object checks the members of an object against definition name.
func (sc *recordSchema) object(name string, obj map[string]any, path string, report func(SchemaViolation)) {
	def := sc.defs[name]
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := joinPath(path, k)
		prop, ok := def.Properties[k]
		switch {
		case isCustomField(k):
		case !ok:
			report(SchemaViolation{p, "unknown", fmt.Sprintf("%s is not a field of %s", k, name)})
		case prop.ReadOnly:
			report(SchemaViolation{p, "readonly", fmt.Sprintf("%s is read-only", k)})
		default:
			sc.value(name, k, prop, obj[k], p, report)
		}
	}
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// value checks one property's value against its schema entry. A null
// leaves the field empty and is any type's.
func (sc *recordSchema) value(owner, key string, prop schemaProp, v any, path string, report func(SchemaViolation)) {
	if v == nil {
		return
	}
	bad := func(want string) {
		report(SchemaViolation{path, "type", fmt.Sprintf("%s must be %s, not %s", key, want, jsonKind(v))})
	}
	switch prop.Type {
	case "string":
		if _, ok := v.(string); !ok {
			bad("a string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("a boolean")
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			bad("a number")
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok || strings.ContainsAny(n.String(), ".eE") {
			bad("an integer")
		}
	case "ref":
		sc.reference(v, path, bad, report)
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("an object")
			return
		}
		if prop.Ref != "" {
			sc.object(prop.Ref, m, path, report)
			return
		}
		sc.selectValue(owner, key, m, path, report)
	case "array":
		sc.array(prop, v, path, bad, report)
	}
}

// reference checks {"id": "…"} or {"externalId": "…"} (nsResource).
func (sc *recordSchema) reference(v any, path string, bad func(string), report func(SchemaViolation)) {
	m, ok := v.(map[string]any)
	if !ok {
		bad(`a reference object ({"id": "…"})`)
		return
	}
	sc.object("nsResource", m, path, report)
}

// selectValue checks a select field's object against its dotted members
// (status.id, status.refName) and the enum of its id.
func (sc *recordSchema) selectValue(owner, key string, m map[string]any, path string, report func(SchemaViolation)) {
	def := sc.defs[owner]
	for k, v := range m {
		p := joinPath(path, k)
		prop, ok := def.Properties[key+"."+k]
		if !ok {
			report(SchemaViolation{p, "unknown", fmt.Sprintf("%s is not a member of the select field %s", k, key)})
			continue
		}
		sc.value(owner, key+"."+k, prop, v, p, report)
		if s, isStr := v.(string); isStr && len(prop.Enum) > 0 && !contains(prop.Enum, s) {
			report(SchemaViolation{p, "type", fmt.Sprintf("%q is not one of the values of %s", s, key)})
		}
	}
}

func (sc *recordSchema) array(prop schemaProp, v any, path string, bad func(string), report func(SchemaViolation)) {
	list, ok := v.([]any)
	if !ok {
		bad("an array")
		return
	}
	for i, e := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, isObj := e.(map[string]any)
		switch {
		case prop.Items == "":
			// The Browser gives no item type (priceElement.quantity).
		case !isObj:
			report(SchemaViolation{p, "type", fmt.Sprintf("elements must be objects, not %s", jsonKind(e))})
		case sc.defs[prop.Items].Properties != nil:
			sc.object(prop.Items, m, p, report)
		default: // references to records the file does not define (subsidiary)
			sc.object("nsResource", m, p, report)
		}
	}
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + x.String()
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// enforceSchema applies the schema to a write as NetSuite does: with
// validation set to Error, the first violation is a 400; otherwise the
// offending top-level properties are dropped and the record is saved
// without them.
func enforceSchema(recordType string, body map[string]any, val validation) *apiError {
	vs, err := CheckBody(recordType, body)
	if err != nil {
		return &apiError{status: http.StatusInternalServerError, code: "UNEXPECTED_ERROR", detail: err.Error()}
	}
	for _, v := range vs {
		strict := val.values
		if v.Kind != "type" {
			strict = val.names
		}
		if strict {
			return schemaError(v)
		}
		top, _, _ := strings.Cut(v.Path, ".")
		top, _, _ = strings.Cut(top, "[")
		delete(body, top)
	}
	return nil
}

func schemaError(v SchemaViolation) *apiError {
	switch v.Kind {
	case "unknown":
		return badRequest("INVALID_CONTENT", v.Path,
			"Error while accessing a resource. Invalid property name: %s. %s.", v.Path, v.Detail)
	case "readonly":
		return badRequest("INVALID_CONTENT", v.Path,
			"Error while accessing a resource. The property %s is read-only and cannot be set.", v.Path)
	}
	return badRequest("INVALID_CONTENT", v.Path,
		"Error while accessing a resource. You have entered an Invalid Field Value for the following field: %s (%s).", v.Path, v.Detail)
}

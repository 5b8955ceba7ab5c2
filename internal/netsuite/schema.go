package netsuite

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The client's reading of Oracle's REST record schema (release 2026.1),
// embedded so that `config check` can hold netsuite.defaults to it without
// network access. It is a copy of ../shared/netsuite-schema; a test keeps
// them equal. The fake NetSuite reads its own copy with its own code.
//
//go:embed schemadata/records-2026.1.json
var schemaJSON []byte

type fieldDef struct {
	Type     string `json:"type"`
	Ref      string `json:"ref"`
	ReadOnly bool   `json:"readOnly"`
}

var recordFields = sync.OnceValues(func() (map[string]map[string]fieldDef, error) {
	var f struct {
		Definitions map[string]struct {
			Properties map[string]fieldDef `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(schemaJSON, &f); err != nil {
		return nil, fmt.Errorf("netsuite: embedded schema: %w", err)
	}
	out := map[string]map[string]fieldDef{}
	for name, d := range f.Definitions {
		out[name] = d.Properties
	}
	return out, nil
})

// SchemaJSON is the embedded copy of Oracle's record schema.
func SchemaJSON() []byte { return schemaJSON }

// alternateTypes are fields whose JSON type Oracle's prose and the schema
// disagree on, where a default may take either form. customerPayment's
// undepFunds is a select object in the REST schema ({"id": "T"}, what
// nsrecon sends) but a checkbox (true/false) in SOAP, SuiteScript and the
// record's help; an account that answers the select with "Invalid Field
// Value" takes netsuite.defaults.customerPayment.undepFunds: true.
var alternateTypes = map[string]string{"customerPayment.undepFunds": "boolean"}

// customPrefixes are the ids of an account's own fields, which the
// generic schema cannot list.
var customPrefixes = []string{"custbody", "custcol", "custentity", "custitem", "custrecord", "custevent"}

// DefaultsError is one netsuite.defaults entry the schema does not allow.
type DefaultsError struct {
	RecordType, Field, Msg string
}

// CheckDefaults holds field defaults (record type → field → value, as
// configured under netsuite.defaults) to Oracle's schema: a record type
// nsrecon writes, a field of it (custom fields and customForm included),
// not read-only, with a value of the field's JSON type.
func CheckDefaults(defaults map[string]map[string]any) []DefaultsError {
	fields, err := recordFields()
	if err != nil {
		return []DefaultsError{{Msg: err.Error()}}
	}
	var out []DefaultsError
	for _, typ := range sortedKeys(defaults) {
		if _, ok := LookupRecordType(typ); !ok {
			var names []string
			for _, t := range RecordTypes() {
				names = append(names, t.Name)
			}
			out = append(out, DefaultsError{typ, "", "not a record type nsrecon writes (" + strings.Join(names, ", ") + "; names are case-sensitive)"})
			continue
		}
		for _, f := range sortedKeys(defaults[typ]) {
			if msg := checkDefault(fields[typ], typ, f, defaults[typ][f]); msg != "" {
				out = append(out, DefaultsError{typ, f, msg})
			}
		}
	}
	return out
}

func checkDefault(props map[string]fieldDef, typ, field string, v any) string {
	for _, p := range customPrefixes {
		if strings.HasPrefix(field, p) {
			return ""
		}
	}
	def, ok := props[field]
	switch {
	case !ok:
		return fmt.Sprintf("%s has no field %q in Oracle's schema (names are case-sensitive)", typ, field)
	case def.ReadOnly:
		return "read-only: NetSuite sets it"
	case field == "externalId" || field == "id":
		return "nsrecon sets it: it is how re-runs find the record"
	}
	want := def.Type
	if want == "object" && def.Ref == "" {
		want = "select"
	}
	got := jsonType(v)
	if got == want || (want == "ref" || want == "select") && got == "object" || want == "number" && got == "integer" ||
		alternateTypes[typ+"."+field] == got {
		return ""
	}
	return fmt.Sprintf("must be %s, not %s", typeWords[want], typeWords[got])
}

var typeWords = map[string]string{
	"string": "a string", "number": "a number", "integer": "an integer", "boolean": "true or false",
	"ref": `a reference ({id: "123"})`, "select": `a select value ({id: "…"})`, "object": "an object",
	"array": "a list", "null": "empty",
}

// jsonType is the JSON type of a value decoded from YAML or JSON.
func jsonType(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int64, uint64:
		return "integer"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "number"
		}
		return "integer"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package config

import (
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// FieldDefaults are fields merged into every NetSuite record body of a type
// (netsuite.defaults: record type → field → value), for accounts whose
// forms make more fields mandatory ("Please enter value(s) for: …"), custom
// forms and custom fields included. Names are NetSuite's, case-sensitive.
type FieldDefaults map[string]map[string]any

// toFieldDefaults reads netsuite.defaults from the environment (a JSON
// object) or from viper's view of the file (whose names viper lower-cased:
// parse replaces them with the file's own, see fileDefaults).
func toFieldDefaults(raw any) (FieldDefaults, error) {
	switch x := raw.(type) {
	case FieldDefaults:
		return x, nil
	case string:
		if x == "" {
			return FieldDefaults{}, nil
		}
		var out FieldDefaults
		if err := json.Unmarshal([]byte(x), &out); err != nil {
			return nil, fmt.Errorf(`must map record types to fields, e.g. {"customer": {"entityStatus": {"id": "13"}}}`)
		}
		return out, nil
	case map[string]any:
		out := FieldDefaults{}
		for typ, v := range x {
			fields, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s must be a map of field → value", typ)
			}
			out[typ] = fields
		}
		return out, nil
	case nil:
		return FieldDefaults{}, nil
	}
	return nil, fmt.Errorf("must be a map of record type → (field → value)")
}

// fileDefaults reads netsuite.defaults from the YAML file as written: viper
// lower-cases every key, and NetSuite's field names are case-sensitive
// (undepFunds, customForm).
func fileDefaults(root *yaml.Node) (FieldDefaults, bool, error) {
	n := yamlChild(yamlChild(root, "netsuite"), "defaults")
	if n == nil {
		return nil, false, nil
	}
	var out FieldDefaults
	if err := n.Decode(&out); err != nil {
		return nil, true, fmt.Errorf("must be a map of record type → (field → value): %v", err)
	}
	return out, true, nil
}

// yamlChild is the value under key in a mapping node (the document's root
// mapping when n is the document).
func yamlChild(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func cloneDefaults(d FieldDefaults) FieldDefaults {
	out := make(FieldDefaults, len(d))
	for typ, fields := range d {
		f := make(map[string]any, len(fields))
		for k, v := range fields {
			f[k] = v
		}
		out[typ] = f
	}
	return out
}

// validateRecords checks what shapes the NetSuite records themselves: the
// rounding rule, tax settings, customer IDs, and netsuite.defaults against
// Oracle's record schema.
func (c *Config) validateRecords(p *problemList) {
	p.enum("rules.rounding", c.Rules.Rounding, RoundingHold, RoundingAccount)
	p.internalID("accounts.rounding", c.Accounts.Rounding, c.Rules.Rounding == RoundingAccount,
		"rules.rounding is account: set the account rounding differences post to")
	p.enum("customers.entity_id", c.Customers.EntityID, EntityIDAuto, EntityIDDerived)
	p.internalID("items.tax_schedule", c.Items.TaxSchedule, false, "")
	p.internalID("items.tax_code", c.Items.TaxCode, false, "")
	for _, e := range netsuite.CheckDefaults(c.NetSuite.Defaults) {
		key := "netsuite.defaults." + e.RecordType
		if e.Field != "" {
			key += "." + e.Field
		}
		p.add(key, "%s", e.Msg)
	}
}

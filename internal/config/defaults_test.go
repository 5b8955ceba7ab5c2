package config

import (
	"errors"
	"strings"
	"testing"
)

// TestFieldDefaults: netsuite.defaults keeps NetSuite's case-sensitive
// names from the file (viper lower-cases keys) and from the environment.
func TestFieldDefaults(t *testing.T) {
	clearEnv(t)
	c := mustLoad(t, minimal+`
netsuite:
  defaults:
    customer: {customForm: {id: "-2"}, custentity_region: EU}
    customerPayment: {undepFunds: true}
`)
	if got := c.NetSuite.Defaults["customer"]["customForm"]; got == nil {
		t.Errorf("customer.customForm lost: %#v", c.NetSuite.Defaults)
	}
	if got := c.NetSuite.Defaults["customerPayment"]["undepFunds"]; got != true {
		t.Errorf("customerPayment.undepFunds = %#v", got)
	}
	t.Setenv("NSRECON_NETSUITE_DEFAULTS", `{"invoice":{"customForm":{"id":"7"}}}`)
	c = mustLoad(t, minimal)
	if c.NetSuite.Defaults["invoice"]["customForm"] == nil {
		t.Errorf("from the environment: %#v", c.NetSuite.Defaults)
	}
}

// TestFieldDefaultsChecked: config check holds each default to Oracle's
// schema and names the key.
func TestFieldDefaultsChecked(t *testing.T) {
	clearEnv(t)
	for _, c := range []struct{ yaml, key, msg string }{
		{"customer: {emial: x}", "netsuite.defaults.customer.emial", "has no field"},
		{"customer: {isPerson: \"yes\"}", "netsuite.defaults.customer.isPerson", "must be true or false"},
		{"invoice: {exchangeRate: \"1.1\"}", "netsuite.defaults.invoice.exchangeRate", "must be a number"},
		{"invoice: {entity: \"7\"}", "netsuite.defaults.invoice.entity", "must be a reference"},
		{"customerpayment: {memo: x}", "netsuite.defaults.customerpayment", "not a record type"},
		{"deposit: {externalId: x}", "netsuite.defaults.deposit.externalId", "nsrecon sets it"},
	} {
		_, err := load(t, minimal+"netsuite:\n  defaults:\n    "+c.yaml+"\n")
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Key != c.key || !strings.Contains(ce.Problems[0].Msg, c.msg) {
			t.Errorf("%s: %v, want %s: …%s…", c.yaml, err, c.key, c.msg)
		}
	}
	// Custom fields, forms, select objects and the undepFunds checkbox
	// Oracle's prose describes are all accepted.
	mustLoad(t, minimal+`
netsuite:
  defaults:
    customer: {custentity_x: 1, customForm: {id: "-2"}, entityStatus: {id: "13"}}
    customerPayment: {undepFunds: true}
    invoice: {approvalStatus: {id: "2"}, exchangeRate: 1}
`)
}

func TestRecordRulesValidated(t *testing.T) {
	clearEnv(t)
	_, err := load(t, minimal+"rules:\n  rounding: account\ncustomers:\n  entity_id: random\n")
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 2 {
		t.Fatalf("%v", err)
	}
	got := ce.Problems[0].Key + " " + ce.Problems[1].Key
	if !strings.Contains(got, "accounts.rounding") || !strings.Contains(got, "customers.entity_id") {
		t.Errorf("problems %v", ce.Problems)
	}
}

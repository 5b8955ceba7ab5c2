package export

import (
	"bytes"
	"encoding/json"
	"testing"
)

func newJSON(b *bytes.Buffer) (Writer, error) { return NewJSON(b) }

// The JSON export has a schema_version, and counts, run IDs and flags are
// JSON numbers and booleans, not strings; amounts stay decimal strings.
func TestJSONTypes(t *testing.T) {
	rc := reconcileScenario(t, "refunds_invoice")
	var doc struct {
		SchemaVersion *int             `json:"schema_version"`
		Rows          []map[string]any `json:"rows"`
		Payouts       []map[string]any `json:"payouts"`
	}
	dec := json.NewDecoder(rc.export(t, newJSON))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion == nil || *doc.SchemaVersion != JSONSchemaVersion {
		t.Fatalf("schema_version %v, want %d", doc.SchemaVersion, JSONSchemaVersion)
	}
	if len(doc.Rows) == 0 || len(doc.Payouts) == 0 {
		t.Fatalf("%d rows, %d payouts", len(doc.Rows), len(doc.Payouts))
	}
	perPayout := map[any]int64{}
	for _, r := range doc.Rows {
		perPayout[r["automatic_payout_id"]]++
		if _, ok := r["run_id"].(json.Number); !ok {
			t.Errorf("row run_id %#v is not a number", r["run_id"])
		}
		if _, ok := r["net"].(string); !ok {
			t.Errorf("row net %#v is not a decimal string", r["net"])
		}
	}
	for _, p := range doc.Payouts {
		n, ok := p["rows"].(json.Number)
		if got, _ := n.Int64(); !ok || got != perPayout[p["automatic_payout_id"]] {
			t.Errorf("payout %v: rows %#v, want the number %d", p["automatic_payout_id"], p["rows"], perPayout[p["automatic_payout_id"]])
		}
		if b, ok := p["balanced"].(bool); !ok || !b {
			t.Errorf("payout %v: balanced %#v, want true", p["automatic_payout_id"], p["balanced"])
		}
		if _, ok := p["run_id"].(json.Number); !ok {
			t.Errorf("payout %v: run_id %#v is not a number", p["automatic_payout_id"], p["run_id"])
		}
		if _, ok := p["payout_amount"].(string); !ok {
			t.Errorf("payout %v: payout_amount %#v is not a decimal string", p["automatic_payout_id"], p["payout_amount"])
		}
	}
}

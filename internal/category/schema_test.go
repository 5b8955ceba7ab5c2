package category

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestEveryDocumentedCategoryHasARow reads the reporting categories Stripe
// documents for API 2023-10-16 from the schema file and checks each has a
// row: only a value outside that list may be reported as unknown (a newer
// Stripe API).
func TestEveryDocumentedCategoryHasARow(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "stripe-schema", "stripe-2023-10-16.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("Stripe schema not available: %v", err)
	}
	var schema struct {
		Categories []string `json:"reporting_categories"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if len(schema.Categories) != 37 {
		t.Fatalf("%s lists %d reporting categories, want 37", path, len(schema.Categories))
	}
	for _, cat := range schema.Categories {
		if _, ok := Lookup(cat); !ok {
			t.Errorf("documented reporting_category %q has no row in the category table", cat)
		}
	}
	if len(All()) != len(schema.Categories) {
		t.Errorf("the table has %d rows, Stripe documents %d categories", len(All()), len(schema.Categories))
	}
}

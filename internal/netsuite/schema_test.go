package netsuite_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// TestSchemaCopyIsOracles holds the client's embedded schema to
// ../shared/netsuite-schema, byte for byte; without it the test skips,
// except under CI.
func TestSchemaCopyIsOracles(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "netsuite-schema", "records-2026.1.json"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared NetSuite schema is missing under CI: %v", err)
		}
		t.Skipf("no shared schema: %v", err)
	}
	if !bytes.Equal(want, netsuite.SchemaJSON()) {
		t.Error("internal/netsuite/schemadata/records-2026.1.json differs from the shared schema: copy it again")
	}
}

// TestEveryBodyHasAmounts: the precision rule reaches every record type.
func TestEveryBodyHasAmounts(t *testing.T) {
	for _, b := range []netsuite.Body{&netsuite.Customer{}, &netsuite.ServiceSaleItem{}, &netsuite.DiscountItem{},
		&netsuite.Invoice{}, &netsuite.CustomerPayment{}, &netsuite.CreditMemo{}, &netsuite.CustomerRefund{}, &netsuite.Deposit{},
		&netsuite.JournalEntry{}} {
		if _, ok := b.(netsuite.Amounted); !ok {
			t.Errorf("%s has no Amounts", b.RecordType())
		}
	}
	if len(netsuite.RecordTypes()) != 9 {
		t.Error("a record type was added: add its body above")
	}
}

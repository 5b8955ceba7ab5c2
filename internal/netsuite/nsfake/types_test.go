package nsfake

import (
	"slices"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// TestRecordTypesAgree holds the client's record-type table against the
// fake's own: the same types, the same transactions, and every sublist
// NetSuite appends to on update replaced by the client's upsert.
func TestRecordTypesAgree(t *testing.T) {
	client := netsuite.RecordTypes()
	fake := WritableTypes()
	if len(client) != len(fake) {
		t.Errorf("client knows %d record types, the fake %d", len(client), len(fake))
	}
	for _, ft := range fake {
		ct, ok := netsuite.LookupRecordType(ft.Name)
		if !ok {
			t.Errorf("%s: the fake accepts it, the client's table has no row", ft.Name)
			continue
		}
		if ct.Transaction != ft.Transaction {
			t.Errorf("%s: transaction %v in the client, %v in the fake", ft.Name, ct.Transaction, ft.Transaction)
		}
		for _, sub := range ft.Unkeyed {
			if !slices.Contains(ct.Replace, sub) {
				t.Errorf("%s: the client's upsert does not replace unkeyed sublist %q (a retry would double its lines)", ft.Name, sub)
			}
		}
	}
	referenced := map[string]bool{}
	for _, ct := range client {
		for _, ref := range ct.References {
			referenced[ref] = true
		}
	}
	for _, ct := range client {
		if _, ok := writableType(ct.Name); !ok {
			t.Errorf("%s: in the client's table, not writable in the fake", ct.Name)
		}
		// A type no record references (a journal entry) is never looked up.
		if ct.Abbrev == "" || (ct.LookupRank == 0 && referenced[ct.Name]) {
			t.Errorf("%s: row without an abbreviation or lookup rank", ct.Name)
		}
		for _, ref := range ct.References {
			if _, ok := netsuite.LookupRecordType(ref); !ok {
				t.Errorf("%s references %s, which has no row", ct.Name, ref)
			}
		}
	}
}

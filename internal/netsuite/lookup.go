package netsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Tables of the batched lookups (SuiteQL table names).
const (
	TableCustomer    = "customer"
	TableItem        = "item"
	TableTransaction = "transaction"
	// Tables of the internal IDs the config names (verified before a
	// payout's first write, looked up by internal ID only).
	TableAccount        = "account"
	TableCurrency       = "currency"
	TableSubsidiary     = "subsidiary"
	TableDepartment     = "department"
	TableClassification = "classification"
	TableLocation       = "location"
)

// kindColumns are, per table, the SuiteQL column that says what kind of
// record it is (Found.Kind): an account's type, a currency's ISO code.
var kindColumns = map[string]string{TableAccount: "accttype", TableCurrency: "symbol"}

// byIDOnly are the tables looked up by internal ID alone: the config names
// their records, nsrecon never gives them external IDs.
var byIDOnly = map[string]bool{TableAccount: true, TableCurrency: true, TableSubsidiary: true,
	TableDepartment: true, TableClassification: true, TableLocation: true}

// LookupBatch is how many IDs one lookup query names at most: SuiteQL (on
// Oracle) allows 1000 values in an IN list; half keeps the query text short.
const LookupBatch = 500

// Found is a record a batched lookup found.
type Found struct {
	ID         string
	ExternalID string
	// Open is what is still open on a transaction, as a decimal in the
	// transaction's currency: an invoice's amount unpaid, a customer
	// payment's or credit memo's unapplied amount. "" for other records.
	Open string
	// Kind is an account's type (accttype: "Bank", "Expense", …) or a
	// currency's ISO code (symbol); "" for other tables.
	Kind string
}

// openColumns are the SuiteQL columns of what is open on a transaction:
// foreignamountunpaid for invoices, foreignpaymentamountunused for
// customer payments and credit memos (the other is empty).
var openColumns = []string{"foreignamountunpaid", "foreignpaymentamountunused"}

// LookUp finds the records of a SuiteQL table (TableCustomer, TableItem,
// TableTransaction; by internal ID only, TableAccount and the other
// tables of config IDs) that have one of the internal IDs or external IDs, in
// one query per LookupBatch values (paged like every SuiteQL query). IDs
// that are not all digits are never internal IDs and are skipped. It reads
// only: it is what verifies a plan before its first write.
func (c *Client) LookUp(ctx context.Context, table string, ids, externalIDs []string) ([]Found, error) {
	cols := "id, externalid"
	switch {
	case table == TableTransaction:
		cols += ", " + strings.Join(openColumns, ", ")
	case byIDOnly[table]:
		cols, externalIDs = "id", nil
	}
	if k := kindColumns[table]; k != "" {
		cols += ", " + k
	}
	var out []Found
	var numeric []string
	for _, id := range ids {
		if Digits(id) {
			numeric = append(numeric, id)
		}
	}
	for len(numeric)+len(externalIDs) > 0 {
		n := min(len(numeric), LookupBatch)
		m := min(len(externalIDs), LookupBatch-n)
		q := "SELECT " + cols + " FROM " + table + " WHERE " + inClause(numeric[:n], externalIDs[:m])
		numeric, externalIDs = numeric[n:], externalIDs[m:]
		err := c.SuiteQL(ctx, q, func(row json.RawMessage) error {
			var r map[string]any
			dec := json.NewDecoder(bytes.NewReader(row))
			dec.UseNumber() // amounts stay exact decimals
			if err := dec.Decode(&r); err != nil {
				return err
			}
			f := Found{ID: text(r["id"]), ExternalID: text(r["externalid"]), Kind: text(r[kindColumns[table]])}
			for _, col := range openColumns {
				if v := text(r[col]); v != "" {
					f.Open = v
				}
			}
			out = append(out, f)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("looking up %ss in NetSuite: %w", table, err)
		}
	}
	return out, nil
}

func inClause(ids, externalIDs []string) string {
	var parts []string
	if len(ids) > 0 {
		parts = append(parts, "id IN ("+strings.Join(ids, ", ")+")")
	}
	if len(externalIDs) > 0 {
		quoted := make([]string, len(externalIDs))
		for i, e := range externalIDs {
			quoted[i] = Quote(e)
		}
		parts = append(parts, "externalid IN ("+strings.Join(quoted, ", ")+")")
	}
	return strings.Join(parts, " OR ")
}

// text is a SuiteQL value as text: SuiteQL sends most values as strings,
// some as numbers.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// Digits reports whether s is a NetSuite internal ID: digits only.
func Digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

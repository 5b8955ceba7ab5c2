package netsuite

// RecordType is what nsrecon knows about one NetSuite record type it
// writes. Every place that needs per-type knowledge (the client's upsert,
// the pusher's lookups, the report's records column) reads it from
// RecordTypes, so a new record type is one new row.
type RecordType struct {
	Name   string // as in REST paths (/record/v1/<Name>)
	Abbrev string // short name in the report's records column
	// Replace lists the unkeyed sublists an upsert replaces rather than
	// adds to (?replace=…): NetSuite cannot match their lines to the
	// stored ones, so an update would otherwise append them.
	Replace []string
	// References lists the record types nsrecon writes that this type can
	// reference, most likely first (see the record bodies).
	References []string
	// LookupRank orders the types a lookup tries when no referencing
	// record narrows them down (1 first): customers and transactions
	// before items; 0 for a type no record references (never looked up).
	LookupRank  int
	Transaction bool
	// Table is the SuiteQL table that holds records of this type: where
	// the records of a finished async batch are found by external ID.
	Table string
	// Commit marks the record that closes a payout (its deposit, or its
	// journal entry in summary mode): sent after every other record of the
	// plan, so the payout is reconciled exactly when it exists.
	Commit bool
}

// RecordTypes returns one row per record type nsrecon writes, in
// dependency order (the order records are created in, and the order the
// report lists them). A function, not a package variable, so nobody can
// modify the table.
func RecordTypes() []RecordType {
	return []RecordType{
		{Name: TypeCustomer, Abbrev: "cust", LookupRank: 1, Table: TableCustomer},
		{Name: TypeServiceSaleItem, Abbrev: "item", LookupRank: 6, Table: TableItem},
		{Name: TypeDiscountItem, Abbrev: "disc", LookupRank: 7, Table: TableItem},
		{Name: TypeInvoice, Abbrev: "inv", LookupRank: 2, Transaction: true, Table: TableTransaction, Replace: []string{"item"},
			References: []string{TypeCustomer, TypeServiceSaleItem, TypeDiscountItem}},
		{Name: TypeCustomerPayment, Abbrev: "pay", LookupRank: 3, Transaction: true, Table: TableTransaction,
			References: []string{TypeCustomer, TypeInvoice}},
		{Name: TypeCreditMemo, Abbrev: "cm", LookupRank: 4, Transaction: true, Table: TableTransaction, Replace: []string{"item"},
			References: []string{TypeInvoice, TypeCustomer, TypeServiceSaleItem, TypeDiscountItem}},
		{Name: TypeCustomerRefund, Abbrev: "refund", LookupRank: 5, Transaction: true, Table: TableTransaction,
			References: []string{TypeCustomer, TypeCreditMemo, TypeCustomerPayment}},
		{Name: TypeDeposit, Abbrev: "dep", LookupRank: 8, Transaction: true, Table: TableTransaction, Commit: true, Replace: []string{"payment", "other", "cashback"},
			References: []string{TypeCustomerPayment, TypeCustomerRefund, TypeCustomer}},
		{Name: TypeJournalEntry, Abbrev: "je", Transaction: true, Table: TableTransaction, Commit: true, Replace: []string{"line"}},
	}
}

// LookupRecordType returns the row of the named record type.
func LookupRecordType(name string) (RecordType, bool) {
	for _, t := range RecordTypes() {
		if t.Name == name {
			return t, true
		}
	}
	return RecordType{}, false
}

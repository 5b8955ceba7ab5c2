package export

import (
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// A scenario reconciled in summary mode, for real (fake Stripe, fake
// NetSuite, real clients): each payout is one journal entry in NetSuite,
// debits equal to credits, its bank line the payout; no customers,
// invoices or payments. The export still itemizes every balance
// transaction, each row naming the journal entry and the account its
// share went to, and the rows net to the payout.
func TestSummaryReconcileAndExport(t *testing.T) {
	for _, name := range []string{"invoice_charges", "disputes", "fees"} {
		t.Run(name, func(t *testing.T) {
			rc := reconcileScenarioIn(t, name, config.ModeSummary)
			ns := rc.env.NetSuite
			for _, typ := range []string{"customer", "invoice", "customerPayment", "deposit"} {
				if n := len(ns.Records(typ)); typ != "customer" && n != 0 || typ == "customer" && n > 0 {
					t.Errorf("%d %s records in summary mode", n, typ)
				}
			}
			entries := ns.Records(netsuite.TypeJournalEntry)
			rows := readCSV(t, rc.export(t, newCSV).Bytes())
			checkNets(t, rc, rows)
			reconciled := map[string]bool{}
			for _, r := range rows {
				if r["status"] == string(outcome.Reconciled) {
					reconciled[r["automatic_payout_id"]] = true
				}
			}
			if len(reconciled) == 0 || len(entries) != len(reconciled) {
				t.Fatalf("%d journal entries for %d reconciled payouts", len(entries), len(reconciled))
			}
			t.Logf("%d payouts, %d rows, journal entry lines: %v", len(entries), len(rows), entries[0].Fields["line"])
			ids := map[string]bool{}
			for _, e := range entries {
				ids[e.ID] = true
			}
			for _, r := range rows {
				if r["netsuite_record_type"] == netsuite.TypeJournalEntry && !ids[r["netsuite_internal_id"]] {
					t.Errorf("row names journal entry %q, not in NetSuite: %v", r["netsuite_internal_id"], r)
				}
				if r["balance_transaction_id"] != "" && r["netsuite_record_type"] != netsuite.TypeJournalEntry && r["status"] == "reconciled" {
					t.Errorf("row of a reconciled payout without its journal entry: %v", r)
				}
			}
		})
	}
}

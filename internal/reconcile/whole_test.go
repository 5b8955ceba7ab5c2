package reconcile

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// writes counts the records in the fake NetSuite that nsrecon writes.
func (w *world) writes() int {
	n := 0
	for _, t := range netsuite.RecordTypes() {
		n += len(w.env.NetSuite.Records(t.Name))
	}
	return n - 4 // the sandbox preloads 4 items
}

// A customer linked by netsuite_customer_id to a customer NetSuite does
// not have: the payout is held by the verification before its first
// write, naming the customer; a link that is not an internal ID is held by
// the planner. Nothing of either payout is written.
func TestUnknownNetSuiteCustomerHeldBeforeFirstWrite(t *testing.T) {
	w := newWorld(t, "unknown_netsuite_customer")
	rep := w.run(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[1])
	got := statuses(rep)
	if !strings.HasPrefix(got, "held, "+outcome.CodeNotInNetSuite+": ") || !strings.Contains(got, "customer 99999") ||
		!strings.Contains(got, "held, "+outcome.CodeMalformed+": customer") {
		t.Fatalf("statuses: %s", got)
	}
	if n := w.writes(); n != 0 {
		t.Errorf("%d records written for held payouts", n)
	}
	if c := w.env.NetSuite.Counts(); c["PUT customerPayment"]+c["PUT customer"] != 0 {
		t.Errorf("writes sent: %v", c)
	}
}

// Partly refunded, then disputed in full (and the reverse): held by
// default before anything of the payout is written; with rules.over_refund
// deposit_line every payout is reconciled, NetSuite (which refuses
// applying more than is open) accepts every record, and each deposit
// equals its payout.
func TestOverRefundAcrossPayouts(t *testing.T) {
	for _, name := range []string{"refund_then_dispute", "dispute_then_refund"} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, name)
			path := filepath.Join(t.TempDir(), "l.db")
			for _, d := range w.days[:2] {
				if got := statuses(w.run(path, d, d)); got != "reconciled" {
					t.Fatalf("%s: %s", d.Format("01-02"), got)
				}
			}
			before := w.writes()
			if got := statuses(w.run(path, w.days[2], w.days[2])); !strings.HasPrefix(got, "held, "+outcome.CodeOverRefund) {
				t.Fatalf("day 3, rule hold: %s", got)
			}
			if n := w.writes(); n != before {
				t.Errorf("held payout wrote %d records", n-before)
			}
			s := plansettings.From(w.cfg)
			s.OverRefundRule = "deposit_line"
			if got := statuses(w.runWith(path, w.days[2], w.days[2], s)); got != "reconciled" {
				t.Fatalf("day 3, rule deposit_line: %s", got)
			}
			w.checkBooks(3)
			// The same in one run over all three days, on a fresh ledger
			// and a NetSuite that already has days 1 and 2.
		})
	}
}

// Invoices paid partly from the customer's credit balance end settled in
// NetSuite: nothing remains open on them.
func TestCreditBalanceSettlesInvoice(t *testing.T) {
	w := newWorld(t, "credit_balance")
	if got := statuses(w.run(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[0])); got != "reconciled" {
		t.Fatalf("statuses: %s", got)
	}
	w.checkBooks(1)
	var exts []string
	for _, r := range w.env.NetSuite.Records(netsuite.TypeInvoice) {
		exts = append(exts, r.ExternalID)
	}
	found, err := w.ns.LookUp(context.Background(), netsuite.TableTransaction, nil, exts)
	if err != nil || len(found) != 3 {
		t.Fatalf("found %v, %v", found, err)
	}
	for _, f := range found {
		if f.Open != "0" {
			t.Errorf("invoice %s has %s open", f.ExternalID, f.Open)
		}
	}
	if n := len(w.env.NetSuite.Records(netsuite.TypeCreditMemo)); n != 2 {
		t.Errorf("%d credit memos, want 2 (one per invoice paid partly by balance)", n)
	}
}

// A refusal nobody could foresee (verification passed) fails the payout
// partway: the report and the ledger name exactly the records that exist,
// and the next run finishes the payout without sending them again.
func TestPartlyWrittenThenFinished(t *testing.T) {
	w := newWorld(t, "refunds_plain")
	path := filepath.Join(t.TempDir(), "l.db")
	w.env.NetSuite.RefuseWrites("stripe_po_", "This period is locked (injected).")
	rep := w.run(path, w.days[0], w.days[0])
	p := rep.Payouts[0]
	var pw *outcome.Problem
	for i := range p.Problems {
		if p.Problems[i].Code == outcome.CodePartlyWritten {
			pw = &p.Problems[i]
		}
	}
	if p.Status != outcome.Failed || pw == nil {
		t.Fatalf("first run: %s", statuses(rep))
	}
	// The problem counts what exists by type; ledger show lists each.
	written := w.writes()
	for _, typ := range []string{netsuite.TypeCustomer, netsuite.TypeCustomerPayment} {
		if n := len(w.env.NetSuite.Records(typ)); !strings.Contains(pw.Message, fmt.Sprintf("%s %d", typ, n)) {
			t.Errorf("%d %s records exist but the problem does not count them: %s", n, typ, pw.Message)
		}
	}
	if !strings.Contains(pw.Message, fmt.Sprintf("%d of its ", written)) {
		t.Errorf("%d records written, problem: %s", written, pw.Message)
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st, _, _ := l.Payout(context.Background(), p.ID)
	recs, _ := l.PayoutRecords(context.Background(), p.ID)
	l.Close()
	if !strings.Contains(string(st.Problems), outcome.CodePartlyWritten) {
		t.Errorf("ledger row problems %s", st.Problems)
	}
	done := 0
	for _, r := range recs {
		if r.Status == ledger.RecordDone {
			done++
		}
	}
	if done != written {
		t.Errorf("ledger show lists %d records done, NetSuite has %d", done, written)
	}

	w.env.NetSuite.AllowWrites()
	puts := w.env.NetSuite.Counts()
	if got := statuses(w.run(path, w.days[0], w.days[0])); got != "reconciled" {
		t.Fatalf("second run: %s", got)
	}
	after := w.env.NetSuite.Counts()
	if n := after["PUT customerPayment"] - puts["PUT customerPayment"] + after["PUT customer"] - puts["PUT customer"]; n != 0 {
		t.Errorf("second run sent %d customers/payments again", n)
	}
	w.checkBooks(1)
}

// TestVerificationRequests measures what the verification adds: the
// SuiteQL requests of a run (reads only) for many_transactions and the
// sandbox history. The config's internal IDs (accounts, currencies,
// classification) add at most one request per table per run, not per
// payout: 1 for many_transactions, 3 for the sandbox's five payouts.
func TestVerificationRequests(t *testing.T) {
	for name, most := range map[string]int{"many_transactions": 2 + 1, "sandbox": 8 + 3} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, name)
			rep := w.run(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[len(w.days)-1])
			c := w.env.NetSuite.Counts()
			total := 0
			for k, v := range c {
				if !strings.HasPrefix(k, "4") && !strings.HasPrefix(k, "5") {
					total += v
				}
			}
			t.Logf("%s: %d payouts, %d NetSuite requests, %d of them SuiteQL (verification and lookups); by route %v",
				name, len(rep.Payouts), total, c["POST suiteql"], c)
			if c["POST suiteql"] > most {
				t.Errorf("%d SuiteQL requests, want at most %d", c["POST suiteql"], most)
			}
		})
	}
}

// A payout whose refunds already exist in NetSuite (a lost ledger) is not
// held as applying more than is open: NetSuite's open amount is net of
// those very refunds, which the upsert replaces.
func TestRefundsRerunWithLostLedger(t *testing.T) {
	w := newWorld(t, "refunds_plain")
	dir := t.TempDir()
	for i, d := range w.days {
		if got := statuses(w.run(filepath.Join(dir, "first.db"), d, d)); got != "reconciled" {
			t.Fatalf("day %d: %s", i+1, got)
		}
	}
	if got := statuses(w.run(filepath.Join(dir, "fresh.db"), w.days[1], w.days[1])); got != "reconciled" {
		t.Fatalf("day 2 again with a fresh ledger: %s", got)
	}
	w.checkBooks(2)
}

// netsuite.revenue_recognition: subscription lines carry Stripe's period
// as revRecStartDate/revRecEndDate (end inclusive: the day before Stripe's
// exclusive end); one-time lines carry none.
func TestRevenueRecognitionDates(t *testing.T) {
	w := newWorld(t, "invoice_charges")
	s := plansettings.From(w.cfg)
	s.RevenueRecognition = true
	if got := statuses(w.runWith(filepath.Join(t.TempDir(), "l.db"), w.days[0], w.days[0], s)); got != "reconciled" {
		t.Fatalf("statuses: %s", got)
	}
	withDates, without := 0, 0
	for _, inv := range w.env.NetSuite.Records(netsuite.TypeInvoice) {
		lines, _ := inv.Fields["item"].(map[string]any)["items"].([]any)
		for _, l := range lines {
			line := l.(map[string]any)
			start, _ := line["revRecStartDate"].(string)
			end, _ := line["revRecEndDate"].(string)
			switch {
			case start != "" && end != "":
				withDates++
				if end <= start {
					t.Errorf("%s: rev rec %s to %s", inv.ExternalID, start, end)
				}
			case start == "" && end == "":
				without++
			default:
				t.Errorf("%s: half a period: %v", inv.ExternalID, line)
			}
		}
	}
	if withDates == 0 || without == 0 {
		t.Errorf("%d lines with rev rec dates, %d without; want both", withDates, without)
	}
}

// A payout that failed in NetSuite does not vouch for its records to the
// payouts after it in the same run: a refund of one of its charges is
// verified against NetSuite, held before its payout's first write, and
// not pushed to fail partway.
func TestFailedPayoutVouchesForNothing(t *testing.T) {
	w := newWorld(t, "refunds_plain")
	path := filepath.Join(t.TempDir(), "l.db")
	// Day 1's payment that day 2 refunds is refused, so day 1 fails.
	w.env.NetSuite.RefuseWrites("stripe_ch_1DU3narO1QBxsCpW3OSSO7Gm", "A workflow refused this payment (injected).")
	rep := w.run(path, w.days[0], w.days[1])
	if len(rep.Payouts) != 2 || rep.Payouts[0].Status != outcome.Failed {
		t.Fatalf("day 1 should fail: %s", statuses(rep))
	}
	day2 := rep.Payouts[1]
	if day2.Status != outcome.Held || day2.Pushed != 0 {
		t.Fatalf("day 2 should be held before any write, got %s (pushed %d)", statuses(rep), day2.Pushed)
	}
}

package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

func summarySettings() Settings {
	s := settings()
	s.Mode, s.Sales, s.Refunds, s.SalesTax = ModeSummary, "600", "601", "602"
	return s
}

// journal returns the plan's one record, a journal entry, as
// "<account> D|C <amount>" lines.
func journal(t *testing.T, p *Plan) (*netsuite.JournalEntry, []string) {
	t.Helper()
	if len(p.Records) != 1 || p.Records[0].Type != netsuite.TypeJournalEntry {
		t.Fatalf("summary plan records: %v", p.Counts())
	}
	je := p.Records[0].Body.(*netsuite.JournalEntry)
	var out []string
	for _, l := range je.Line.Items {
		switch {
		case l.Debit != nil && l.Credit == nil:
			out = append(out, fmt.Sprintf("%s D %d", l.Account.ID, l.Debit.Minor))
		case l.Credit != nil && l.Debit == nil:
			out = append(out, fmt.Sprintf("%s C %d", l.Account.ID, l.Credit.Minor))
		default:
			t.Errorf("line %+v is not one debit or one credit", l)
		}
	}
	if d, c := je.Totals(); d != c {
		t.Errorf("journal entry out of balance: debits %d, credits %d", d, c)
	}
	return je, out
}

// A payout of charges (one paying a taxed invoice), a refund, a dispute
// with its fee, a platform earning and fees split by kind is one journal
// entry: the bank line, then a line per category and account.
func TestSummaryJournalEntry(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Ann", "ann@example.com")
	b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: "usd", Customer: "cus_1", Total: 1100, Tax: 100}
	b.charge("ch_1", "cus_1", "in_1", 1100, 62)
	b.s.Charges["ch_2"] = &payout.Charge{ID: "ch_2", Amount: 2000, Currency: "usd", Customer: "cus_1"}
	b.bt("charge", "charge", "ch_2", 2000, 88,
		payout.FeeDetail{Amount: 80, Currency: "usd", Type: "stripe_fee"},
		payout.FeeDetail{Amount: 8, Currency: "usd", Type: "tax"})
	b.refund("re_1", "ch_2", 500)
	b.s.Disputes["dp_1"] = &payout.Dispute{ID: "dp_1", Amount: 1100, Currency: "usd", Charge: "ch_1"}
	b.bt("dispute", "adjustment", "dp_1", -1100, 1500)
	b.bt("other_adjustment", "adjustment", "", 300, 0)
	p := Build(b.finish(), summarySettings(), nil)
	mustReady(t, p)
	je, lines := journal(t, p)
	want := []string{
		"200 D 150",  // bank: the payout (1100-62 + 2000-88 - 500 - 1100-1500 + 300)
		"600 C 3000", // charge: gross 1100+2000 less the invoice's tax
		"602 C 100",  // charge tax
		"601 D 1100", // dispute
		"303 D 1500", // dispute fee
		"300 D 142",  // fee: 62 + 80
		"301 D 8",    // fee tax
		"310 C 300",  // other_adjustment
		"601 D 500",  // refund
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("journal lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if je.ExternalID != "stripe_po_1" || je.TranDate == "" || p.DepositTotal != p.Payout.Amount {
		t.Errorf("entry %+v, total %d", je, p.DepositTotal)
	}
	// Every transaction's share is traced, and they add up to the payout.
	var sum int64
	for _, tr := range p.Trace {
		for _, part := range tr.Journal {
			sum += part.Amount
		}
	}
	if len(p.Trace) != 5 || sum != p.Payout.Amount {
		t.Errorf("%d traces summing to %d, payout %d", len(p.Trace), sum, p.Payout.Amount)
	}
}

// However large the payout, summary mode writes one record with the same
// lines: the bank line plus one per category and account in it.
func TestSummaryConstantSize(t *testing.T) {
	var sizes []int
	for _, n := range []int{100, 10_000} {
		p := Build(benchSnapshot(n), summarySettings(), nil)
		mustReady(t, p)
		_, lines := journal(t, p)
		sizes = append(sizes, len(lines))
	}
	if sizes[0] != sizes[1] || sizes[0] > 8 {
		t.Errorf("journal lines for 100 and 10,000 transactions: %v", sizes)
	}
}

// A payout that takes money from the bank is a credit to it; detailed
// mode cannot book it (a deposit cannot be negative), summary mode can.
func TestSummaryNegativePayout(t *testing.T) {
	b := newSnap("usd")
	b.s.Charges["ch_1"] = &payout.Charge{ID: "ch_1", Amount: 1000, Currency: "usd"}
	b.refund("re_1", "ch_1", 1000)
	b.bt("fee", "stripe_fee", "", -200, 0)
	snap := b.finish()
	if p := Build(snap, settings(), nil); !p.Held() {
		t.Error("detailed mode booked a negative payout")
	}
	p := Build(snap, summarySettings(), nil)
	mustReady(t, p)
	if _, lines := journal(t, p); lines[0] != "200 C 1200" {
		t.Errorf("bank line %q, want a credit of 1200", lines[0])
	}
}

// Missing summary accounts hold the payout, naming the key; tax stays in
// accounts.sales without accounts.sales_tax.
func TestSummaryMappings(t *testing.T) {
	b := newSnap("usd")
	b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: "usd", Total: 1100, Tax: 100}
	b.charge("ch_1", "", "in_1", 1100, 0)
	b.s.Charges["ch_2"] = &payout.Charge{ID: "ch_2", Amount: 1000, Currency: "usd"}
	b.refund("re_1", "ch_2", 100)
	snap := b.finish()
	s := summarySettings()
	s.Sales, s.Refunds = "", ""
	p := Build(snap, s, nil)
	var keys []string
	for _, pr := range p.Problems {
		if pr.Code == outcome.CodeMissingMapping {
			keys = append(keys, pr.Fix)
		}
	}
	if len(keys) != 2 || !strings.Contains(keys[0], "accounts.sales") || !strings.Contains(keys[1], "accounts.refunds") {
		t.Errorf("problems %+v", p.Problems)
	}
	s = summarySettings()
	s.SalesTax = ""
	p = Build(snap, s, nil)
	mustReady(t, p)
	if _, lines := journal(t, p); lines[1] != "600 C 1100" {
		t.Errorf("lines %v: the tax should stay in sales", lines)
	}
}

// Amounts NetSuite cannot hold (a third decimal) hold a summary payout by
// default; with rules.rounding: account each line is rounded and a line
// to accounts.rounding balances the entry.
func TestSummaryPrecision(t *testing.T) {
	b := newSnap("kwd")
	b.s.Charges["ch_1"] = &payout.Charge{ID: "ch_1", Amount: 1234, Currency: "kwd"}
	b.bt("charge", "charge", "ch_1", 1234, 17)
	snap := b.finish()
	s := summarySettings()
	if p := Build(snap, s, nil); !strings.Contains(strings.Join(codes(p), ","), outcome.CodePrecision) {
		t.Fatalf("not held for precision: %v", codes(p))
	}
	s.RoundingRule, s.Rounding = RoundingAccount, "699"
	p := Build(snap, s, nil)
	if p.Held() || p.DepositTotal != 1220 { // KWD 1.217 at NetSuite's 2 decimals
		t.Fatalf("rounded plan: %v, bank %d", p.Problems, p.DepositTotal)
	}
	_, lines := journal(t, p)
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "699 ") {
		t.Errorf("lines %v: no rounding line", lines)
	}
}

// Rounding notes of a summary payout say what the journal entry holds:
// differences that cancel out make no line to accounts.rounding (and the
// note says so), and a payout NetSuite cannot hold exactly is noted with
// the bank line NetSuite gets, as detailed mode notes its deposit.
func TestSummaryRoundingNotes(t *testing.T) {
	b := newSnap("kwd")
	b.s.Charges["ch_1"] = &payout.Charge{ID: "ch_1", Amount: 18404, Currency: "kwd"}
	b.bt("charge", "charge", "ch_1", 18404, 20) // 18.404 (→ 18.40), fee 0.020: the bank gets 18.384 (→ 18.38)
	s := summarySettings()
	s.RoundingRule, s.Rounding = RoundingAccount, "699"
	p := Build(b.finish(), s, nil)
	if p.Held() || p.DepositTotal != 18380 {
		t.Fatalf("rounded plan: %v, bank %d", p.Problems, p.DepositTotal)
	}
	_, lines := journal(t, p)
	for _, l := range lines {
		if strings.HasPrefix(l, "699 ") {
			t.Errorf("lines %v: a rounding line of 0", lines)
		}
	}
	notes := strings.Join(p.Notes, "; ")
	if strings.Contains(notes, "a journal line to") || !strings.Contains(notes, "without a line to accounts.rounding") {
		t.Errorf("notes claim a rounding line the entry does not have: %s", notes)
	}
	if !strings.Contains(notes, "the bank received 18.384 KWD; the journal entry's bank line is 18.38") {
		t.Errorf("notes do not say what the bank line is: %s", notes)
	}
}

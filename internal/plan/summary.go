package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Modes of Settings.Mode (reconcile.mode).
const (
	ModeDetailed = "detailed"
	ModeSummary  = "summary"
)

// Summary mode books a payout as one journal entry in the payout
// currency: the bank line (the payout: a debit, or a credit when the
// payout takes money from the bank) and one line per reporting category
// and account, each the sum of that category's amounts:
//
//   - charges: gross to accounts.sales, the tax of a paid invoice (where
//     Stripe reports it and accounts.sales_tax is set) to that account;
//   - refunds and disputes: to accounts.refunds;
//   - fees, tax on fees, application fees, dispute fees and every other
//     category: to the accounts detailed mode uses for them.
//
// Balance transactions are in the payout currency, so no line converts
// currencies, and the entry balances because Σ net = payout amount. It is
// a constant number of records (one) and lines (one per category and
// account in the payout) whatever the payout's size; there are no
// customers, invoices or payments in NetSuite in this mode.

// summary is the journal entry being built.
type summary struct {
	lines map[summaryKey]*summaryLine
	entry *netsuite.JournalEntry // once built
}

type summaryKey struct {
	label   string // "charge", "refund", "fee", "platform_earning", …
	account Key    // the mapping's key: lines of one key share an account
}

type summaryLine struct {
	acct   Mapping
	amount int64 // money in positive
	count  int   // transactions in it
}

func (b *builder) buildSummary() {
	if !b.plannable() {
		return
	}
	b.je = &summary{lines: map[summaryKey]*summaryLine{}}
	b.carryFailedPayouts()
	for _, bt := range b.oldestFirst() {
		b.summaryTxn(bt)
	}
	po := b.snap.Payout
	je := &netsuite.JournalEntry{
		ExternalID: ExternalID(po.ID), TranDate: date(po.ArrivalDate),
		Memo: "Stripe payout " + po.ID + " (summary)", Currency: b.currency(b.cur),
		Classification: b.classification(),
	}
	bank := b.s.Mapping(BankKey(b.cur))
	total := b.je.total()
	je.Line.Items = append(je.Line.Items, b.journalLine(bank, total, "Stripe payout "+po.ID, po.ID))
	for _, k := range b.je.keys() {
		l := b.je.lines[k]
		if l.amount == 0 {
			continue
		}
		memo := fmt.Sprintf("Stripe %s: %d transaction(s)", k.label, l.count)
		// Money in is a credit to its account, money out a debit.
		je.Line.Items = append(je.Line.Items, b.journalLine(l.acct, -l.amount, memo, po.ID))
	}
	b.add(Record{Type: netsuite.TypeJournalEntry, ExternalID: je.ExternalID, Source: po.ID, Body: je})
	b.je.entry = je
	b.plan.DepositTotal = total
}

// roundJournal, after rules.rounding: account rounded the entry's amounts
// to NetSuite's precision, balances it with a line to accounts.rounding;
// the bank line is then the payout at NetSuite's precision.
func (b *builder) roundJournal(n int) {
	if b.je == nil || b.je.entry == nil {
		return
	}
	je := b.je.entry
	debit, credit := je.Totals()
	where := fmt.Sprintf("the differences are a journal line to %s", KeyRounding)
	if diff := debit - credit; diff != 0 {
		je.Line.Items = append(je.Line.Items, b.journalLine(b.s.Mapping(KeyRounding), -diff,
			fmt.Sprintf("Rounding of %d Stripe amount(s) to NetSuite's precision", n), b.snap.Payout.ID))
	} else {
		where = fmt.Sprintf("the differences cancel out: the journal entry balances without a line to %s", KeyRounding)
	}
	bank, _ := netsuite.BookingOf(je)
	b.plan.DepositTotal = bank.Amount
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%d amount(s) rounded to NetSuite's precision (%s: %s); %s",
		n, KeyRoundingRule, RoundingAccount, where))
	if po := b.snap.Payout; bank.Amount != po.Amount {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("the bank received %s %s; the journal entry's bank line is %s, the nearest amount NetSuite can hold",
			money.Format(po.Amount, b.cur), strings.ToUpper(b.cur), money.FormatNetSuite(bank.Amount, b.cur)))
	}
}

// journalLine debits acct with amount (credits it when negative).
func (b *builder) journalLine(acct Mapping, amount int64, memo, object string) netsuite.JournalLine {
	l := netsuite.JournalLine{Account: b.ref(acct, object), Memo: memo}
	a := &netsuite.Amount{Minor: amount, Currency: b.cur}
	if amount < 0 {
		a.Minor = -amount
		l.Credit = a
	} else {
		l.Debit = a
	}
	return l
}

func (s *summary) total() int64 {
	var t int64
	for _, l := range s.lines {
		t += l.amount
	}
	return t
}

// keys orders the lines: by label, then account key.
func (s *summary) keys() []summaryKey {
	out := make([]summaryKey, 0, len(s.lines))
	for k := range s.lines {
		out = append(out, k)
	}
	slices.SortFunc(out, func(x, y summaryKey) int {
		return cmp.Or(cmp.Compare(x.label, y.label), cmp.Compare(x.account, y.account))
	})
	return out
}

// summaryTxn adds one balance transaction to the lines, and its trace.
func (b *builder) summaryTxn(bt *payout.BalanceTransaction) {
	if b.isOwnPayoutTxn(bt) || b.carriedElsewhere(bt) {
		return
	}
	before := len(b.plan.Problems)
	tr := Trace{Txn: bt}
	defer func() {
		b.lineProblems += len(b.plan.Problems) - before
		b.plan.Trace = append(b.plan.Trace, tr)
	}()
	if !b.bookable(bt) {
		return
	}
	post := func(label string, m Mapping, amount int64) {
		if amount == 0 {
			return
		}
		b.ref(m, bt.ID) // a missing mapping holds the payout
		k := summaryKey{label: label, account: m.Key}
		l := b.je.lines[k]
		if l == nil {
			l = &summaryLine{acct: m}
			b.je.lines[k] = l
		}
		l.amount += amount
		l.count++
		tr.Journal = append(tr.Journal, JournalPart{Account: m.ID, Amount: amount})
	}
	cat := bt.ReportingCategory
	row, known := category.Lookup(cat)
	switch {
	case known && row.Booking == category.Charge:
		tax := b.invoiceTax(bt)
		post("charge", b.s.Mapping(KeySales), bt.Amount-tax)
		post("charge tax", b.s.Mapping(KeySalesTax), tax)
		b.summaryFees(bt, row, post)
	case known && (row.Booking == category.Refund || row.Booking == category.Dispute):
		post(cat, b.s.Mapping(KeyRefunds), bt.Amount)
		b.summaryFees(bt, row, post)
	case known && (row.Booking == category.FeeLine || row.Booking == category.DepositLine):
		post(cat, b.s.Mapping(Key(row.Key)), bt.Amount)
		b.summaryFees(bt, row, post)
	case !known && b.s.Categories[cat] != "":
		post(cat, b.s.Mapping(CategoryKey(cat)), bt.Amount)
		b.summaryFees(bt, category.Row{}, post)
	default:
		b.book(bt) // what cannot be booked: the same problems as in detailed mode
	}
}

// summaryFees posts a transaction's fee as detailed mode splits it (fees.go
// of deposit.go): by fee_details kind, the rest to the category's fee
// account.
func (b *builder) summaryFees(bt *payout.BalanceTransaction, row category.Row, post func(string, Mapping, int64)) {
	def, label := b.feeMapping(row), "fee"
	if def.Key == KeyDisputeFees {
		label = "dispute fee"
	}
	rest := bt.Fee
	for _, fd := range bt.FeeDetails {
		if fd.Amount == 0 || (fd.Currency != "" && strings.ToLower(fd.Currency) != b.cur) {
			continue
		}
		switch fd.Type {
		case "tax":
			post("fee tax", b.s.Mapping(KeyFeeTax), -fd.Amount)
		case "application_fee":
			post("application fee", b.s.Mapping(KeyApplicationFees), -fd.Amount)
		default:
			post(label, def, -fd.Amount)
		}
		rest -= fd.Amount
	}
	post(label, def, -rest)
}

// invoiceTax is the part of a charge that is tax on the invoice it paid,
// in the payout currency: 0 without accounts.sales_tax, without an
// invoice, or when Stripe reports no tax. A charge that paid only part of
// its invoice carries its share of the tax.
func (b *builder) invoiceTax(bt *payout.BalanceTransaction) int64 {
	if b.s.SalesTax == "" {
		return 0
	}
	ch := b.snap.Charges[bt.Source]
	if ch == nil || ch.Invoice == "" {
		return 0
	}
	inv := b.snap.Invoices[ch.Invoice]
	if inv == nil || inv.Tax <= 0 || inv.Total <= 0 {
		return 0
	}
	share := inv.Tax
	if ch.Amount < inv.Total {
		share = inv.Tax * ch.Amount / inv.Total
	}
	if ccy := strings.ToLower(inv.Currency); ccy != b.cur {
		v, err := money.Convert(share, ccy, bt.ExchangeRate, b.cur)
		if err != nil {
			return 0 // left in accounts.sales
		}
		share = v
	}
	return max(0, min(share, bt.Amount))
}

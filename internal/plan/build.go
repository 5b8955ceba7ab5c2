package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// The accounting jobs of the builder live in files of their own:
// charge.go and invoice.go (charges and invoices), reversal.go (refunds and
// disputes), deposit.go (deposit lines, fees, currency conversion),
// customer.go and items.go. This file holds the payout walk and the record
// bookkeeping they share.

// Build maps one payout snapshot to its plan and validates it. known tells
// which nsrecon-made records already exist (earlier payouts); it may be nil.
func Build(snap *payout.Snapshot, s Settings, known Known) *Plan {
	b := newBuilder(snap, s, known, &Plan{Kind: KindPayout, Payout: snap.Payout}, snap.Payout.Currency)
	if s.Mode == ModeSummary {
		b.buildSummary() // summary.go
		b.precision()
		b.validate()
		return b.plan
	}
	b.build()
	b.precision()
	b.validate()
	b.plan.Refundable = b.open
	return b.plan
}

type builder struct {
	snap  *payout.Snapshot
	s     Settings
	known Known
	plan  *Plan
	index map[string]int // external ID → position in plan.Records
	dep   *netsuite.Deposit
	je    *summary // summary mode (summary.go): instead of dep
	cur   string   // payout currency
	// carried sums, per payout_failure/payout_cancel transaction, the net of
	// the failed payout's transactions it brought back (BalanceTransaction.Via).
	carried map[string]int64
	// lineProblems counts problems raised by individual transactions: with
	// any, the deposit is known to be incomplete and its total is not also
	// reported as a mismatch.
	lineProblems int
	// missingKeys are the config keys already reported as missing mappings.
	missingKeys map[Key]bool
	// open is, per charge, what refunds and disputes can still take back
	// from its payment (open.go).
	open map[string]int64
	// fromNetSuite marks the charges whose open amount NetSuite gave.
	fromNetSuite map[string]bool
	// invoicePaidBy names, per Stripe invoice, the charge of this payout
	// that paid it: a second one would apply to a settled invoice.
	invoicePaidBy map[string]string
	// needs are the CurrencyNeeds planned (without their ISO code).
	needs map[CurrencyNeed]bool
}

func newBuilder(snap *payout.Snapshot, s Settings, known Known, p *Plan, currency string) *builder {
	if known == nil {
		known = KnownSet(nil)
	}
	return &builder{
		snap:          snap,
		s:             s,
		known:         known,
		plan:          p,
		index:         make(map[string]int),
		cur:           strings.ToLower(currency),
		missingKeys:   make(map[Key]bool),
		open:          make(map[string]int64),
		fromNetSuite:  make(map[string]bool),
		invoicePaidBy: make(map[string]string),
	}
}

func (b *builder) problem(code, object, fix, format string, args ...any) {
	b.plan.Problems = append(b.plan.Problems, outcome.Problem{
		Code: code, Object: object, Message: fmt.Sprintf(format, args...), Fix: fix,
	})
}

func (b *builder) build() {
	po := b.snap.Payout
	if !b.plannable() {
		return
	}
	b.newDeposit()
	if po.Amount < 0 {
		b.problem(outcome.CodeNegativePayout, po.ID,
			"record this debit in NetSuite by hand (a bank transfer or journal); nsrecon makes deposits only",
			"payout %s takes %s %s from the bank: NetSuite deposits cannot be negative",
			po.ID, money.Format(-po.Amount, b.cur), strings.ToUpper(b.cur))
	}
	b.carryFailedPayouts()
	for _, bt := range b.oldestFirst() {
		b.txn(bt)
	}
	b.add(Record{Type: netsuite.TypeDeposit, ExternalID: b.dep.ExternalID, Source: po.ID, Body: b.dep})
	b.plan.DepositTotal = b.dep.Total()
}

// plannable reports whether the payout can be planned at all: an
// automatic payout in a known currency with well-formed fields.
func (b *builder) plannable() bool {
	po := b.snap.Payout
	if !po.Automatic {
		b.problem(outcome.CodeManualPayout, po.ID,
			"enter its deposit by hand in NetSuite, then record that: nsrecon ledger resolve "+po.ID+" --note \"deposit entered by hand\"",
			"payout %s is a manual payout: Stripe does not list which balance transactions it contains", po.ID)
		return false
	}
	if !money.Known(b.cur) {
		b.problem(outcome.CodeUnknownCurrency, po.ID, "", "payout %s has currency %q, which is not an ISO 4217 code", po.ID, po.Currency)
		return false
	}
	return b.checkPayout() // checks.go
}

// carryFailedPayouts decides, per failed payout the balance transactions
// return, whether its own transactions are planned in this deposit: only if
// nsrecon never deposited that payout. If it did (the payout failed after it
// was paid and reconciled), its payments are already in that deposit: the
// returned funds are a plain payout_reversal line instead.
func (b *builder) carryFailedPayouts() {
	b.carried = map[string]int64{}
	for _, bt := range b.snap.Transactions {
		if bt.Type != "payout_failure" && bt.Type != "payout_cancel" {
			continue
		}
		if b.known.Has(ExternalID(bt.Source)) {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(
				"payout %s failed after nsrecon deposited it (%s): its returned funds are a line to %s; map that to the bank account so the undelivered deposit is offset",
				bt.Source, ExternalID(bt.Source), CategoryKey("payout_reversal")))
			continue
		}
		for _, c := range b.snap.Transactions {
			if c.Via == bt.ID {
				b.carried[bt.ID] += c.Net
			}
		}
	}
}

// oldestFirst returns the balance transactions oldest first: Stripe lists
// newest first; planning oldest first keeps output stable and reads like
// the statement.
func (b *builder) oldestFirst() []*payout.BalanceTransaction {
	txns := slices.Clone(b.snap.Transactions)
	slices.SortStableFunc(txns, func(x, y payout.BalanceTransaction) int {
		if c := x.Created.Compare(y.Created); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	out := make([]*payout.BalanceTransaction, len(txns))
	for i := range txns {
		out[i] = &txns[i]
	}
	return out
}

// isOwnPayoutTxn reports whether bt is the payout's own withdrawal, which
// is the payout itself rather than something in it.
func (b *builder) isOwnPayoutTxn(bt *payout.BalanceTransaction) bool {
	return bt.Type == "payout" && (bt.Source == "" || bt.Source == b.snap.Payout.ID)
}

func (b *builder) txn(bt *payout.BalanceTransaction) {
	if b.isOwnPayoutTxn(bt) || b.carriedElsewhere(bt) {
		return
	}
	before := len(b.plan.Problems)
	defer func() { b.lineProblems += len(b.plan.Problems) - before }()
	defer b.trace(bt)()
	if b.bookable(bt) {
		b.book(bt)
	}
}

// bookable checks a balance transaction's currency, amounts, ID and
// source; false holds the payout.
func (b *builder) bookable(bt *payout.BalanceTransaction) bool {
	if strings.ToLower(bt.Currency) != b.cur {
		b.problem(outcome.CodeBadAmount, bt.ID, "",
			"balance transaction %s is in %s but payout %s is in %s", bt.ID, strings.ToUpper(bt.Currency), b.snap.Payout.ID, strings.ToUpper(b.cur))
		return false
	}
	if bt.Net != bt.Amount-bt.Fee {
		b.problem(outcome.CodeBadAmount, bt.ID, "",
			"balance transaction %s: net %d ≠ amount %d − fee %d", bt.ID, bt.Net, bt.Amount, bt.Fee)
		return false
	}
	return b.checkTxn(bt)
}

// carriedElsewhere reports whether bt is not planned one by one: a
// transaction of a failed payout that was deposited already, or the lump
// sum of a failed payout whose own transactions are planned instead (and
// must add up to it).
func (b *builder) carriedElsewhere(bt *payout.BalanceTransaction) bool {
	if bt.Via != "" {
		if _, expanded := b.carried[bt.Via]; !expanded {
			return true // its payout was deposited already; see carryFailedPayouts
		}
	}
	carried, ok := b.carried[bt.ID]
	if !ok || !b.hasCarried(bt.ID) {
		return false
	}
	if carried != bt.Net {
		b.lineProblems++
		b.problem(outcome.CodeBadAmount, bt.ID, "check the failed payout "+bt.Source+" in the Stripe Dashboard",
			"%s %s returns %s but the failed payout's transactions net to %s", bt.Type, bt.ID,
			money.Format(bt.Net, b.cur), money.Format(carried, b.cur))
	}
	return true
}

// hasCarried reports whether the reader brought the failed payout's
// transactions for this failure (it cannot for a manual payout).
func (b *builder) hasCarried(failureID string) bool {
	for i := range b.snap.Transactions {
		if b.snap.Transactions[i].Via == failureID {
			return true
		}
	}
	return false
}

// book plans a balance transaction as its reporting category's row in the
// category table says.
func (b *builder) book(bt *payout.BalanceTransaction) {
	cat := bt.ReportingCategory
	row, known := category.Lookup(cat)
	switch {
	case known && row.Booking == category.Charge:
		b.charge(bt)
	case known && (row.Booking == category.Refund || row.Booking == category.Dispute):
		b.reversal(bt, row)
	case known && row.Booking == category.OwnPayout:
		// A payout's own transaction with another payout as source cannot
		// be in this payout; Stripe reports failures as payout_reversal.
		b.problem(outcome.CodeUnsupported, bt.ID, "report this payout to the nsrecon maintainers",
			"balance transaction %s has category payout but belongs to %s, not %s", bt.ID, bt.Source, b.snap.Payout.ID)
	case known: // FeeLine, DepositLine
		b.lineTxn(bt, b.s.Mapping(Key(row.Key)), b.feeMapping(row))
	case b.s.Categories[cat] != "":
		// A category newer than the table becomes a line too once the user
		// maps it: they decided where it posts.
		b.lineTxn(bt, b.s.Mapping(CategoryKey(cat)), b.s.Mapping(KeyStripeFees))
	case cat == "":
		b.problem(outcome.CodeMissingField, bt.ID, "",
			"balance transaction %s (%s) has no reporting_category", bt.ID, bt.Type)
	default:
		b.problem(outcome.CodeUnsupported, bt.ID,
			fmt.Sprintf("upgrade nsrecon, or map it to an account under %s once nsrecon supports it", CategoryKey(cat)),
			"balance transaction %s has reporting_category %q, which this version of nsrecon does not know (a newer Stripe API?)", bt.ID, cat)
	}
}

// feeMapping is the account a category's fees go to: dispute fees where
// the row says so and they are mapped, else Stripe fees.
func (b *builder) feeMapping(row category.Row) Mapping {
	if row.DisputeFees && b.s.DisputeFees != "" {
		return b.s.Mapping(KeyDisputeFees)
	}
	return b.s.Mapping(KeyStripeFees)
}

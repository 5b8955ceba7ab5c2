package plan

import "github.com/nsrecon/nsrecon/internal/payout"

// Trace is what one balance transaction of the payout became: the records
// planned while booking it and its lines of the deposit, as index ranges
// [from, to) into Plan.Records and the deposit's sublists. An audit export
// reads it to tie each Stripe transaction to its NetSuite records.
//
// Every transaction the deposit accounts for has a trace, in planning
// order (oldest first), also when it raised a problem; the payout's own
// transaction and transactions accounted for elsewhere (a failed payout's
// lump sum whose transactions are carried instead) have none. So the net
// of the traced transactions is the payout amount whenever the payout
// validates.
type Trace struct {
	Txn      *payout.BalanceTransaction
	Records  [2]int // Plan.Records
	Payments [2]int // deposit payment sublist (customer payments and refunds)
	Other    [2]int // deposit other sublist (money in)
	CashBack [2]int // deposit cashback sublist (money out)
	// Journal is, in summary mode, what the transaction added to the
	// payout's journal entry, per account.
	Journal []JournalPart
}

// JournalPart is one transaction's share of a summary journal line: the
// account and the amount, money in positive (a credit to that account),
// money out negative (a debit).
type JournalPart struct {
	Account string
	Amount  int64
}

// trace starts the trace of bt; the function it returns ends it.
func (b *builder) trace(bt *payout.BalanceTransaction) func() {
	t := Trace{Txn: bt}
	t.Records[0] = len(b.plan.Records)
	t.Payments[0], t.Other[0], t.CashBack[0] = len(b.dep.Payment.Items), len(b.dep.Other.Items), len(b.dep.CashBack.Items)
	return func() {
		t.Records[1] = len(b.plan.Records)
		t.Payments[1], t.Other[1], t.CashBack[1] = len(b.dep.Payment.Items), len(b.dep.Other.Items), len(b.dep.CashBack.Items)
		b.plan.Trace = append(b.plan.Trace, t)
	}
}

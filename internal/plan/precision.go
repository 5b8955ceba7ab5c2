package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// Rounding rules (rules.rounding): what to do with amounts NetSuite cannot
// hold exactly (a third decimal; NetSuite's currency precision is 0 or 2).
const (
	RoundingHold    = "hold"    // hold the payout (default): never rounded silently
	RoundingAccount = "account" // round each amount, book each difference to accounts.rounding
)

// precision checks every planned amount against NetSuite's precision. By
// default a plan with an amount NetSuite cannot hold exactly is held; with
// rules.rounding: account each such amount is rounded half away from zero,
// and the deposit gets a line to accounts.rounding for the sum of the
// differences, so it still equals what the bank received (to NetSuite's
// precision: a payout amount with a third decimal becomes the nearest
// amount NetSuite can hold, which the plan's notes say).
func (b *builder) precision() {
	var first string
	n := 0
	round := b.s.RoundingRule == RoundingAccount
	var at string // the record being visited
	visit := func(amt *netsuite.Amount) {
		if money.NetSuiteExact(amt.Minor, amt.Currency) {
			return
		}
		if n++; first == "" {
			first = fmt.Sprintf("%s %s %s", at, money.Format(amt.Minor, amt.Currency), strings.ToUpper(amt.Currency))
		}
		if round {
			amt.Minor = money.RoundNetSuite(amt.Minor, amt.Currency)
		}
	}
	for _, r := range b.plan.Records {
		if a, ok := r.Body.(netsuite.Amounted); ok {
			at = r.ExternalID
			a.EachAmount(visit)
		}
	}
	if n == 0 {
		return
	}
	object := b.snap.Payout.ID
	if object == "" && len(b.plan.Records) > 0 {
		object = b.plan.Records[len(b.plan.Records)-1].Source
	}
	if !round {
		b.problem(outcome.CodePrecision, object,
			fmt.Sprintf("book it by hand, or set %s: %s and %s to book each rounding difference", KeyRoundingRule, RoundingAccount, KeyRounding),
			"%d amount(s) have more decimals than NetSuite keeps (0 or 2), e.g. %s: NetSuite cannot hold them exactly", n, first)
		return
	}
	b.clampApplied()
	b.roundDeposit(n)
	b.roundJournal(n) // summary.go
}

// clampApplied keeps every payment's applied amount within the payment and
// within the planned invoice it pays, both rounded.
func (b *builder) clampApplied() {
	for _, r := range b.plan.Records {
		pay, ok := r.Body.(*netsuite.CustomerPayment)
		if !ok || pay.Apply == nil {
			continue
		}
		for i := range pay.Apply.Items {
			l := &pay.Apply.Items[i]
			l.Amount.Minor = min(l.Amount.Minor, pay.Payment.Minor)
			if j, ok := b.index[l.Doc.ExternalID]; ok {
				if inv, ok := b.plan.Records[j].Body.(*netsuite.Invoice); ok {
					l.Amount.Minor = min(l.Amount.Minor, inv.Item.Total())
				}
			}
		}
	}
}

// roundDeposit books what rounding changed to accounts.rounding, so the
// deposit is the payout amount at NetSuite's precision.
func (b *builder) roundDeposit(n int) {
	if b.dep == nil {
		return
	}
	po := b.snap.Payout
	want := money.RoundNetSuite(po.Amount, b.cur)
	if diff := want - b.dep.Total(); diff != 0 {
		b.line(diff, b.s.Mapping(KeyRounding), po.ID,
			fmt.Sprintf("Rounding of %d Stripe amount(s) to NetSuite's precision (%s)", n, po.ID))
	}
	b.plan.DepositTotal = b.dep.Total()
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%d amount(s) rounded to NetSuite's precision (%s: %s); the differences are a deposit line to %s",
		n, KeyRoundingRule, RoundingAccount, KeyRounding))
	if want != po.Amount {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("the bank received %s %s; the deposit is %s, the nearest amount NetSuite can hold",
			money.Format(po.Amount, b.cur), strings.ToUpper(b.cur), money.FormatNetSuite(want, b.cur)))
	}
}

// depositTarget is the deposit total validation expects: the payout
// amount, at NetSuite's precision when the rounding rule rounded amounts.
func (b *builder) depositTarget() int64 {
	if b.s.RoundingRule == RoundingAccount {
		return money.RoundNetSuite(b.snap.Payout.Amount, b.cur)
	}
	return b.snap.Payout.Amount
}

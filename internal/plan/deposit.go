package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// newDeposit starts the payout's deposit, to which every transaction adds
// its payments and lines.
func (b *builder) newDeposit() {
	po := b.snap.Payout
	b.dep = &netsuite.Deposit{
		ExternalID:     ExternalID(po.ID),
		Account:        b.ref(b.s.Mapping(BankKey(b.cur)), po.ID),
		TranDate:       date(po.ArrivalDate),
		Memo:           "Stripe payout " + po.ID,
		Currency:       b.currency(b.cur),
		Classification: b.classification(),
	}
	b.dep.Payment.Items = []netsuite.DepositPayment{}
	b.dep.Other.Items = []netsuite.DepositOther{}
	b.dep.CashBack.Items = []netsuite.DepositCashBack{}
}

// lineTxn adds a transaction that is not a customer transaction as deposit
// lines: its amount to the mapped account, its fee as fees.
func (b *builder) lineTxn(bt *payout.BalanceTransaction, acct, fee Mapping) {
	memo := fmt.Sprintf("Stripe %s %s", bt.ReportingCategory, bt.ID)
	if bt.Description != "" {
		memo += ": " + bt.Description
	}
	if bt.Source != "" {
		memo += " (" + bt.Source + ")"
	}
	b.line(bt.Amount, acct, bt.ID, memo)
	b.fees(bt, bt.ID, fee)
}

// depositPayment adds an undeposited customer payment (positive) or refund
// (negative) to the deposit. NetSuite values it at the transaction amount
// times its exchange rate; when that differs from what Stripe settled, the
// difference is its own line so the deposit still equals the payout.
func (b *builder) depositPayment(bt *payout.BalanceTransaction, extID string, amount int64, ccy, source string) {
	b.depositPart(bt, extID, amount, ccy, func(diff int64) {
		b.line(diff, b.s.Mapping(KeyFXDifference), bt.ID,
			fmt.Sprintf("Stripe currency conversion difference for %s (%s)", source, bt.ID))
	})
}

// depositPart adds an undeposited payment or refund of amount (in ccy) to
// the deposit, and passes what the balance transaction settled beyond
// that (in the payout currency) to rest.
func (b *builder) depositPart(bt *payout.BalanceTransaction, extID string, amount int64, ccy string, rest func(diff int64)) {
	value := amount
	if ccy != b.cur {
		v, err := money.Convert(amount, ccy, bt.ExchangeRate, b.cur)
		if err != nil {
			b.problem(outcome.CodeBadAmount, bt.ID, "", "balance transaction %s: %v", bt.ID, err)
			return
		}
		value = v
	}
	b.dep.Payment.Items = append(b.dep.Payment.Items, netsuite.DepositPayment{
		Doc: netsuite.Ref{ExternalID: extID}, Deposit: true,
		Amount: netsuite.Amount{Minor: value, Currency: b.cur},
	})
	if diff := bt.Amount - value; diff != 0 {
		rest(diff)
	}
}

// fees adds a transaction's fee as cash-back lines: Stripe's fee_details
// split it by kind (processing fee, tax on it, Connect application fee);
// whatever the details do not explain goes to the default fee account.
func (b *builder) fees(bt *payout.BalanceTransaction, source string, def Mapping) {
	if bt.Fee == 0 {
		return
	}
	rest := bt.Fee
	for _, fd := range bt.FeeDetails {
		if fd.Amount == 0 || (fd.Currency != "" && strings.ToLower(fd.Currency) != b.cur) {
			continue
		}
		acct := def
		switch fd.Type {
		case "tax":
			acct = b.s.Mapping(KeyFeeTax)
		case "application_fee":
			acct = b.s.Mapping(KeyApplicationFees)
		}
		desc := fd.Description
		if desc == "" {
			desc = fd.Type
		}
		if !strings.HasPrefix(desc, "Stripe") {
			desc = "Stripe " + desc
		}
		b.line(-fd.Amount, acct, bt.ID, fmt.Sprintf("%s for %s (%s)", desc, source, bt.ID))
		rest -= fd.Amount
	}
	if rest != 0 {
		b.line(-rest, def, bt.ID, fmt.Sprintf("Stripe fee for %s (%s)", source, bt.ID))
	}
}

// line adds a signed amount to the deposit: money in is an "other" line,
// money out a cash-back line (NetSuite wants both positive).
func (b *builder) line(amount int64, acct Mapping, object, memo string) {
	if amount == 0 {
		return
	}
	ref := b.ref(acct, object)
	if amount > 0 {
		b.dep.Other.Items = append(b.dep.Other.Items, netsuite.DepositOther{
			Account: ref, Amount: netsuite.Amount{Minor: amount, Currency: b.cur}, Memo: memo,
		})
		return
	}
	b.dep.CashBack.Items = append(b.dep.CashBack.Items, netsuite.DepositCashBack{
		Account: ref, Amount: netsuite.Amount{Minor: -amount, Currency: b.cur}, Memo: memo,
	})
}

// currencyMapped checks that a transaction in a currency other than the
// payout's can say so to NetSuite: without a currency, NetSuite books the
// amount in the customer's currency and the deposit no longer adds up.
func (b *builder) currencyMapped(ccy, object string) bool {
	if ccy == b.cur {
		return true
	}
	if base := strings.ToLower(b.s.BaseCurrency); base != "" && base != b.cur {
		b.problem(outcome.CodeBadAmount, object,
			"reconcile this payout by hand, or pay out "+strings.ToUpper(base)+" balances only ("+string(KeyBaseCurrency)+")",
			"a %s charge in a %s payout: Stripe's exchange rate converts to %s, NetSuite's to the base currency %s, so the amounts would not be exact",
			strings.ToUpper(ccy), strings.ToUpper(b.cur), strings.ToUpper(b.cur), strings.ToUpper(base))
		return false
	}
	m := b.s.Mapping(CurrencyKey(ccy))
	if m.ID != "" {
		return true
	}
	b.missing(m.Key, object)
	return false
}

// currency is the NetSuite currency of a record in ccy, or nil when
// currencies.<ccy> is unset (NetSuite uses the entity's default).
func (b *builder) currency(ccy string) *netsuite.Ref {
	if id := b.s.Currencies[ccy]; id != "" {
		return &netsuite.Ref{ID: id}
	}
	return nil
}

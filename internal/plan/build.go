package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Reporting categories with a dedicated mapping. Every other category Stripe
// documents becomes a plain deposit line to the account configured under
// accounts.categories.<category>.
const (
	catCharge          = "charge"
	catRefund          = "refund"
	catDispute         = "dispute"
	catDisputeReversal = "dispute_reversal"
	catFee             = "fee"
	catTax             = "tax"
	catPayout          = "payout"
)

// lineCategories are the reporting categories stripe-go v76 documents that
// carry no customer transaction: each becomes a deposit line to the account
// configured for it. A category outside this set and the ones above is one
// nsrecon does not know (a newer API) and holds the payout.
var lineCategories = map[string]bool{
	"partial_capture_reversal":      true,
	"charge_failure":                true,
	"other_adjustment":              true,
	"payout_reversal":               true,
	"risk_reserved_funds":           true,
	"connect_reserved_funds":        true,
	"platform_earning":              true,
	"platform_earning_refund":       true,
	"transfer":                      true,
	"transfer_reversal":             true,
	"topup":                         true,
	"topup_reversal":                true,
	"advance":                       true,
	"advance_funding":               true,
	"connect_collection_transfer":   true,
	"dispute_reversal":              true,
	"issuing_authorization_hold":    true,
	"issuing_authorization_release": true,
	"issuing_transaction":           true,
	"issuing_dispute":               true,
	"refund_failure":                true,
}

// Build maps one payout snapshot to its plan and validates it. known tells
// which nsrecon-made records already exist (earlier payouts); it may be nil.
func Build(snap *payout.Snapshot, s Settings, known Known) *Plan {
	if known == nil {
		known = KnownSet(nil)
	}
	b := &builder{
		snap:  snap,
		s:     s,
		known: known,
		plan:  &Plan{Payout: snap.Payout},
		index: make(map[string]int),
		cur:   strings.ToLower(snap.Payout.Currency),
	}
	b.build()
	b.validate()
	return b.plan
}

type builder struct {
	snap  *payout.Snapshot
	s     Settings
	known Known
	plan  *Plan
	index map[string]int // external ID → position in plan.Records
	dep   *netsuite.Deposit
	cur   string // payout currency
	// carried sums, per payout_failure/payout_cancel transaction, the net of
	// the failed payout's transactions it brought back (BalanceTransaction.Via).
	carried map[string]int64
	// lineProblems counts problems raised by individual transactions: with
	// any, the deposit is known to be incomplete and its total is not also
	// reported as a mismatch.
	lineProblems int
}

func (b *builder) problem(code, object, fix, format string, args ...any) {
	b.plan.Problems = append(b.plan.Problems, outcome.Problem{
		Code: code, Object: object, Message: fmt.Sprintf(format, args...), Fix: fix,
	})
}

func (b *builder) build() {
	po := b.snap.Payout
	if !po.Automatic {
		b.problem(outcome.CodeManualPayout, po.ID,
			"enter its deposit by hand in NetSuite, then record that: nsrecon ledger resolve "+po.ID+" --note \"deposit entered by hand\"",
			"payout %s is a manual payout: Stripe does not list which balance transactions it contains", po.ID)
		return
	}
	if !money.Known(b.cur) {
		b.problem(outcome.CodeUnknownCurrency, po.ID, "", "payout %s has currency %q, which is not an ISO 4217 code", po.ID, po.Currency)
		return
	}
	b.dep = &netsuite.Deposit{
		ExternalID:     ExternalID(po.ID),
		Account:        b.account("accounts.bank."+b.cur, b.s.BankAccounts[b.cur], po.ID),
		TranDate:       date(po.ArrivalDate),
		Memo:           "Stripe payout " + po.ID,
		Currency:       b.currency(b.cur),
		Classification: b.classification(),
	}
	b.dep.Payment.Items = []netsuite.DepositPayment{}
	b.dep.Other.Items = []netsuite.DepositOther{}
	b.dep.CashBack.Items = []netsuite.DepositCashBack{}

	if po.Amount < 0 {
		b.problem(outcome.CodeNegativePayout, po.ID,
			"record this debit in NetSuite by hand (a bank transfer or journal); nsrecon makes deposits only",
			"payout %s takes %s %s from the bank: NetSuite deposits cannot be negative",
			po.ID, money.Format(-po.Amount, b.cur), strings.ToUpper(b.cur))
	}
	// A failed payout's own transactions are planned here only if nsrecon
	// never deposited that payout. If it did (the payout failed after it was
	// paid and reconciled), its payments are already in that deposit: the
	// returned funds are a plain payout_reversal line instead.
	b.carried = map[string]int64{}
	for _, bt := range b.snap.Transactions {
		if bt.Type != "payout_failure" && bt.Type != "payout_cancel" {
			continue
		}
		if b.known.Has(ExternalID(bt.Source)) {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(
				"payout %s failed after nsrecon deposited it (%s): its returned funds are a line to accounts.categories.payout_reversal; map that to the bank account so the undelivered deposit is offset",
				bt.Source, ExternalID(bt.Source)))
			continue
		}
		for _, c := range b.snap.Transactions {
			if c.Via == bt.ID {
				b.carried[bt.ID] += c.Net
			}
		}
	}

	// Stripe lists newest first; plan oldest first so that output is
	// stable and reads like the statement.
	txns := slices.Clone(b.snap.Transactions)
	slices.SortStableFunc(txns, func(x, y payout.BalanceTransaction) int {
		if c := x.Created.Compare(y.Created); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	for i := range txns {
		b.txn(&txns[i])
	}
	b.add(Record{Type: netsuite.TypeDeposit, ExternalID: b.dep.ExternalID, Source: po.ID, Body: b.dep})
	b.plan.DepositTotal = b.dep.Total()
}

// isOwnPayoutTxn reports whether bt is the payout's own withdrawal, which
// is the payout itself rather than something in it.
func (b *builder) isOwnPayoutTxn(bt *payout.BalanceTransaction) bool {
	return bt.Type == "payout" && (bt.Source == "" || bt.Source == b.snap.Payout.ID)
}

func (b *builder) txn(bt *payout.BalanceTransaction) {
	if b.isOwnPayoutTxn(bt) {
		return
	}
	if bt.Via != "" {
		if _, expanded := b.carried[bt.Via]; !expanded {
			return // its payout was deposited already; see build
		}
	}
	if carried, ok := b.carried[bt.ID]; ok && b.hasCarried(bt.ID) {
		// The failed payout's own transactions are planned one by one in
		// this deposit instead of this lump sum; they must add up to it.
		if carried != bt.Net {
			b.lineProblems++
			b.problem(outcome.CodeBadAmount, bt.ID, "check the failed payout "+bt.Source+" in the Stripe Dashboard",
				"%s %s returns %s but the failed payout's transactions net to %s", bt.Type, bt.ID,
				money.Format(bt.Net, b.cur), money.Format(carried, b.cur))
		}
		return
	}
	before := len(b.plan.Problems)
	defer func() { b.lineProblems += len(b.plan.Problems) - before }()

	if strings.ToLower(bt.Currency) != b.cur {
		b.problem(outcome.CodeBadAmount, bt.ID, "",
			"balance transaction %s is in %s but payout %s is in %s", bt.ID, strings.ToUpper(bt.Currency), b.snap.Payout.ID, strings.ToUpper(b.cur))
		return
	}
	if bt.Net != bt.Amount-bt.Fee {
		b.problem(outcome.CodeBadAmount, bt.ID, "",
			"balance transaction %s: net %d ≠ amount %d − fee %d", bt.ID, bt.Net, bt.Amount, bt.Fee)
		return
	}
	switch cat := bt.ReportingCategory; {
	case cat == catCharge:
		b.charge(bt)
	case cat == catRefund:
		b.reversal(bt, "refund")
	case cat == catDispute:
		b.reversal(bt, "dispute")
	case cat == catFee:
		b.lineTxn(bt, "accounts.stripe_fees", b.s.StripeFees)
	case cat == catTax:
		b.lineTxn(bt, "accounts.fee_tax", b.s.FeeTax)
	case cat == catPayout:
		// A payout's own transaction with another payout as source cannot
		// be in this payout; Stripe reports failures as payout_reversal.
		b.problem(outcome.CodeUnsupported, bt.ID, "report this payout to the nsrecon maintainers",
			"balance transaction %s has category payout but belongs to %s, not %s", bt.ID, bt.Source, b.snap.Payout.ID)
	case lineCategories[cat] || b.s.Categories[cat] != "":
		// A category newer than this list becomes a line too once the user
		// maps it: they decided where it posts.
		b.lineTxn(bt, "accounts.categories."+cat, b.s.Categories[cat])
	case cat == "":
		b.problem(outcome.CodeMissingField, bt.ID, "",
			"balance transaction %s (%s) has no reporting_category", bt.ID, bt.Type)
	default:
		b.problem(outcome.CodeUnsupported, bt.ID,
			fmt.Sprintf("upgrade nsrecon, or map it to an account under accounts.categories.%s once nsrecon supports it", cat),
			"balance transaction %s has reporting_category %q, which this version of nsrecon does not know (a newer Stripe API?)", bt.ID, cat)
	}
}

// charge plans the customer, the invoice (if any) and the payment for a
// charge, and adds the payment and its fee to the deposit.
func (b *builder) charge(bt *payout.BalanceTransaction) {
	ch := b.snap.Charges[bt.Source]
	if ch == nil {
		b.problem(outcome.CodeMissingObject, bt.ID, "check the Stripe API key has read access to charges",
			"balance transaction %s: charge %q was not returned by Stripe", bt.ID, bt.Source)
		return
	}
	cust, ok := b.customer(ch, bt.ID)
	if !ok {
		return
	}
	ccy := strings.ToLower(ch.Currency)
	if !b.currencyMapped(ccy, bt.ID) {
		return
	}
	paid := ch.Amount
	if ch.AmountCaptured > 0 && ch.AmountCaptured < paid {
		paid = ch.AmountCaptured // a partial capture: the rest was never taken
	}
	if ccy == b.cur {
		// What settled is what the customer paid (partial captures settle less).
		paid = bt.Amount
	}
	pay := &netsuite.CustomerPayment{
		ExternalID:     ExternalID(ch.ID),
		Customer:       cust,
		TranDate:       date(bt.Created),
		Payment:        netsuite.Amount{Minor: paid, Currency: ccy},
		Currency:       b.currency(ccy),
		ExchangeRate:   bt.ExchangeRate,
		UndepFunds:     true,
		AutoApply:      new(bool), // never let NetSuite apply it to another open invoice
		Memo:           fmt.Sprintf("Stripe charge %s (%s)", ch.ID, bt.ID),
		Classification: b.classification(),
	}
	if ch.Invoice != "" {
		invExt, invTotal, ok := b.invoiceRef(ch.Invoice, cust, bt.ID)
		if !ok {
			return
		}
		apply := min(paid, invTotal)
		pay.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
			Doc: netsuite.Ref{ExternalID: invExt}, Apply: true,
			Amount: netsuite.Amount{Minor: apply, Currency: ccy},
		}}}
		pay.Memo = fmt.Sprintf("Stripe charge %s for invoice %s (%s)", ch.ID, ch.Invoice, bt.ID)
	}
	if ch.ApplicationFeeAmount != 0 || ch.Transfer != "" || ch.OnBehalfOf != "" {
		pay.Memo += connectMemo(ch)
	}
	b.add(Record{Type: netsuite.TypeCustomerPayment, ExternalID: pay.ExternalID, Source: ch.ID, Body: pay})
	b.depositPayment(bt, pay.ExternalID, paid, ccy, ch.ID)
	b.fees(bt, ch.ID, b.s.StripeFees, "accounts.stripe_fees")
}

func connectMemo(ch *payout.Charge) string {
	var parts []string
	if ch.ApplicationFeeAmount != 0 {
		parts = append(parts, "application fee "+money.Format(ch.ApplicationFeeAmount, ch.Currency)+" "+strings.ToUpper(ch.Currency))
	}
	if ch.Transfer != "" {
		parts = append(parts, "transfer "+ch.Transfer)
	}
	if ch.OnBehalfOf != "" {
		parts = append(parts, "on behalf of "+ch.OnBehalfOf)
	}
	return "; Connect: " + strings.Join(parts, ", ")
}

// reversal plans a refund or a dispute (funds withdrawn): for invoice charges
// a credit memo for the invoice and a customer refund of it, otherwise a
// customer refund of the customer payment.
func (b *builder) reversal(bt *payout.BalanceTransaction, kind string) {
	var id, chargeID string
	var amount int64
	switch kind {
	case "refund":
		re := b.snap.Refunds[bt.Source]
		if re == nil {
			b.problem(outcome.CodeMissingObject, bt.ID, "", "balance transaction %s: refund %q was not returned by Stripe", bt.ID, bt.Source)
			return
		}
		id, chargeID, amount = re.ID, re.Charge, re.Amount
	default:
		dp := b.snap.Disputes[bt.Source]
		if dp == nil {
			b.problem(outcome.CodeMissingObject, bt.ID, "", "balance transaction %s: dispute %q was not returned by Stripe", bt.ID, bt.Source)
			return
		}
		id, chargeID, amount = dp.ID, dp.Charge, dp.Amount
	}
	ch := b.snap.Charges[chargeID]
	if ch == nil {
		b.problem(outcome.CodeMissingObject, bt.ID, "", "%s %s: its charge %q was not returned by Stripe", kind, id, chargeID)
		return
	}
	ccy := strings.ToLower(ch.Currency)
	if !b.currencyMapped(ccy, bt.ID) {
		return
	}
	if ccy == b.cur {
		amount = -bt.Amount
	}
	if amount <= 0 {
		b.problem(outcome.CodeBadAmount, bt.ID, "", "%s %s has amount %d; expected a positive amount", kind, id, amount)
		return
	}
	feeAcct, feeKey := b.s.StripeFees, "accounts.stripe_fees"
	if kind == "dispute" && b.s.DisputeFees != "" {
		feeAcct, feeKey = b.s.DisputeFees, "accounts.dispute_fees"
	}

	payID := ExternalID(ch.ID)
	var parentID string // the document the refund applies to
	if ch.Invoice != "" {
		parentID = ExternalID(ch.Invoice)
	} else {
		parentID = payID
	}
	if !b.planned(parentID) && !b.known.Has(parentID) {
		// The charge was never reconciled (paid out before nsrecon's first
		// run, or in a payout not yet reconciled).
		if b.s.OrphanRule == "deposit_line" {
			b.line(bt.Amount, "rules.orphan_account", b.s.OrphanAccount, bt.ID,
				fmt.Sprintf("Stripe %s %s of charge %s (charge not in NetSuite)", kind, id, ch.ID))
			b.fees(bt, id, feeAcct, feeKey)
			return
		}
		b.problem(outcome.CodeUnresolvedRef, bt.ID,
			fmt.Sprintf("reconcile the payout that contains %s first, or set rules.orphan_refund: deposit_line", ch.ID),
			"%s %s is for charge %s, which nsrecon has not reconciled: %s is neither in the ledger nor in NetSuite", kind, id, ch.ID, parentID)
		return
	}
	cust, ok := b.customer(ch, bt.ID)
	if !ok {
		return
	}
	memo := fmt.Sprintf("Stripe %s %s of charge %s (%s)", kind, id, ch.ID, bt.ID)
	refund := &netsuite.CustomerRefund{
		ExternalID:     ExternalID(id),
		Customer:       cust,
		TranDate:       date(bt.Created),
		Total:          netsuite.Amount{Minor: amount, Currency: ccy},
		Account:        refPtr(b.account("accounts.undeposited_funds", b.s.UndepositedFunds, bt.ID)),
		Currency:       b.currency(ccy),
		ExchangeRate:   bt.ExchangeRate,
		Memo:           memo,
		Classification: b.classification(),
	}
	applyTo := payID
	if ch.Invoice != "" {
		cm := &netsuite.CreditMemo{
			ExternalID: ExternalID("cm_" + id),
			Entity:     cust,
			TranDate:   date(bt.Created),
			Memo:       fmt.Sprintf("Stripe %s %s of invoice %s (%s)", kind, id, ch.Invoice, bt.ID),
			AutoApply:  new(bool), // the customer refund below consumes it
			Currency:   b.currency(ccy),
			Item: netsuite.ItemList{Items: []netsuite.ItemLine{{
				Item:        b.item("items.refund", b.s.RefundItem, bt.ID),
				Quantity:    1,
				Amount:      netsuite.Amount{Minor: amount, Currency: ccy},
				Description: fmt.Sprintf("Stripe %s %s", kind, id),
			}}},
			// No apply list: the invoice is already paid (nothing remains
			// to credit), so the memo stays an open credit that the customer
			// refund below consumes, as NetSuite does for paid invoices.
			Classification: b.classification(),
		}
		b.add(Record{Type: netsuite.TypeCreditMemo, ExternalID: cm.ExternalID, Source: id, Body: cm})
		applyTo = cm.ExternalID
	}
	refund.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{
		Doc: netsuite.Ref{ExternalID: applyTo}, Apply: true,
		Amount: netsuite.Amount{Minor: amount, Currency: ccy},
	}}}
	b.add(Record{Type: netsuite.TypeCustomerRefund, ExternalID: refund.ExternalID, Source: id, Body: refund})
	b.depositPayment(bt, refund.ExternalID, -amount, ccy, id)
	b.fees(bt, id, feeAcct, feeKey)
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

// lineTxn adds a transaction that is not a customer transaction as deposit
// lines: its amount to the mapped account, its fee as fees.
func (b *builder) lineTxn(bt *payout.BalanceTransaction, key, account string) {
	memo := fmt.Sprintf("Stripe %s %s", bt.ReportingCategory, bt.ID)
	if bt.Description != "" {
		memo += ": " + bt.Description
	}
	if bt.Source != "" {
		memo += " (" + bt.Source + ")"
	}
	b.line(bt.Amount, key, account, bt.ID, memo)
	if bt.ReportingCategory == catDisputeReversal && b.s.DisputeFees != "" {
		// A refunded dispute fee goes back where the fee went.
		b.fees(bt, bt.ID, b.s.DisputeFees, "accounts.dispute_fees")
		return
	}
	b.fees(bt, bt.ID, b.s.StripeFees, "accounts.stripe_fees")
}

// depositPayment adds an undeposited customer payment (positive) or refund
// (negative) to the deposit. NetSuite values it at the transaction amount
// times its exchange rate; when that differs from what Stripe settled, the
// difference is its own line so the deposit still equals the payout.
func (b *builder) depositPayment(bt *payout.BalanceTransaction, extID string, amount int64, ccy, source string) {
	value := amount
	if ccy != b.cur {
		v, err := Convert(amount, ccy, bt.ExchangeRate, b.cur)
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
		b.line(diff, "accounts.fx_difference", b.s.FXDifference, bt.ID,
			fmt.Sprintf("Stripe currency conversion difference for %s (%s)", source, bt.ID))
	}
}

// fees adds a transaction's fee as cash-back lines: Stripe's fee_details
// split it by kind (processing fee, tax on it, Connect application fee);
// whatever the details do not explain goes to the default fee account.
func (b *builder) fees(bt *payout.BalanceTransaction, source, defAcct, defKey string) {
	if bt.Fee == 0 {
		return
	}
	rest := bt.Fee
	for _, fd := range bt.FeeDetails {
		if fd.Amount == 0 || (fd.Currency != "" && strings.ToLower(fd.Currency) != b.cur) {
			continue
		}
		acct, key := defAcct, defKey
		switch fd.Type {
		case "tax":
			acct, key = b.s.FeeTax, "accounts.fee_tax"
		case "application_fee":
			acct, key = b.s.ApplicationFees, "accounts.application_fees"
		}
		desc := fd.Description
		if desc == "" {
			desc = fd.Type
		}
		if !strings.HasPrefix(desc, "Stripe") {
			desc = "Stripe " + desc
		}
		b.line(-fd.Amount, key, acct, bt.ID, fmt.Sprintf("%s for %s (%s)", desc, source, bt.ID))
		rest -= fd.Amount
	}
	if rest != 0 {
		b.line(-rest, defKey, defAcct, bt.ID, fmt.Sprintf("Stripe fee for %s (%s)", source, bt.ID))
	}
}

// line adds a signed amount to the deposit: money in is an "other" line,
// money out a cash-back line (NetSuite wants both positive).
func (b *builder) line(amount int64, key, account, object, memo string) {
	if amount == 0 {
		return
	}
	ref := b.account(key, account, object)
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

// customer returns the reference to the NetSuite customer for a charge,
// planning the customer record when nsrecon makes it.
func (b *builder) customer(ch *payout.Charge, object string) (netsuite.Ref, bool) {
	if b.s.CustomerMode == "global" {
		return b.ref("customers.global_id", b.s.GlobalCustomer, object), b.s.GlobalCustomer != ""
	}
	var name, email, extID, source, phone, comments string
	if ch.Customer != "" {
		c := b.snap.Customers[ch.Customer]
		if c == nil {
			b.problem(outcome.CodeMissingObject, object, "", "charge %s: customer %q was not returned by Stripe", ch.ID, ch.Customer)
			return netsuite.Ref{}, false
		}
		if id := c.Metadata["netsuite_customer_id"]; id != "" {
			return netsuite.Ref{ID: id}, true
		}
		name, email, phone, source = c.Name, c.Email, c.Phone, c.ID
		extID = ExternalID(c.ID)
		comments = "Stripe customer " + c.ID
	} else {
		// A guest charge: the customer is who the billing details name,
		// one NetSuite customer per email address.
		name, email, source = ch.BillingName, firstNonEmpty(ch.BillingEmail, ch.ReceiptEmail), ch.ID
		if email == "" && b.s.GlobalCustomer != "" {
			return netsuite.Ref{ID: b.s.GlobalCustomer}, true
		}
		extID = ExternalID("email_" + hashID(strings.ToLower(email)))
		comments = "Stripe guest customer (billing details of " + ch.ID + ")"
	}
	if b.s.CustomerMode == "match_email" && email != "" {
		if m, ok := b.known.(CustomerMatcher); ok {
			if id, ok := m.CustomerByEmail(strings.ToLower(email)); ok {
				return netsuite.Ref{ID: id}, true
			}
		}
	}
	if b.planned(extID) || b.known.Has(extID) {
		// Made by this plan or an earlier payout: not validated or sent
		// again (a customer deleted in Stripe since still exists here).
		return netsuite.Ref{ExternalID: extID}, true
	}
	if name == "" {
		name = b.s.DefaultCustomerName
	}
	var missing []string
	if name == "" {
		missing = append(missing, "name")
	}
	if email == "" {
		missing = append(missing, "email")
	}
	if len(missing) > 0 {
		fix := "add the " + strings.Join(missing, " and ") + " to " + source + " in Stripe"
		if name == "" {
			fix += ", or set customers.default_name"
		}
		b.problem(outcome.CodeMissingField, source, fix,
			"customer %s has no %s; NetSuite customers need a name and an email", source, strings.Join(missing, " or "))
		return netsuite.Ref{}, false
	}
	c := &netsuite.Customer{
		ExternalID:     extID,
		Email:          email,
		Phone:          phone,
		Comments:       comments,
		Classification: b.classification(),
	}
	kind := b.s.CustomerType
	if sc := b.snap.Customers[ch.Customer]; sc != nil && sc.Metadata["netsuite_customer_type"] != "" {
		kind = sc.Metadata["netsuite_customer_type"]
	}
	if kind == "individual" {
		// NetSuite names an individual by first and last name (seed 003);
		// the last word of the Stripe name is taken as the last name.
		c.IsPerson = true
		first, last := splitName(name)
		c.FirstName, c.LastName = truncate(first, 32), truncate(last, 32)
	} else {
		c.CompanyName = truncate(name, 83)
	}
	b.add(Record{Type: netsuite.TypeCustomer, ExternalID: extID, Source: source, Body: c})
	return netsuite.Ref{ExternalID: extID}, true
}

// invoiceRef returns the external ID and total of the NetSuite invoice for
// a Stripe invoice: planned here, or already in NetSuite (synced in real
// time, or by an earlier payout), in which case it is not sent again.
func (b *builder) invoiceRef(id string, cust netsuite.Ref, object string) (string, int64, bool) {
	extID := ExternalID(id)
	if in := b.snap.Invoices[id]; in != nil && !b.planned(extID) && b.known.Has(extID) {
		return extID, in.Total, true
	}
	inv, ok := b.invoice(id, cust, object)
	if !ok {
		return "", 0, false
	}
	return inv.ExternalID, inv.Item.Total(), true
}

// invoice plans the NetSuite invoice for a Stripe invoice (and the items its
// lines need) unless it is already planned.
func (b *builder) invoice(id string, cust netsuite.Ref, object string) (*netsuite.Invoice, bool) {
	extID := ExternalID(id)
	if i, ok := b.index[extID]; ok {
		return b.plan.Records[i].Body.(*netsuite.Invoice), true
	}
	in := b.snap.Invoices[id]
	if in == nil {
		b.problem(outcome.CodeMissingObject, object, "", "invoice %q was not returned by Stripe", id)
		return nil, false
	}
	ccy := strings.ToLower(in.Currency)
	inv := &netsuite.Invoice{
		ExternalID:     extID,
		Entity:         cust,
		TranDate:       date(in.Created),
		OtherRefNum:    in.Number,
		Memo:           "Stripe invoice " + in.ID,
		Currency:       b.currency(ccy),
		Classification: b.classification(),
	}
	if !in.DueDate.IsZero() {
		inv.DueDate = date(in.DueDate)
	}
	if in.Number != "" {
		inv.Memo += " (" + in.Number + ")"
	}
	lines := make([]netsuite.ItemLine, 0, len(in.Lines)+len(in.Discounts)+1)
	for _, l := range in.Lines {
		qty := l.Quantity
		if qty == 0 {
			qty = 1
		}
		lines = append(lines, netsuite.ItemLine{
			Item:        b.priceItem(l, in.ID),
			Quantity:    qty,
			Amount:      netsuite.Amount{Minor: l.Amount, Currency: ccy},
			Description: truncate(firstNonEmpty(l.Description, l.Price.ProductName), 999),
		})
	}
	for _, d := range in.Discounts {
		if d.Amount == 0 {
			continue
		}
		lines = append(lines, netsuite.ItemLine{
			Item:        b.discountItem(d, in.ID),
			Amount:      netsuite.Amount{Minor: -d.Amount, Currency: ccy},
			Description: "Stripe discount " + firstNonEmpty(d.Name, d.ID),
		})
	}
	var gross int64
	for _, l := range lines {
		gross += l.Amount.Minor
	}
	// Tax-inclusive prices already hold the tax in the line amounts (the
	// total is lines − discounts); only exclusive tax is a line of its own.
	if in.Tax != 0 && gross != in.Total {
		lines = append(lines, netsuite.ItemLine{
			Item:        b.item("items.tax", b.s.TaxItem, in.ID),
			Quantity:    1,
			Amount:      netsuite.Amount{Minor: in.Tax, Currency: ccy},
			Description: "Stripe tax",
		})
	}
	inv.Item.Items = lines
	if got := inv.Item.Total(); got != in.Total {
		b.problem(outcome.CodeInvoiceMismatch, in.ID, "check the invoice's lines, discounts and tax in Stripe",
			"invoice %s: lines − discounts + tax = %s but the invoice total is %s %s",
			in.ID, money.Format(got, ccy), money.Format(in.Total, ccy), strings.ToUpper(ccy))
		return nil, false
	}
	b.add(Record{Type: netsuite.TypeInvoice, ExternalID: extID, Source: in.ID, Body: inv})
	return inv, true
}

// netsuiteItemKeys are the price metadata keys that link a Stripe price to
// an existing NetSuite item, in order of precedence.
var netsuiteItemKeys = []string{
	"netsuite_service_sale_item_id",
	"netsuite_service_resale_item_id",
	"netsuite_non_inventory_sale_item_id",
	"netsuite_non_inventory_resale_item_id",
}

// priceItem returns the NetSuite item for an invoice line: linked by price
// metadata, the global item, or a service sale item nsrecon makes per price.
func (b *builder) priceItem(l payout.InvoiceLine, invoice string) netsuite.Ref {
	for _, k := range netsuiteItemKeys {
		if id := l.Price.Metadata[k]; id != "" {
			return netsuite.Ref{ID: id}
		}
	}
	if b.s.GlobalItem != "" {
		return netsuite.Ref{ID: b.s.GlobalItem}
	}
	key, name := "price_adhoc", "Stripe invoice item"
	if l.Price.ID != "" {
		key = l.Price.ID
		name = firstNonEmpty(l.Price.ProductName, l.Description, "Stripe price")
		if l.Price.Nickname != "" {
			name += " - " + l.Price.Nickname
		}
		// NetSuite item names are unique and at most 60 characters.
		name = truncate(name, 60-len(l.Price.ID)-3) + " (" + l.Price.ID + ")"
	}
	extID := ExternalID(key)
	if !b.planned(extID) && !b.known.Has(extID) {
		it := &netsuite.ServiceSaleItem{
			ExternalID:    extID,
			ItemID:        name,
			DisplayName:   name,
			SalesDesc:     "Stripe " + key,
			IncomeAccount: refPtr(b.account("items.income_account", b.s.ItemIncome, invoice)),
			Subsidiary:    b.subsidiaryList(),
		}
		b.add(Record{Type: netsuite.TypeServiceSaleItem, ExternalID: extID, Source: key, Body: it})
	}
	return netsuite.Ref{ExternalID: extID}
}

func (b *builder) discountItem(d payout.Discount, invoice string) netsuite.Ref {
	extID := ExternalID(d.ID)
	if !b.planned(extID) && !b.known.Has(extID) {
		name := truncate(firstNonEmpty(d.Name, "Stripe discount"), 60-len(d.ID)-3) + " (" + d.ID + ")"
		it := &netsuite.DiscountItem{
			ExternalID:  extID,
			ItemID:      name,
			Description: "Stripe discount " + d.ID,
			Account:     refPtr(b.account("items.discount_account", b.s.DiscountAcct, invoice)),
			Subsidiary:  b.subsidiaryList(),
		}
		b.add(Record{Type: netsuite.TypeDiscountItem, ExternalID: extID, Source: d.ID, Body: it})
	}
	return netsuite.Ref{ExternalID: extID}
}

// add appends a record with its dependencies derived from its references.
func (b *builder) add(r Record) {
	if _, dup := b.index[r.ExternalID]; dup {
		return
	}
	refs := r.Body.Refs()
	// Most records have a handful of references; a deposit has one per
	// transaction, so dedupe through a set there to stay linear.
	var seen map[string]bool
	if len(refs) > 16 {
		seen = make(map[string]bool, len(refs))
	}
	for _, ref := range refs {
		id := ref.ExternalID
		if id == "" {
			continue
		}
		if seen != nil {
			if !seen[id] {
				seen[id] = true
				r.Deps = append(r.Deps, id)
			}
		} else if !slices.Contains(r.Deps, id) {
			r.Deps = append(r.Deps, id)
		}
	}
	b.index[r.ExternalID] = len(b.plan.Records)
	b.plan.Records = append(b.plan.Records, r)
}

func (b *builder) planned(extID string) bool {
	_, ok := b.index[extID]
	return ok
}

// ref returns a reference to an existing NetSuite object named by config,
// recording a missing-mapping problem when the key is unset.
func (b *builder) ref(key, id, object string) netsuite.Ref {
	if id == "" {
		b.missing(key, object)
	}
	return netsuite.Ref{ID: id}
}

// missing records one problem per unset config key, however many objects
// need it: one fix, one message.
func (b *builder) missing(key, object string) {
	for _, p := range b.plan.Problems {
		if p.Code == outcome.CodeMissingMapping && strings.Contains(p.Fix, " "+key+" ") {
			return
		}
	}
	b.problem(outcome.CodeMissingMapping, object, "set "+key+" in the config to a NetSuite internal ID ",
		"%s needs the NetSuite mapping %s, which is not configured", object, key)
}

func (b *builder) account(key, id, object string) netsuite.Ref { return b.ref(key, id, object) }
func (b *builder) item(key, id, object string) netsuite.Ref    { return b.ref(key, id, object) }

// currencyMapped checks that a transaction in a currency other than the
// payout's can say so to NetSuite: without a currency, NetSuite books the
// amount in the customer's currency and the deposit no longer adds up.
func (b *builder) currencyMapped(ccy, object string) bool {
	if ccy == b.cur {
		return true
	}
	if base := strings.ToLower(b.s.BaseCurrency); base != "" && base != b.cur {
		b.problem(outcome.CodeBadAmount, object,
			"reconcile this payout by hand, or pay out "+strings.ToUpper(base)+" balances only (netsuite.base_currency)",
			"a %s charge in a %s payout: Stripe's exchange rate converts to %s, NetSuite's to the base currency %s, so the amounts would not be exact",
			strings.ToUpper(ccy), strings.ToUpper(b.cur), strings.ToUpper(b.cur), strings.ToUpper(base))
		return false
	}
	if b.s.Currencies[ccy] != "" {
		return true
	}
	b.missing("currencies."+ccy, object)
	return false
}

func refPtr(r netsuite.Ref) *netsuite.Ref { return &r }

func (b *builder) currency(ccy string) *netsuite.Ref {
	if id := b.s.Currencies[ccy]; id != "" {
		return &netsuite.Ref{ID: id}
	}
	return nil
}

func (b *builder) classification() netsuite.Classification {
	opt := func(id string) *netsuite.Ref {
		if id == "" {
			return nil
		}
		return &netsuite.Ref{ID: id}
	}
	return netsuite.Classification{
		Subsidiary: opt(b.s.Subsidiary), Department: opt(b.s.Department),
		Class: opt(b.s.Class), Location: opt(b.s.Location),
	}
}

func (b *builder) subsidiaryList() *netsuite.RefList {
	if b.s.Subsidiary == "" {
		return nil
	}
	return &netsuite.RefList{Items: []netsuite.Ref{{ID: b.s.Subsidiary}}}
}

// splitName splits "Ada King Lovelace" into "Ada King" and "Lovelace"; a
// single word is the last name.
func splitName(name string) (first, last string) {
	f := strings.Fields(name)
	if len(f) < 2 {
		return "", strings.TrimSpace(name)
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// truncate cuts s to at most n runes (NetSuite field limits count characters).
func truncate(s string, n int) string {
	if n < 1 {
		n = 1
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

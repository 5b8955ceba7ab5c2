package export

import (
	"context"
	"log/slog"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// Row is one line of the export: a balance transaction and one NetSuite
// record or deposit line it made. Only the first row of a transaction
// carries its gross, fee and net (HasAmounts), so the net of a payout's
// rows is the payout amount. Amounts are minor units.
type Row struct {
	PayoutID          string
	PayoutEffectiveAt time.Time
	BalanceTxnID      string
	Created           time.Time
	AvailableOn       time.Time
	Currency          string
	HasAmounts        bool
	Gross, Fee, Net   int64
	ReportingCategory string
	SourceID          string
	Description       string
	CustomerID        string
	CustomerEmail     string
	CustomerName      string
	ChargeID          string
	InvoiceID         string
	PaymentIntentID   string

	NSType       string
	NSExternalID string
	NSInternalID string
	HasNSAmount  bool
	NSAmount     int64
	NSCurrency   string
	NSAccount    string
	NSDepositID  string
	Status       string
	RunID        int64  // 0: no run is known
	Problems     string // problem codes of a held or failed payout, ";"-separated
}

// Total is one payout's line of the totals: its amount beside the sums of
// its rows.
type Total struct {
	PayoutID    string
	ArrivalDate time.Time
	Currency    string
	Amount      int64
	Rows        int
	Gross, Fee  int64
	Net         int64
	DepositID   string
	Status      string
	RunID       int64 // 0: no run is known
	Problems    string
}

// Balanced reports whether the rows' net equals the payout amount.
func (t *Total) Balanced() bool { return t.Net == t.Amount }

// payoutExport is one payout being exported.
type payoutExport struct {
	ctx     context.Context
	e       *Exporter
	state   ledger.PayoutState
	snap    *payout.Snapshot
	plan    *plan.Plan
	records map[string]ledger.RecordRow // this payout's, by external ID

	depositID, problems string
	runID               int64
}

// write emits the payout's rows, transaction by transaction, then its
// totals.
func (x *payoutExport) write(w Writer) error {
	po := x.snap.Payout
	t := &Total{PayoutID: po.ID, ArrivalDate: po.ArrivalDate, Currency: po.Currency, Amount: po.Amount,
		DepositID: x.depositID, Status: string(x.state.Status), RunID: x.runID, Problems: x.problems}
	if len(x.plan.Trace) == 0 {
		// Nothing Stripe lists (a manual payout): one row names the payout
		// and why it is held, with the payout's amount as its gross and
		// net, so the rows net to the payout (balanced once it is resolved
		// by hand).
		r := x.base(nil)
		r.HasAmounts, r.Gross, r.Net = true, po.Amount, po.Amount
		t.Gross, t.Net = po.Amount, po.Amount
		t.Rows++
		if err := w.Row(&r); err != nil {
			return err
		}
	}
	for _, tr := range x.plan.Trace {
		rows := x.txnRows(tr)
		t.Gross += tr.Txn.Amount
		t.Fee += tr.Txn.Fee
		t.Net += tr.Txn.Net
		for i := range rows {
			t.Rows++
			if err := w.Row(&rows[i]); err != nil {
				return err
			}
		}
	}
	// Lines no transaction caused (rounding to NetSuite's precision) have
	// rows of their own, with no Stripe side, so the rows' NetSuite
	// amounts tie to the deposit.
	for _, r := range x.payoutLineRows() {
		t.Rows++
		if err := w.Row(&r); err != nil {
			return err
		}
	}
	if x.state.Status == "reconciled" && !t.Balanced() {
		x.e.log().Warn("exported rows do not net to the payout amount", "payout", po.ID, "net", t.Net, "amount", t.Amount)
	}
	return w.Payout(t)
}

// txnRows are the rows of one balance transaction: its customer payment or
// refund first, then the other records it made (invoice, credit memo),
// then its deposit lines (money in, then money out: fees).
func (x *payoutExport) txnRows(tr plan.Trace) []Row {
	var out []Row
	emitted := map[string]bool{}
	add := func(r Row) { out = append(out, r) }
	dep, ok := x.plan.Records[len(x.plan.Records)-1].Body.(*netsuite.Deposit)
	if !ok {
		return x.journalRows(tr)
	}
	for _, p := range dep.Payment.Items[tr.Payments[0]:tr.Payments[1]] {
		if rec, ok := x.recordIn(tr, p.Doc.ExternalID); ok {
			emitted[rec.ExternalID] = true
			add(x.recordRow(tr.Txn, rec))
		}
	}
	for _, rec := range x.plan.Records[tr.Records[0]:tr.Records[1]] {
		if _, books := netsuite.BookingOf(rec.Body); books && !emitted[rec.ExternalID] {
			add(x.recordRow(tr.Txn, rec))
		}
	}
	for _, o := range dep.Other.Items[tr.Other[0]:tr.Other[1]] {
		add(x.lineRow(tr.Txn, o.Amount.Minor, o.Account.ID))
	}
	for _, c := range dep.CashBack.Items[tr.CashBack[0]:tr.CashBack[1]] {
		add(x.lineRow(tr.Txn, -c.Amount.Minor, c.Account.ID))
	}
	if len(out) == 0 {
		add(x.base(tr.Txn))
	}
	out[0].HasAmounts = true
	return out
}

// payoutLineRows are the rows of the deposit lines outside every
// transaction's trace: lines of the payout as a whole, such as the
// rounding line of rules.rounding: account.
func (x *payoutExport) payoutLineRows() []Row {
	if len(x.plan.Records) == 0 {
		return nil
	}
	dep, ok := x.plan.Records[len(x.plan.Records)-1].Body.(*netsuite.Deposit)
	if !ok {
		return nil
	}
	other := make([]bool, len(dep.Other.Items))
	cashBack := make([]bool, len(dep.CashBack.Items))
	for _, tr := range x.plan.Trace {
		mark(other, tr.Other)
		mark(cashBack, tr.CashBack)
	}
	var out []Row
	for i, o := range dep.Other.Items {
		if !other[i] {
			out = append(out, x.lineRow(nil, o.Amount.Minor, o.Account.ID))
		}
	}
	for i, c := range dep.CashBack.Items {
		if !cashBack[i] {
			out = append(out, x.lineRow(nil, -c.Amount.Minor, c.Account.ID))
		}
	}
	return out
}

// mark sets covered[span[0]:span[1]].
func mark(covered []bool, span [2]int) {
	for i := span[0]; i < span[1]; i++ {
		covered[i] = true
	}
}

// journalRows are the rows of a transaction of a summary payout: its
// share of each journal entry line it went into (money in positive).
func (x *payoutExport) journalRows(tr plan.Trace) []Row {
	var out []Row
	for _, p := range tr.Journal {
		r := x.lineRow(tr.Txn, p.Amount, p.Account)
		r.NSType = netsuite.TypeJournalEntry
		out = append(out, r)
	}
	if len(out) == 0 {
		out = append(out, x.base(tr.Txn))
	}
	out[0].HasAmounts = true
	return out
}

// recordIn finds a record the transaction made by external ID.
func (x *payoutExport) recordIn(tr plan.Trace, extID string) (plan.Record, bool) {
	for _, rec := range x.plan.Records[tr.Records[0]:tr.Records[1]] {
		if rec.ExternalID == extID {
			return rec, true
		}
	}
	return plan.Record{}, false
}

// recordRow is the row of a record: internal ID and booking from the
// ledger; while it is not booked (a held payout, or a record made before
// the ledger kept bookings), the amount the plan would book.
func (x *payoutExport) recordRow(bt *payout.BalanceTransaction, rec plan.Record) Row {
	r := x.base(bt)
	r.NSType, r.NSExternalID = rec.Type, rec.ExternalID
	planned, _ := netsuite.BookingOf(rec.Body)
	b := ledger.Booked{Amount: planned.Amount, Currency: planned.Currency, Account: planned.Account}
	lr, ok := x.records[rec.ExternalID]
	if !ok {
		lr, _, _ = x.e.Ledger.Record(x.ctx, rec.ExternalID) // made by another payout's run
	}
	if lr.Status == ledger.RecordDone {
		r.NSInternalID = lr.InternalID
	}
	if lr.Booked.Known() {
		if lr.Booked.Amount != b.Amount || lr.Booked.Currency != b.Currency {
			x.e.log().Warn("re-planned amount differs from what the ledger says was booked; exporting the booked amount",
				"external_id", rec.ExternalID, "booked", lr.Booked.Amount, "planned", b.Amount)
		}
		b = lr.Booked
	}
	r.HasNSAmount, r.NSAmount, r.NSCurrency, r.NSAccount = true, b.Amount, b.Currency, b.Account
	return r
}

// lineRow is the row of a deposit line: the deposit's IDs, the line's
// signed amount in the payout currency (money out is negative) and account.
func (x *payoutExport) lineRow(bt *payout.BalanceTransaction, amount int64, account string) Row {
	r := x.base(bt)
	r.NSType, r.NSExternalID = netsuite.TypeDeposit, plan.ExternalID(x.snap.Payout.ID)
	r.NSInternalID = x.depositID
	r.HasNSAmount, r.NSAmount, r.NSCurrency, r.NSAccount = true, amount, x.snap.Payout.Currency, account
	return r
}

// base is a row with the Stripe side of bt (nil: the payout alone).
func (x *payoutExport) base(bt *payout.BalanceTransaction) Row {
	po := x.snap.Payout
	r := Row{PayoutID: po.ID, PayoutEffectiveAt: po.ArrivalDate, Currency: po.Currency,
		NSDepositID: x.depositID, Status: string(x.state.Status), RunID: x.runID, Problems: x.problems}
	if bt == nil {
		return r
	}
	r.BalanceTxnID, r.Created, r.AvailableOn, r.Currency = bt.ID, bt.Created, bt.AvailableOn, bt.Currency
	r.Gross, r.Fee, r.Net = bt.Amount, bt.Fee, bt.Net
	r.ReportingCategory, r.SourceID, r.Description = bt.ReportingCategory, bt.Source, bt.Description
	x.customer(bt, &r)
	return r
}

// customer fills the charge, invoice, payment intent and customer columns
// from the charge the transaction is, refunds or disputes.
func (x *payoutExport) customer(bt *payout.BalanceTransaction, r *Row) {
	s := x.snap
	chID := ""
	switch {
	case s.Charges[bt.Source] != nil:
		chID = bt.Source
	case s.Refunds[bt.Source] != nil:
		chID = s.Refunds[bt.Source].Charge
	case s.Disputes[bt.Source] != nil:
		chID = s.Disputes[bt.Source].Charge
	}
	ch := s.Charges[chID]
	if ch == nil {
		r.ChargeID = chID
		return
	}
	r.ChargeID, r.InvoiceID, r.PaymentIntentID, r.CustomerID = ch.ID, ch.Invoice, ch.PaymentIntent, ch.Customer
	r.CustomerEmail, r.CustomerName = firstNonEmpty(ch.BillingEmail, ch.ReceiptEmail), ch.BillingName
	if c := s.Customers[ch.Customer]; c != nil {
		r.CustomerEmail = firstNonEmpty(c.Email, r.CustomerEmail)
		r.CustomerName = firstNonEmpty(c.Name, r.CustomerName)
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (e *Exporter) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

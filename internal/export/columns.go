package export

import (
	"strconv"
	"time"

	"github.com/nsrecon/nsrecon/internal/money"
)

// column is one column of the export: its name (Stripe's, for the Stripe
// side) and how a row shows it as text. amount, when set, gives the value
// as minor units of a currency, so a spreadsheet can hold it as a number.
type column struct {
	name   string
	text   func(*Row) string
	amount func(*Row) (minor int64, currency string, ok bool)
	json   func(*Row) any // the JSON value, when not the text (numbers, booleans)
}

// runIDText is a run ID as text, "" when none is known.
func runIDText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// runIDJSON is a run ID in JSON: null when none is known.
func runIDJSON(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// stripeTime is how Stripe's reports write timestamps: UTC, to the second.
func stripeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateTime)
}

func txnAmount(get func(*Row) int64) func(*Row) (int64, string, bool) {
	return func(r *Row) (int64, string, bool) { return get(r), r.Currency, r.HasAmounts }
}

func nsAmount(r *Row) (int64, string, bool) { return r.NSAmount, r.NSCurrency, r.HasNSAmount }

// columns is the export's layout: Stripe's payout reconciliation report
// columns, then the NetSuite side. Every writer reads this table.
var columns = []column{
	{name: "automatic_payout_id", text: func(r *Row) string { return r.PayoutID }},
	{name: "automatic_payout_effective_at", text: func(r *Row) string { return stripeTime(r.PayoutEffectiveAt) }},
	{name: "balance_transaction_id", text: func(r *Row) string { return r.BalanceTxnID }},
	{name: "created", text: func(r *Row) string { return stripeTime(r.Created) }},
	{name: "available_on", text: func(r *Row) string { return stripeTime(r.AvailableOn) }},
	{name: "currency", text: func(r *Row) string { return r.Currency }},
	{name: "gross", amount: txnAmount(func(r *Row) int64 { return r.Gross })},
	{name: "fee", amount: txnAmount(func(r *Row) int64 { return r.Fee })},
	{name: "net", amount: txnAmount(func(r *Row) int64 { return r.Net })},
	{name: "reporting_category", text: func(r *Row) string { return r.ReportingCategory }},
	{name: "source_id", text: func(r *Row) string { return r.SourceID }},
	{name: "description", text: func(r *Row) string { return r.Description }},
	{name: "customer_id", text: func(r *Row) string { return r.CustomerID }},
	{name: "customer_email", text: func(r *Row) string { return r.CustomerEmail }},
	{name: "customer_name", text: func(r *Row) string { return r.CustomerName }},
	{name: "charge_id", text: func(r *Row) string { return r.ChargeID }},
	{name: "invoice_id", text: func(r *Row) string { return r.InvoiceID }},
	{name: "payment_intent_id", text: func(r *Row) string { return r.PaymentIntentID }},
	{name: "netsuite_record_type", text: func(r *Row) string { return r.NSType }},
	{name: "netsuite_external_id", text: func(r *Row) string { return r.NSExternalID }},
	{name: "netsuite_internal_id", text: func(r *Row) string { return r.NSInternalID }},
	{name: "netsuite_amount", amount: nsAmount},
	{name: "netsuite_currency", text: func(r *Row) string { return r.NSCurrency }},
	{name: "netsuite_account", text: func(r *Row) string { return r.NSAccount }},
	{name: "netsuite_deposit_id", text: func(r *Row) string { return r.NSDepositID }},
	{name: "status", text: func(r *Row) string { return r.Status }},
	{name: "run_id", text: func(r *Row) string { return runIDText(r.RunID) }, json: func(r *Row) any { return runIDJSON(r.RunID) }},
	{name: "problems", text: func(r *Row) string { return r.Problems }},
}

// Columns are the export's column names, in order.
func Columns() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.name
	}
	return out
}

// values is a row as text: amounts as exact decimal strings in major
// units, as Stripe's reports write them.
func values(r *Row, out []string) []string {
	out = out[:0]
	for _, c := range columns {
		out = append(out, c.value(r))
	}
	return out
}

func (c column) value(r *Row) string {
	if c.amount == nil {
		return c.text(r)
	}
	if minor, ccy, ok := c.amount(r); ok {
		return money.Format(minor, ccy)
	}
	return ""
}

// totalColumns is the layout of the per-payout totals.
var totalColumns = []struct {
	name   string
	text   func(*Total) string
	amount func(*Total) int64
	json   func(*Total) any // the JSON value, when not the text
}{
	{name: "automatic_payout_id", text: func(t *Total) string { return t.PayoutID }},
	{name: "automatic_payout_effective_at", text: func(t *Total) string { return stripeTime(t.ArrivalDate) }},
	{name: "currency", text: func(t *Total) string { return t.Currency }},
	{name: "payout_amount", amount: func(t *Total) int64 { return t.Amount }},
	{name: "rows", text: func(t *Total) string { return strconv.Itoa(t.Rows) }, json: func(t *Total) any { return t.Rows }},
	{name: "gross", amount: func(t *Total) int64 { return t.Gross }},
	{name: "fee", amount: func(t *Total) int64 { return t.Fee }},
	{name: "net", amount: func(t *Total) int64 { return t.Net }},
	{name: "balanced", text: func(t *Total) string { return strconv.FormatBool(t.Balanced()) },
		json: func(t *Total) any { return t.Balanced() }},
	{name: "netsuite_deposit_id", text: func(t *Total) string { return t.DepositID }},
	{name: "status", text: func(t *Total) string { return t.Status }},
	{name: "run_id", text: func(t *Total) string { return runIDText(t.RunID) }, json: func(t *Total) any { return runIDJSON(t.RunID) }},
	{name: "problems", text: func(t *Total) string { return t.Problems }},
}

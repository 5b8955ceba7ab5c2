// Package category is the table of Stripe balance-transaction reporting
// categories: for each, how nsrecon books it in NetSuite, the config key of
// the account its deposit lines post to, the account the sandbox maps it
// to, and a line of documentation. The planner, the sandbox and the config
// key table all read it, so a category Stripe adds is one new row.
//
// It is a leaf (it imports nothing of nsrecon) so that both config and plan
// can import it. It is not part of internal/payout, which reads Stripe: the
// table is about where money is booked, and config should not depend on the
// Stripe client to document its keys.
package category

// Booking is how a category's balance transactions are booked.
type Booking int

const (
	// Charge: a customer payment (with its customer and invoice), deposited.
	Charge Booking = iota + 1
	// Refund: a customer refund of the payment, or for an invoiced charge a
	// credit memo and a refund of it.
	Refund
	// Dispute: booked as Refund, for funds a dispute withdrew.
	Dispute
	// FeeLine: a deposit line to the fixed account key Row.Key.
	FeeLine
	// DepositLine: a deposit line to accounts.categories.<category>.
	DepositLine
	// OwnPayout: the payout's own withdrawal; the payout itself, not in it.
	OwnPayout
)

// Config keys the table names.
const (
	// MapKey is the config map of plain deposit-line categories to accounts.
	MapKey = "accounts.categories"
	// MapDoc documents MapKey.
	MapDoc = "balance-transaction reporting_category → account for plain deposit lines, e.g. platform_earning: \"612\""

	KeyStripeFees  = "accounts.stripe_fees"
	KeyFeeTax      = "accounts.fee_tax"
	KeyDisputeFees = "accounts.dispute_fees"
)

// Key is the config key of the account a plain deposit-line category posts
// to: accounts.categories.<name>.
func Key(name string) string { return MapKey + "." + name }

// Row is one reporting category.
type Row struct {
	Name    string  // reporting_category as Stripe spells it
	Booking Booking // how it is booked
	// Key is the config key of the account its amount posts to as a
	// deposit line; "" for categories booked as records.
	Key string
	// DisputeFees: its fee goes to accounts.dispute_fees when that is set
	// (else to accounts.stripe_fees, like every other fee).
	DisputeFees bool
	// Sandbox is the account internal ID the sandbox config maps Key to;
	// "" when the sandbox leaves it unmapped.
	Sandbox string
	// Doc is one line for humans. For a FeeLine row it documents the
	// account key (config.Keys reads it).
	Doc string
}

// Sandbox chart of accounts for deposit lines (see internal/sandbox).
const (
	sandboxAdjustments = "310" // Stripe Adjustments
	sandboxDisputesWon = "311" // Disputes Won
	sandboxMovements   = "312" // Stripe Balance Movements
)

func line(name, sandbox, doc string) Row {
	return Row{Name: name, Booking: DepositLine, Key: Key(name), Sandbox: sandbox, Doc: doc}
}

// rows are the 37 reporting categories Stripe documents for API version
// 2023-10-16 (/work/shared/stripe-schema: reporting_categories); stripe-go
// v76 names 26 of them. A test checks the table against that list.
var rows = []Row{
	{Name: "charge", Booking: Charge, Doc: "a payment from a customer"},
	{Name: "refund", Booking: Refund, Doc: "a refund of a payment"},
	{Name: "dispute", Booking: Dispute, DisputeFees: true, Doc: "funds withdrawn by a dispute, and the dispute fee"},
	{Name: "fee", Booking: FeeLine, Key: KeyStripeFees, Sandbox: "300", Doc: "expense account for Stripe processing fees (deposit cash-back lines)"},
	{Name: "tax", Booking: FeeLine, Key: KeyFeeTax, Sandbox: "301", Doc: "account for tax charged on Stripe fees"},
	{Name: "payout", Booking: OwnPayout, Doc: "the payout's own withdrawal from the balance"},

	line("partial_capture_reversal", sandboxAdjustments, "the uncaptured rest of a partially captured charge"),
	line("charge_failure", sandboxAdjustments, "a charge that failed after it was credited (e.g. ACH)"),
	line("other_adjustment", sandboxAdjustments, "an adjustment Stripe made to the balance"),
	line("payout_reversal", sandboxMovements, "funds of a failed or cancelled payout returned to the balance"),
	line("risk_reserved_funds", sandboxMovements, "funds Stripe reserved or released for risk"),
	line("connect_reserved_funds", sandboxMovements, "funds reserved or released for a Connect account"),
	line("platform_earning", sandboxMovements, "a Connect application fee the platform earned"),
	line("platform_earning_refund", sandboxMovements, "a refund of a Connect application fee"),
	line("transfer", sandboxMovements, "a transfer to a connected account"),
	line("transfer_reversal", sandboxMovements, "a transfer to a connected account reversed"),
	line("topup", sandboxMovements, "a top-up of the balance from a bank account"),
	line("topup_reversal", sandboxMovements, "a top-up reversed"),
	line("advance", sandboxMovements, "an advance of funds"),
	line("advance_funding", sandboxMovements, "the repayment of an advance"),
	line("connect_collection_transfer", sandboxMovements, "a collection from a connected account's negative balance"),
	{Name: "dispute_reversal", Booking: DepositLine, Key: Key("dispute_reversal"), DisputeFees: true,
		Sandbox: sandboxDisputesWon, Doc: "funds returned by a won dispute, and the dispute fee refunded"},
	line("issuing_authorization_hold", "", "funds held for an Issuing authorization"),
	line("issuing_authorization_release", "", "an Issuing authorization hold released"),
	line("issuing_transaction", "", "an Issuing card transaction"),
	line("issuing_dispute", "", "an Issuing dispute"),
	line("refund_failure", "", "a refund that failed and returned to the balance"),
	// Documented for 2023-10-16 but not named by stripe-go v76: deposit
	// lines like the others, held until the user maps them.
	line("anticipation_repayment", "", "a repayment of an anticipated (advanced) balance"),
	line("climate_order_purchase", "", "a Stripe Climate order"),
	line("climate_order_refund", "", "a Stripe Climate order refunded"),
	line("contribution", "", "a contribution (Stripe Climate, charity)"),
	line("financing_paydown", "", "a Stripe Capital financing repayment"),
	line("financing_paydown_reversal", "", "a Stripe Capital repayment reversed"),
	line("financing_payout", "", "Stripe Capital financing paid into the balance"),
	line("financing_payout_reversal", "", "Stripe Capital financing reversed"),
	line("network_cost", "", "card network costs passed through"),
	line("unreconciled_customer_funds", "", "customer funds Stripe could not yet match to a payment"),
}

var byName = func() map[string]Row {
	m := make(map[string]Row, len(rows))
	for _, r := range rows {
		m[r.Name] = r
	}
	return m
}()

// All returns every row, in table order (a copy).
func All() []Row { return append([]Row(nil), rows...) }

// Lookup returns the row of a reporting category; ok is false for a
// category this version does not know (a newer Stripe API).
func Lookup(name string) (r Row, ok bool) {
	r, ok = byName[name]
	return r, ok
}

// AccountKeys returns the rows whose lines post to an account key of their
// own (not an accounts.categories entry), one per key, in table order. The
// config key table, config validation, the planner's settings and the
// sandbox all follow it, so a category with an account of its own is one
// row here.
func AccountKeys() []Row {
	var out []Row
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Booking == FeeLine && r.Key != "" && !seen[r.Key] {
			seen[r.Key] = true
			out = append(out, r)
		}
	}
	return out
}

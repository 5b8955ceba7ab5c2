package plan

// Settings is what the planner needs from configuration. Account, item and
// subsidiary values are NetSuite internal IDs. The CLI fills it from the
// validated config; tests fill it inline.
type Settings struct {
	// Accounts.
	UndepositedFunds string            // account refunds are paid from (Undeposited Funds)
	BankAccounts     map[string]string // payout currency (lower-case) → bank account
	StripeFees       string            // processing fees (bt.fee, fee_details stripe_fee)
	FeeTax           string            // tax on Stripe fees (fee_details tax, category tax)
	ApplicationFees  string            // Connect application fees in fee_details
	DisputeFees      string            // dispute fees
	FXDifference     string            // rounding differences from currency conversion
	// Categories maps a balance-transaction reporting_category that becomes a
	// plain deposit line (platform_earning, transfer, other_adjustment, …) to
	// the account it posts to.
	Categories map[string]string

	// Items.
	RefundItem   string // credit memo line item for refunds and disputes of invoices
	TaxItem      string // invoice line item for Stripe tax
	GlobalItem   string // "global price workflow": every invoice line uses this item
	ItemIncome   string // income account for service items nsrecon creates
	DiscountAcct string // account for discount items nsrecon creates

	// Customers.
	CustomerMode        string // create (default) | global
	GlobalCustomer      string // internal ID used for every customer in global mode
	DefaultCustomerName string // used when a Stripe customer has no name
	// CustomerType is "company" (default: the name is the company name) or
	// "individual" (the name splits into first and last name); Stripe
	// customer metadata netsuite_customer_type overrides it.
	CustomerType string

	// Classification for OneWorld accounts (empty = not sent).
	Subsidiary string
	Department string
	Class      string
	Location   string

	// OrphanRule says what to do with a refund or dispute whose charge was
	// never reconciled by nsrecon (paid out before its first run): "hold"
	// (default) or "deposit_line", a deposit line to OrphanAccount.
	OrphanRule    string
	OrphanAccount string

	// Currencies maps a currency code (lower-case) to NetSuite's currency
	// internal ID; when absent, records carry no currency field and NetSuite
	// uses the customer's/subsidiary's default.
	Currencies map[string]string
	// BaseCurrency is the NetSuite subsidiary's base currency; "" assumes
	// it is the payout currency. Stripe's exchange rate converts to the
	// payout currency, NetSuite's to the base currency: for a charge in a
	// third currency they differ, and such a payout is held.
	BaseCurrency string
}

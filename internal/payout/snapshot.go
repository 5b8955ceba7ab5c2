// Package payout reads paid Stripe payouts and everything needed to account
// for them, and turns them into Snapshots: plain, Stripe-free values that the
// planner maps to NetSuite records. It also holds the fake Stripe API used by
// tests and the sandbox (package payout/stripefake).
package payout

import "time"

// Snapshot is everything known about one payout: the payout, its balance
// transactions (including the payout's own transaction) and the objects
// those transactions point at, each fetched once.
type Snapshot struct {
	Payout       Payout               `json:"payout"`
	Transactions []BalanceTransaction `json:"transactions"`
	Charges      map[string]*Charge   `json:"charges,omitempty"`
	Refunds      map[string]*Refund   `json:"refunds,omitempty"`
	Disputes     map[string]*Dispute  `json:"disputes,omitempty"`
	Invoices     map[string]*Invoice  `json:"invoices,omitempty"`
	Customers    map[string]*Customer `json:"customers,omitempty"`
	// CreditNotes are the credit notes of the invoices that have any
	// (Invoice.HasCreditNotes), by ID.
	CreditNotes map[string]*CreditNote `json:"credit_notes,omitempty"`
}

// Payout is a Stripe payout. Amount is in minor units of Currency.
type Payout struct {
	ID          string    `json:"id"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"` // lower-case ISO 4217, as Stripe sends it
	Status      string    `json:"status"`   // paid, pending, in_transit, canceled, failed
	Automatic   bool      `json:"automatic"`
	ArrivalDate time.Time `json:"arrival_date"`
	Created     time.Time `json:"created"`
	Description string    `json:"description,omitempty"`
	// FailureBalanceTransaction is set for failed payouts.
	FailureBalanceTransaction string `json:"failure_balance_transaction,omitempty"`
	// ReconciliationStatus is Stripe's: "completed" once the payout's
	// balance transactions are all assigned to it, "in_progress" while
	// Stripe is still assigning them (listing them then may miss some),
	// "not_applicable" for manual payouts.
	ReconciliationStatus string `json:"reconciliation_status,omitempty"`
}

// Reconciling reports whether Stripe is still assigning balance
// transactions to the payout: it cannot be reconciled yet.
func (p Payout) Reconciling() bool { return p.ReconciliationStatus == "in_progress" }

// BalanceTransaction is one movement of funds in the payout. Amount, Fee and
// Net are minor units of Currency (the payout/settlement currency);
// Net = Amount - Fee.
type BalanceTransaction struct {
	ID                string    `json:"id"`
	Amount            int64     `json:"amount"`
	Fee               int64     `json:"fee"`
	Net               int64     `json:"net"`
	Currency          string    `json:"currency"`
	Type              string    `json:"type"`
	ReportingCategory string    `json:"reporting_category"`
	Created           time.Time `json:"created"`
	// AvailableOn is when the funds became available in the Stripe
	// balance (Stripe's reports show it beside created).
	AvailableOn time.Time `json:"available_on,omitzero"`
	Description string    `json:"description,omitempty"`
	// Source is the ID of the object that caused the movement (ch_, re_, dp_,
	// po_, …); SourceType is the Stripe object name ("charge", "refund",
	// "dispute", "payout", …) when the source was expanded, else derived from
	// the ID prefix.
	Source     string `json:"source,omitempty"`
	SourceType string `json:"source_type,omitempty"`
	// ExchangeRate is the decimal rate from the source currency to Currency,
	// exactly as Stripe wrote it ("" when no conversion happened).
	ExchangeRate string      `json:"exchange_rate,omitempty"`
	FeeDetails   []FeeDetail `json:"fee_details,omitempty"`
	// Via is set on a transaction of a failed or cancelled payout: it names
	// the payout_failure/payout_cancel transaction of this payout that
	// returned its funds. Such transactions were never deposited, so this
	// payout's deposit accounts for them in place of the failure's amount.
	Via string `json:"via,omitempty"`
}

// FeeDetail is one component of a balance transaction's fee.
type FeeDetail struct {
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	Type        string `json:"type"` // stripe_fee, tax, application_fee, …
	Description string `json:"description,omitempty"`
	Application string `json:"application,omitempty"`
}

// Charge is a Stripe charge. Amount is in the charge's (presentment) currency.
type Charge struct {
	ID             string            `json:"id"`
	Amount         int64             `json:"amount"`
	AmountRefunded int64             `json:"amount_refunded"`
	AmountCaptured int64             `json:"amount_captured,omitempty"` // less than Amount for a partial capture
	Currency       string            `json:"currency"`
	Customer       string            `json:"customer,omitempty"`
	Invoice        string            `json:"invoice,omitempty"`
	PaymentIntent  string            `json:"payment_intent,omitempty"`
	Description    string            `json:"description,omitempty"`
	Created        time.Time         `json:"created"`
	BillingName    string            `json:"billing_name,omitempty"`
	BillingEmail   string            `json:"billing_email,omitempty"`
	ReceiptEmail   string            `json:"receipt_email,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	// Connect: application fee taken by a platform, transfer to a connected
	// account, and the account the charge was made on behalf of.
	ApplicationFeeAmount int64  `json:"application_fee_amount,omitempty"`
	Transfer             string `json:"transfer,omitempty"`
	OnBehalfOf           string `json:"on_behalf_of,omitempty"`
}

// Refund is a Stripe refund of (part of) a charge, in the charge currency.
type Refund struct {
	ID       string    `json:"id"`
	Amount   int64     `json:"amount"`
	Currency string    `json:"currency"`
	Charge   string    `json:"charge"`
	Reason   string    `json:"reason,omitempty"`
	Status   string    `json:"status,omitempty"`
	Created  time.Time `json:"created"`
}

// Dispute is a Stripe dispute of a charge, in the charge currency.
type Dispute struct {
	ID       string    `json:"id"`
	Amount   int64     `json:"amount"`
	Currency string    `json:"currency"`
	Charge   string    `json:"charge"`
	Reason   string    `json:"reason,omitempty"`
	Status   string    `json:"status,omitempty"`
	Created  time.Time `json:"created"`
}

// Invoice is a finalized Stripe invoice with all of its lines.
type Invoice struct {
	ID            string    `json:"id"`
	Number        string    `json:"number,omitempty"`
	Customer      string    `json:"customer,omitempty"`
	Currency      string    `json:"currency"`
	Status        string    `json:"status,omitempty"`
	BillingReason string    `json:"billing_reason,omitempty"` // manual, subscription_cycle, …
	Created       time.Time `json:"created"`
	DueDate       time.Time `json:"due_date,omitempty"`
	Subtotal      int64     `json:"subtotal"`
	Tax           int64     `json:"tax"`
	Total         int64     `json:"total"`
	AmountPaid    int64     `json:"amount_paid"`
	// AmountDue is Total less the starting balance and pre-payment credit
	// notes: what the customer was asked to pay.
	AmountDue int64 `json:"amount_due"`
	// StartingBalance is the customer's balance applied to the invoice
	// (negative: a credit that paid part of it).
	StartingBalance int64 `json:"starting_balance,omitempty"`
	// Credit notes issued before and after payment.
	PrePaymentCreditNotes  int64 `json:"pre_payment_credit_notes_amount,omitempty"`
	PostPaymentCreditNotes int64 `json:"post_payment_credit_notes_amount,omitempty"`
	// Shipping is amount_shipping: the shipping cost before tax, part of
	// Total (its tax, if any, is in Tax).
	Shipping  int64             `json:"amount_shipping,omitempty"`
	Lines     []InvoiceLine     `json:"lines"`
	Discounts []Discount        `json:"discounts,omitempty"` // total_discount_amounts
	Metadata  map[string]string `json:"metadata,omitempty"`
	// Charge is the charge that paid the invoice, if any.
	Charge string `json:"charge,omitempty"`
}

// InvoiceLine is one line of an invoice. Amount is the line total before
// discounts and tax, in the invoice currency.
type InvoiceLine struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Amount      int64  `json:"amount"`
	Quantity    int64  `json:"quantity"`
	// Price the line was billed at; Price.ID is empty for ad-hoc lines.
	Price Price `json:"price"`
	// Type is Stripe's line type: "subscription" or "invoiceitem".
	Type string `json:"type,omitempty"`
	// Period is the span the line bills (Stripe's period; End exclusive).
	Period *Period `json:"period,omitempty"`
}

// Period is a span of time an invoice line bills, End exclusive.
type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Price is a Stripe price with what nsrecon needs of its product.
type Price struct {
	ID          string            `json:"id,omitempty"`
	Nickname    string            `json:"nickname,omitempty"`
	ProductID   string            `json:"product_id,omitempty"`
	ProductName string            `json:"product_name,omitempty"`
	UnitAmount  int64             `json:"unit_amount,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

// Discount is the total a coupon or discount took off an invoice.
type Discount struct {
	ID     string `json:"id"` // discount or coupon ID
	Name   string `json:"name,omitempty"`
	Amount int64  `json:"amount"`
}

// Customer is a Stripe customer.
type Customer struct {
	ID string `json:"id"`
	// Deleted: Stripe answers only {id, object, deleted: true} for a
	// deleted customer, so nothing else is known.
	Deleted     bool              `json:"deleted,omitempty"`
	Name        string            `json:"name,omitempty"`
	Email       string            `json:"email,omitempty"`
	Description string            `json:"description,omitempty"`
	Phone       string            `json:"phone,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

package netsuite

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
)

// Record type names as they appear in REST paths (/record/v1/<type>).
const (
	TypeCustomer        = "customer"
	TypeServiceSaleItem = "serviceSaleItem"
	TypeDiscountItem    = "discountItem"
	TypeInvoice         = "invoice"
	TypeCustomerPayment = "customerPayment"
	TypeCreditMemo      = "creditMemo"
	TypeCustomerRefund  = "customerRefund"
	TypeDeposit         = "deposit"
)

// Body is a NetSuite record as sent in a create or upsert. Refs returns a
// pointer to every reference the body holds, so a pusher can fill in the
// internal IDs of records created earlier in the same run.
type Body interface {
	RecordType() string
	Refs() []*Ref
}

// Ref points at another NetSuite record. On the wire it is {"id":"4"}.
// A planner sets ExternalID for records nsrecon creates (the pusher resolves
// it to ID before sending) and ID for objects that already exist in NetSuite
// (accounts, subsidiaries, configured items).
type Ref struct {
	ID         string `json:"id"`
	ExternalID string `json:"-"`
}

// MarshalJSON writes {"id":…} on the wire. A reference not resolved yet
// (only in a plan shown to a person, never sent: the pusher resolves every
// reference first) shows the external ID it waits for.
func (r Ref) MarshalJSON() ([]byte, error) {
	if r.ID == "" && r.ExternalID != "" {
		return json.Marshal(struct {
			ExternalID string `json:"externalId"`
		}{r.ExternalID})
	}
	return json.Marshal(struct {
		ID string `json:"id"`
	}{r.ID})
}

// Resolved reports whether the reference carries a NetSuite internal ID.
func (r *Ref) Resolved() bool { return r != nil && r.ID != "" }

// Amount is an exact money amount. It marshals as a JSON number in major
// units (1234 minor USD → 12.34) with no float on the way.
type Amount struct {
	Minor    int64
	Currency string
}

// MarshalJSON writes NetSuite's decimals where the amount is exact at them
// (12.340 KWD as 12.34); an amount that is not is written exactly (12.345),
// for NetSuite to refuse: it is never rounded here (see plan's precision
// rule).
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(money.FormatNetSuite(a.Minor, a.Currency)), nil
}

func (a *Amount) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	v, err := money.Parse(n.String(), a.Currency)
	if err != nil {
		return err
	}
	a.Minor = v
	return nil
}

// Classification is what NetSuite OneWorld accounts require on customers and
// transactions: subsidiary, and optionally department, class and location.
type Classification struct {
	Subsidiary *Ref `json:"subsidiary,omitempty"`
	Department *Ref `json:"department,omitempty"`
	Class      *Ref `json:"class,omitempty"`
	Location   *Ref `json:"location,omitempty"`
}

func (c *Classification) refs() []*Ref {
	return nonNil(c.Subsidiary, c.Department, c.Class, c.Location)
}

func nonNil(rs ...*Ref) []*Ref {
	out := rs[:0:0]
	for _, r := range rs {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// Customer is a NetSuite customer. Individuals carry first and last name,
// companies a company name.
type Customer struct {
	ExternalID string `json:"externalId"`
	// EntityID is the Customer ID, needed (and unique) when the account's
	// customer auto-numbering is off; empty lets NetSuite number it.
	EntityID    string `json:"entityId,omitempty"`
	IsPerson    bool   `json:"isPerson"`
	CompanyName string `json:"companyName,omitempty"`
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Comments    string `json:"comments,omitempty"`
	// Currency is the primary currency; CurrencyList every currency the
	// customer may transact in (NetSuite refuses a transaction in any
	// other: "Invalid Field Value … currency").
	Currency     *Ref          `json:"currency,omitempty"`
	CurrencyList *CurrencyList `json:"currencyList,omitempty"`
	Classification
}

func (*Customer) RecordType() string { return TypeCustomer }
func (c *Customer) Refs() []*Ref {
	out := append(c.Classification.refs(), nonNil(c.Currency)...)
	if c.CurrencyList != nil {
		for i := range c.CurrencyList.Items {
			out = append(out, &c.CurrencyList.Items[i].Currency)
		}
	}
	return out
}

// RefList is a multi-select reference field ({"items":[{"id":"1"}]}).
type RefList struct {
	Items []Ref `json:"items"`
}

// ServiceSaleItem is a NetSuite service item for sale; invoice lines use it.
type ServiceSaleItem struct {
	ExternalID      string   `json:"externalId"`
	ItemID          string   `json:"itemId"` // the item's name
	DisplayName     string   `json:"displayName,omitempty"`
	SalesDesc       string   `json:"salesDescription,omitempty"`
	IncomeAccount   *Ref     `json:"incomeAccount,omitempty"`
	TaxSchedule     *Ref     `json:"taxSchedule,omitempty"`
	Subsidiary      *RefList `json:"subsidiary,omitempty"`
	IncludeChildren bool     `json:"includeChildren,omitempty"`
}

func (*ServiceSaleItem) RecordType() string { return TypeServiceSaleItem }
func (s *ServiceSaleItem) Refs() []*Ref {
	out := nonNil(s.IncomeAccount, s.TaxSchedule)
	if s.Subsidiary != nil {
		for i := range s.Subsidiary.Items {
			out = append(out, &s.Subsidiary.Items[i])
		}
	}
	return out
}

// DiscountItem is a NetSuite discount item; coupons become invoice lines of it.
type DiscountItem struct {
	ExternalID  string   `json:"externalId"`
	ItemID      string   `json:"itemId"`
	Description string   `json:"description,omitempty"`
	Account     *Ref     `json:"account,omitempty"`
	TaxSchedule *Ref     `json:"taxSchedule,omitempty"`
	Subsidiary  *RefList `json:"subsidiary,omitempty"`
}

func (*DiscountItem) RecordType() string { return TypeDiscountItem }
func (d *DiscountItem) Refs() []*Ref {
	out := nonNil(d.Account, d.TaxSchedule)
	if d.Subsidiary != nil {
		for i := range d.Subsidiary.Items {
			out = append(out, &d.Subsidiary.Items[i])
		}
	}
	return out
}

// ItemLine is a line of an invoice or credit memo.
type ItemLine struct {
	Item        Ref    `json:"item"`
	Quantity    int64  `json:"quantity,omitempty"`
	Amount      Amount `json:"amount"`
	Description string `json:"description,omitempty"`
	// Revenue recognition dates (Advanced Revenue Management), YYYY-MM-DD.
	RevRecStartDate string `json:"revRecStartDate,omitempty"`
	RevRecEndDate   string `json:"revRecEndDate,omitempty"`
	TaxCode         *Ref   `json:"taxCode,omitempty"` // legacy tax: the line's tax code
}

// ItemList is the item sublist of an invoice or credit memo.
type ItemList struct {
	Items []ItemLine `json:"items"`
}

func (l *ItemList) refs() []*Ref {
	out := make([]*Ref, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, &l.Items[i].Item)
		if l.Items[i].TaxCode != nil {
			out = append(out, l.Items[i].TaxCode)
		}
	}
	return out
}

// SetTaxCode puts the tax code on every line that has none.
func (l *ItemList) SetTaxCode(id string) {
	for i := range l.Items {
		if l.Items[i].TaxCode == nil {
			l.Items[i].TaxCode = &Ref{ID: id}
		}
	}
}

// Total is the sum of the lines.
func (l *ItemList) Total() int64 {
	var t int64
	for _, it := range l.Items {
		t += it.Amount.Minor
	}
	return t
}

// Invoice is a NetSuite invoice built from a Stripe invoice.
type Invoice struct {
	ExternalID  string   `json:"externalId"`
	Entity      Ref      `json:"entity"`
	TranDate    string   `json:"tranDate"` // YYYY-MM-DD
	DueDate     string   `json:"dueDate,omitempty"`
	OtherRefNum string   `json:"otherRefNum,omitempty"` // the Stripe invoice number
	Memo        string   `json:"memo"`
	Currency    *Ref     `json:"currency,omitempty"`
	Item        ItemList `json:"item"`
	Classification
}

func (*Invoice) RecordType() string { return TypeInvoice }
func (v *Invoice) Refs() []*Ref {
	return append(append([]*Ref{&v.Entity}, v.Item.refs()...), append(v.Classification.refs(), nonNil(v.Currency)...)...)
}

// ApplyLine applies a payment, credit or refund to a document.
type ApplyLine struct {
	Doc    Ref    `json:"doc"`
	Apply  bool   `json:"apply"`
	Amount Amount `json:"amount"`
}

// ApplyList is the apply sublist of payments, credit memos and refunds.
type ApplyList struct {
	Items []ApplyLine `json:"items"`
}

func (l *ApplyList) refs() []*Ref {
	if l == nil {
		return nil
	}
	out := make([]*Ref, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, &l.Items[i].Doc)
	}
	return out
}

// CustomerPayment is the money a customer paid for a charge, in the charge
// currency, without fees, posted to Undeposited Funds.
type CustomerPayment struct {
	ExternalID   string     `json:"externalId"`
	Customer     Ref        `json:"customer"`
	TranDate     string     `json:"tranDate"`
	Payment      Amount     `json:"payment"`
	Currency     *Ref       `json:"currency,omitempty"`
	ExchangeRate Rate       `json:"exchangeRate,omitempty"`
	UndepFunds   *Select    `json:"undepFunds,omitempty"`
	AutoApply    *bool      `json:"autoApply,omitempty"`
	Memo         string     `json:"memo"`
	Apply        *ApplyList `json:"apply,omitempty"`
	Classification
}

func (*CustomerPayment) RecordType() string { return TypeCustomerPayment }
func (p *CustomerPayment) Refs() []*Ref {
	return append(append([]*Ref{&p.Customer}, p.Apply.refs()...), append(p.Classification.refs(), nonNil(p.Currency)...)...)
}

// CreditMemo credits an invoice for a refund or dispute.
type CreditMemo struct {
	ExternalID string     `json:"externalId"`
	Entity     Ref        `json:"entity"`
	TranDate   string     `json:"tranDate"`
	Memo       string     `json:"memo"`
	Currency   *Ref       `json:"currency,omitempty"`
	AutoApply  *bool      `json:"autoApply,omitempty"`
	Item       ItemList   `json:"item"`
	Apply      *ApplyList `json:"apply,omitempty"`
	Classification
}

func (*CreditMemo) RecordType() string { return TypeCreditMemo }
func (m *CreditMemo) Refs() []*Ref {
	out := append([]*Ref{&m.Entity}, m.Item.refs()...)
	out = append(out, m.Apply.refs()...)
	return append(out, append(m.Classification.refs(), nonNil(m.Currency)...)...)
}

// CustomerRefund pays money back to a customer out of Undeposited Funds,
// applied to a credit memo or to the original customer payment.
type CustomerRefund struct {
	ExternalID   string     `json:"externalId"`
	Customer     Ref        `json:"customer"`
	TranDate     string     `json:"tranDate"`
	Total        Amount     `json:"total"`
	Account      *Ref       `json:"account,omitempty"` // Undeposited Funds
	Currency     *Ref       `json:"currency,omitempty"`
	ExchangeRate Rate       `json:"exchangeRate,omitempty"`
	Memo         string     `json:"memo"`
	Apply        *ApplyList `json:"apply,omitempty"`
	Classification
}

func (*CustomerRefund) RecordType() string { return TypeCustomerRefund }
func (r *CustomerRefund) Refs() []*Ref {
	out := append([]*Ref{&r.Customer}, r.Apply.refs()...)
	return append(out, append(r.Classification.refs(), nonNil(r.Account, r.Currency)...)...)
}

// DepositPayment puts an undeposited transaction (customer payment or
// customer refund) into the deposit. Amount is the transaction's value in the
// deposit currency; a refund is negative.
type DepositPayment struct {
	Doc     Ref    `json:"-"`
	Deposit bool   `json:"deposit"`
	Amount  Amount `json:"paymentAmount"`
}

// MarshalJSON writes the line as NetSuite's schema has it: the
// transaction's internal ID is an integer ("id": 647). A line whose
// transaction is not resolved yet (in a plan shown to a person, never sent)
// shows "eid:<external ID>" instead.
func (p DepositPayment) MarshalJSON() ([]byte, error) {
	type wire struct {
		ID      json.RawMessage `json:"id"`
		Deposit bool            `json:"deposit"`
		Amount  Amount          `json:"paymentAmount"`
	}
	var id json.RawMessage
	switch {
	case p.Doc.ID != "":
		if !isDigits(p.Doc.ID) {
			return nil, fmt.Errorf("netsuite: deposit payment line: internal ID %q is not an integer", p.Doc.ID)
		}
		id = json.RawMessage(strings.TrimLeft(p.Doc.ID, "0"))
		if len(id) == 0 {
			id = json.RawMessage("0")
		}
	default:
		b, _ := json.Marshal("eid:" + p.Doc.ExternalID)
		id = b
	}
	return json.Marshal(wire{id, p.Deposit, p.Amount})
}

func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// DepositOther is money added to the deposit that is not a customer
// payment (a reinstated dispute, a platform earning, an FX difference).
type DepositOther struct {
	Account Ref    `json:"account"`
	Amount  Amount `json:"amount"`
	Entity  *Ref   `json:"entity,omitempty"`
	Memo    string `json:"memo,omitempty"`
}

// DepositCashBack is money taken out of the deposit (fees, tax on fees,
// dispute fees, withdrawals to configured accounts).
type DepositCashBack struct {
	Account Ref    `json:"account"`
	Amount  Amount `json:"amount"`
	Memo    string `json:"memo,omitempty"`
}

// Deposit is the bank deposit for one Stripe payout.
type Deposit struct {
	ExternalID string `json:"externalId"`
	Account    Ref    `json:"account"` // the bank account for the payout currency
	TranDate   string `json:"tranDate"`
	Memo       string `json:"memo"`
	Currency   *Ref   `json:"currency,omitempty"`
	Payment    struct {
		Items []DepositPayment `json:"items"`
	} `json:"payment"`
	Other struct {
		Items []DepositOther `json:"items"`
	} `json:"other"`
	CashBack struct {
		Items []DepositCashBack `json:"items"`
	} `json:"cashback"`
	Classification
}

func (*Deposit) RecordType() string { return TypeDeposit }
func (d *Deposit) Refs() []*Ref {
	out := []*Ref{&d.Account}
	for i := range d.Payment.Items {
		out = append(out, &d.Payment.Items[i].Doc)
	}
	for i := range d.Other.Items {
		out = append(out, &d.Other.Items[i].Account)
		if d.Other.Items[i].Entity != nil {
			out = append(out, d.Other.Items[i].Entity)
		}
	}
	for i := range d.CashBack.Items {
		out = append(out, &d.CashBack.Items[i].Account)
	}
	return append(out, append(d.Classification.refs(), nonNil(d.Currency)...)...)
}

// Total is payments + other − cash back, in the deposit currency.
func (d *Deposit) Total() int64 {
	var t int64
	for _, p := range d.Payment.Items {
		t += p.Amount.Minor
	}
	for _, o := range d.Other.Items {
		t += o.Amount.Minor
	}
	for _, c := range d.CashBack.Items {
		t -= c.Amount.Minor
	}
	return t
}

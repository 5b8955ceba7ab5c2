package plan

import (
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/category"
)

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
	OverRefundAcct   string            // the part of a refund or dispute beyond what is open (OverRefundRule deposit_line)
	// Categories maps a balance-transaction reporting_category that becomes a
	// plain deposit line (platform_earning, transfer, other_adjustment, …) to
	// the account it posts to.
	Categories map[string]string
	// AccountLines are the accounts of categories whose lines post to a key
	// of their own (category.AccountKeys) beyond the fields above, by key.
	AccountLines map[string]string

	// Items.
	RefundItem   string // credit memo line item for refunds and disputes of invoices
	TaxItem      string // invoice line item for Stripe tax
	ShippingItem string // invoice line item for Stripe shipping costs
	GlobalItem   string // "global price workflow": every invoice line uses this item
	ItemIncome   string // income account for service items nsrecon creates
	DiscountAcct string // account for discount items nsrecon creates
	BalanceItem  string // credit memo item for the part of an invoice paid from the customer's credit balance

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

	// OverRefundRule says what to do with a refund or dispute larger than
	// what is still open on its payment (partly refunded, then disputed in
	// full): "hold" (default) or "deposit_line": apply what is open, the
	// rest is a deposit line to OverRefundAcct.
	OverRefundRule string
	// RevenueRecognition puts Stripe's line periods on invoice lines as
	// revenue recognition start and end dates.
	RevenueRecognition bool

	// Currencies maps a currency code (lower-case) to NetSuite's currency
	// internal ID; when absent, records carry no currency field and NetSuite
	// uses the customer's/subsidiary's default.
	Currencies map[string]string
	// Mode is ModeDetailed ("" too) or ModeSummary: one journal entry per
	// payout (summary.go), with Sales, Refunds and SalesTax.
	Mode     string
	Sales    string // summary: income account of gross charges
	Refunds  string // summary: account of refunds and disputes
	SalesTax string // summary: tax on invoices, split out of Sales ("": left in Sales)

	// BaseCurrency is the NetSuite subsidiary's base currency; "" assumes
	// it is the payout currency. Stripe's exchange rate converts to the
	// payout currency, NetSuite's to the base currency: for a charge in a
	// third currency they differ, and such a payout is held.
	BaseCurrency string

	// RoundingRule is rules.rounding: RoundingHold (default) or
	// RoundingAccount, which rounds amounts NetSuite cannot hold exactly
	// and books the differences to Rounding (accounts.rounding).
	RoundingRule string
	Rounding     string

	// Tax: TaxSchedule goes on the items nsrecon creates, TaxCode on every
	// invoice and credit memo line (empty = not sent).
	TaxSchedule string
	TaxCode     string
	// EntityID is how new customers get their Customer ID: EntityIDAuto
	// ("" too: NetSuite's auto-numbering) or EntityIDDerived.
	EntityID string
}

// Key is the config key of a setting the planner names in a problem. A
// missing mapping is reported, and recognised again, by its key.
type Key string

// Keys of the NetSuite mappings the planner reads (see Settings.Mapping).
const (
	KeyUndepositedFunds Key = "accounts.undeposited_funds"
	KeyStripeFees       Key = category.KeyStripeFees
	KeyFeeTax           Key = category.KeyFeeTax
	KeyApplicationFees  Key = "accounts.application_fees"
	KeyDisputeFees      Key = category.KeyDisputeFees
	KeyFXDifference     Key = "accounts.fx_difference"
	KeyRefundItem       Key = "items.refund"
	KeyTaxItem          Key = "items.tax"
	KeyShippingItem     Key = "items.shipping"
	KeyItemIncome       Key = "items.income_account"
	KeyDiscountAccount  Key = "items.discount_account"
	KeyGlobalCustomer   Key = "customers.global_id"
	KeyOrphanAccount    Key = "rules.orphan_account"
	KeyOverRefundAcct   Key = "accounts.over_refund"
	KeyBalanceItem      Key = "items.customer_balance"
	KeySales            Key = "accounts.sales"
	KeyRefunds          Key = "accounts.refunds"
	KeySalesTax         Key = "accounts.sales_tax"
	KeyRounding         Key = "accounts.rounding"
)

// Keys of policy settings the planner's fixes mention.
const (
	KeyOrphanRule   Key = "rules.orphan_refund"
	KeyDefaultName  Key = "customers.default_name"
	KeyBaseCurrency Key = "netsuite.base_currency"
	KeyOverRefund   Key = "rules.over_refund"
	KeyRoundingRule Key = "rules.rounding"
)

// Prefixes of mapping keys with one entry per currency or category.
const (
	bankPrefix     = "accounts.bank."
	currencyPrefix = "currencies."
	categoryPrefix = category.MapKey + "."
)

// BankKey is the key of the bank account for a payout currency.
func BankKey(cur string) Key { return Key(bankPrefix + cur) }

// CurrencyKey is the key of NetSuite's currency for a currency code.
func CurrencyKey(ccy string) Key { return Key(currencyPrefix + ccy) }

// CategoryKey is the key of the account a plain deposit-line category posts to.
func CategoryKey(cat string) Key { return Key(category.Key(cat)) }

// Mapping is one NetSuite mapping: the config key it is set under and the
// internal ID it names ("" when unset).
type Mapping struct {
	Key Key
	ID  string
}

// fixedMappings reads each fixed mapping key from Settings.
var fixedMappings = map[Key]func(*Settings) string{
	KeyUndepositedFunds: func(s *Settings) string { return s.UndepositedFunds },
	KeyStripeFees:       func(s *Settings) string { return s.StripeFees },
	KeyFeeTax:           func(s *Settings) string { return s.FeeTax },
	KeyApplicationFees:  func(s *Settings) string { return s.ApplicationFees },
	KeyDisputeFees:      func(s *Settings) string { return s.DisputeFees },
	KeyFXDifference:     func(s *Settings) string { return s.FXDifference },
	KeyRefundItem:       func(s *Settings) string { return s.RefundItem },
	KeyTaxItem:          func(s *Settings) string { return s.TaxItem },
	KeyShippingItem:     func(s *Settings) string { return s.ShippingItem },
	KeyItemIncome:       func(s *Settings) string { return s.ItemIncome },
	KeyDiscountAccount:  func(s *Settings) string { return s.DiscountAcct },
	KeyGlobalCustomer:   func(s *Settings) string { return s.GlobalCustomer },
	KeyOrphanAccount:    func(s *Settings) string { return s.OrphanAccount },
	KeyOverRefundAcct:   func(s *Settings) string { return s.OverRefundAcct },
	KeyBalanceItem:      func(s *Settings) string { return s.BalanceItem },
	KeySales:            func(s *Settings) string { return s.Sales },
	KeyRefunds:          func(s *Settings) string { return s.Refunds },
	KeySalesTax:         func(s *Settings) string { return s.SalesTax },
	KeyRounding:         func(s *Settings) string { return s.Rounding },
}

// Mapping returns the mapping configured under k: a fixed key above, or a
// BankKey, CurrencyKey or CategoryKey. A key the planner does not read
// returns an unset mapping.
func (s *Settings) Mapping(k Key) Mapping {
	m := Mapping{Key: k}
	if get, ok := fixedMappings[k]; ok {
		m.ID = get(s)
	} else if id, ok := s.AccountLines[string(k)]; ok {
		m.ID = id
	} else if cur, ok := strings.CutPrefix(string(k), bankPrefix); ok {
		m.ID = s.BankAccounts[cur]
	} else if ccy, ok := strings.CutPrefix(string(k), currencyPrefix); ok {
		m.ID = s.Currencies[ccy]
	} else if cat, ok := strings.CutPrefix(string(k), categoryPrefix); ok {
		m.ID = s.Categories[cat]
	}
	return m
}

// Mappings returns every NetSuite mapping that is set: the fixed keys
// above and one per bank account, currency, category and account line, in
// key order. The verification before a payout's first write names the key
// of an internal ID NetSuite does not have.
func (s *Settings) Mappings() []Mapping {
	var out []Mapping
	add := func(k Key, id string) {
		if id != "" {
			out = append(out, Mapping{Key: k, ID: id})
		}
	}
	for k, get := range fixedMappings {
		add(k, get(s))
	}
	for k, id := range s.AccountLines {
		add(Key(k), id)
	}
	for cur, id := range s.BankAccounts {
		add(BankKey(cur), id)
	}
	for ccy, id := range s.Currencies {
		add(CurrencyKey(ccy), id)
	}
	for cat, id := range s.Categories {
		add(CategoryKey(cat), id)
	}
	slices.SortFunc(out, func(a, b Mapping) int { return strings.Compare(string(a.Key), string(b.Key)) })
	return out
}

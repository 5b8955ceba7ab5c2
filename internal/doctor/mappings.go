package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// NetSuite account types (the account record's acctType ids).
var (
	bankTypes    = []string{"Bank"}
	undepTypes   = []string{"OthCurrAsset"} // Undeposited Funds is a system Other Current Asset account
	expenseTypes = []string{"Expense", "OthExpense", "COGS"}
	incomeTypes  = []string{"Income", "OthIncome"}
	feeTaxTypes  = []string{"Expense", "OthExpense", "OthCurrAsset", "OthCurrLiab"} // expensed, or recoverable VAT
	pnlTypes     = []string{"Expense", "OthExpense", "COGS", "Income", "OthIncome"}
	postingTypes = []string{"Bank", "AcctRec", "OthCurrAsset", "FixedAsset", "OthAsset", "AcctPay", "CredCard",
		"OthCurrLiab", "LongTermLiab", "Equity", "Income", "COGS", "Expense", "OthIncome", "OthExpense",
		"DeferRevenue", "DeferExpense", "UnbilledRec"}
)

// saleItemTypes are the item record types an invoice or credit memo line
// can use, most likely first.
var saleItemTypes = []string{"serviceSaleItem", "otherChargeSaleItem", "nonInventorySaleItem",
	"serviceResaleItem", "otherChargeResaleItem", "nonInventoryResaleItem"}

// target is one configured internal ID and what it must be.
type target struct {
	key, id string
	what    string   // a phrase for messages: "the Undeposited Funds account"
	records []string // record types it may be, tried in order
	acct    []string // for accounts: the allowed account types
	ccy     string   // for bank accounts: the payout currency
	symbol  string   // for currencies: the ISO code
}

// AccountKind is what the account under a config key must be: a phrase
// for messages and the NetSuite account types (acctType ids, SuiteQL
// account.accttype) it may have.
type AccountKind struct {
	What  string
	Types []string
}

// accountKinds is the one table of account keys: doctor checks every
// configured one, and reconcile checks those a plan uses before its first
// write. Keys with one entry per currency or category are in
// accountPrefixes.
var accountKinds = map[string]AccountKind{
	"accounts.undeposited_funds": {"the Undeposited Funds account", undepTypes},
	"accounts.stripe_fees":       {"an expense account for Stripe fees", expenseTypes},
	"accounts.fee_tax":           {"the account for tax on Stripe fees", feeTaxTypes},
	"accounts.application_fees":  {"an income account for application fees", incomeTypes},
	"accounts.dispute_fees":      {"an expense account for dispute fees", expenseTypes},
	"accounts.fx_difference":     {"an income or expense account for FX differences", pnlTypes},
	"accounts.rounding":          {"an income or expense account for rounding differences", pnlTypes},
	"accounts.sales":             {"an income account for gross charges (summary mode)", incomeTypes},
	"accounts.refunds":           {"an income or expense account for refunds and disputes (summary mode)", pnlTypes},
	"accounts.sales_tax":         {"a liability account for sales tax (summary mode)", []string{"OthCurrLiab", "LongTermLiab"}},
	"rules.orphan_account":       {"a posting account", postingTypes},
	"items.income_account":       {"an income account for the items nsrecon creates", incomeTypes},
	"items.discount_account":     {"an income or expense account for discounts", pnlTypes},
}

// accountPrefixes are the account keys with one entry per payout currency
// or reporting category.
var accountPrefixes = []struct {
	prefix string
	kind   func(suffix string) AccountKind
}{
	{"accounts.bank.", func(cur string) AccountKind {
		return AccountKind{"the bank account " + strings.ToUpper(cur) + " payouts land in", bankTypes}
	}},
	{"accounts.categories.", func(string) AccountKind { return AccountKind{"a posting account", postingTypes} }},
}

// AccountKindOf returns what the account under key must be; false for a
// key that names no account doctor knows the kind of.
func AccountKindOf(key string) (AccountKind, bool) {
	if k, ok := accountKinds[key]; ok {
		return k, true
	}
	for _, p := range accountPrefixes {
		if suffix, ok := strings.CutPrefix(key, p.prefix); ok {
			return p.kind(suffix), true
		}
	}
	return AccountKind{}, false
}

// targets lists every internal ID the config names, one row per key: the
// table every mapping check reads.
func targets(c *config.Config) []target {
	acct := func(key, id string) target {
		k, _ := AccountKindOf(key)
		return target{key: key, id: id, what: k.What, records: []string{"account"}, acct: k.Types}
	}
	a := c.Accounts
	out := []target{acct("accounts.undeposited_funds", a.UndepositedFunds)}
	for _, cur := range sortedKeys(a.Bank) {
		t := acct("accounts.bank."+cur, a.Bank[cur])
		t.ccy = cur
		out = append(out, t)
	}
	out = append(out,
		acct("accounts.stripe_fees", a.StripeFees),
		acct("accounts.fee_tax", a.FeeTax),
		acct("accounts.application_fees", a.ApplicationFees),
		acct("accounts.dispute_fees", a.DisputeFees),
		acct("accounts.fx_difference", a.FXDifference),
		acct("accounts.rounding", a.Rounding),
		acct("accounts.sales", a.Sales),
		acct("accounts.refunds", a.Refunds),
		acct("accounts.sales_tax", a.SalesTax),
		acct("rules.orphan_account", c.Rules.OrphanAccount),
		acct("items.income_account", c.Items.IncomeAccount),
		acct("items.discount_account", c.Items.DiscountAccount),
	)
	for _, cat := range sortedKeys(a.Categories) {
		out = append(out, acct("accounts.categories."+cat, a.Categories[cat]))
	}
	item := func(key, id string) target {
		return target{key: key, id: id, what: "an item usable on invoices and credit memos", records: saleItemTypes}
	}
	out = append(out, item("items.refund", c.Items.Refund), item("items.tax", c.Items.Tax),
		item("items.global", c.Items.Global), item("items.shipping", c.Items.Shipping),
		target{key: "items.tax_code", id: c.Items.TaxCode, what: "a tax code or tax group", records: []string{"salesTaxItem", "taxGroup"}},
		target{key: "items.tax_schedule", id: c.Items.TaxSchedule, what: "a tax schedule", records: []string{"taxSchedule"}},
		target{key: "customers.global_id", id: c.Customers.GlobalID, what: "a customer", records: []string{"customer"}},
		target{key: "classification.subsidiary", id: c.Classification.Subsidiary, what: "a subsidiary", records: []string{"subsidiary"}},
		target{key: "classification.department", id: c.Classification.Department, what: "a department", records: []string{"department"}},
		target{key: "classification.class", id: c.Classification.Class, what: "a class", records: []string{"classification"}},
		target{key: "classification.location", id: c.Classification.Location, what: "a location", records: []string{"location"}},
	)
	for _, cur := range sortedKeys(c.Currencies) {
		out = append(out, target{key: "currencies." + cur, id: c.Currencies[cur], what: "the currency " + strings.ToUpper(cur),
			records: []string{"currency"}, symbol: strings.ToUpper(cur)})
	}
	return slices.DeleteFunc(out, func(t target) bool { return t.id == "" })
}

// mapper checks targets against NetSuite.
type mapper struct {
	ns  NetSuite
	cfg *config.Config
}

// record is the part of an account, currency or other record doctor reads.
type record struct {
	AcctType *struct {
		ID string `json:"id"`
	} `json:"acctType"`
	AcctName string `json:"acctName"`
	Currency *struct {
		ID string `json:"id"`
	} `json:"currency"`
	Symbol string `json:"symbol"`
}

func (m *mapper) checks(ctx context.Context) []Check {
	var out []Check
	for _, t := range targets(m.cfg) {
		out = append(out, m.check(ctx, t))
	}
	return out
}

func (m *mapper) check(ctx context.Context, t target) Check {
	c := Check{Name: t.key + " is " + t.what, Key: t.key, Kind: KindConfig}
	fix := fmt.Sprintf("set %s to the internal ID of %s", t.key, t.what)
	var rec record
	typ, err := m.find(ctx, t, &rec)
	if err != nil {
		c.Detail, c.Fix = err.Error(), fix
		return c
	}
	if msg := m.kindProblem(ctx, t, rec); msg != "" {
		c.Detail, c.Fix = fmt.Sprintf("%s %s %s", typ, t.id, msg), fix
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("%s %s", typ, t.id)
	if rec.AcctType != nil {
		c.Detail += fmt.Sprintf(" (%s, %s)", rec.AcctName, rec.AcctType.ID)
	}
	return c
}

// find reads the record t names, trying its possible record types.
func (m *mapper) find(ctx context.Context, t target, rec *record) (string, error) {
	for _, typ := range t.records {
		err := m.ns.Get(ctx, typ, t.id, rec)
		switch {
		case err == nil:
			return typ, nil
		case errors.Is(err, netsuite.ErrNotFound):
			continue
		default:
			return "", fmt.Errorf("reading %s %s: %w", typ, t.id, err)
		}
	}
	return "", fmt.Errorf("no %s has internal ID %s", strings.Join(t.records, " or "), t.id)
}

// kindProblem says why a record that exists is the wrong kind ("" if not).
func (m *mapper) kindProblem(ctx context.Context, t target, rec record) string {
	if t.symbol != "" && !strings.EqualFold(rec.Symbol, t.symbol) {
		return fmt.Sprintf("is %s, not %s", rec.Symbol, t.symbol)
	}
	if t.acct == nil {
		return ""
	}
	if rec.AcctType == nil || !slices.Contains(t.acct, rec.AcctType.ID) {
		got := "no type"
		if rec.AcctType != nil {
			got = "a " + rec.AcctType.ID
		}
		return fmt.Sprintf("is %s account; %s must be %s", got, t.key, strings.Join(t.acct, " or "))
	}
	if t.ccy == "" || rec.Currency == nil {
		return ""
	}
	if want := m.cfg.Currencies[t.ccy]; want != "" {
		if rec.Currency.ID != want {
			return fmt.Sprintf("is in currency %s, but currencies.%s is %s", rec.Currency.ID, t.ccy, want)
		}
		return ""
	}
	var cur record
	if err := m.ns.Get(ctx, "currency", rec.Currency.ID, &cur); err == nil && !strings.EqualFold(cur.Symbol, t.ccy) {
		return fmt.Sprintf("is in %s, not %s", cur.Symbol, strings.ToUpper(t.ccy))
	}
	return ""
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

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
	"accounts.over_refund":       {"an income or expense account for the part of a refund or dispute beyond what is open", pnlTypes},
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

// saleItem is what an item key must be.
var saleItem = idKind{what: "an item usable on invoices and credit memos", records: saleItemTypes}

// idKind is what the NetSuite record under a config key must be.
type idKind struct {
	what    string
	records []string // record types it may be, tried in order
	acct    []string // for accounts: the allowed account types
}

// otherIDKinds are the keys holding a NetSuite internal ID that are not
// accounts (those are accountKinds and accountPrefixes).
var otherIDKinds = map[string]idKind{
	"items.refund":              saleItem,
	"items.tax":                 saleItem,
	"items.global":              saleItem,
	"items.shipping":            saleItem,
	"items.customer_balance":    saleItem,
	"items.tax_code":            {what: "a tax code or tax group", records: []string{"salesTaxItem", "taxGroup"}},
	"items.tax_schedule":        {what: "a tax schedule", records: []string{"taxSchedule"}},
	"customers.global_id":       {what: "a customer", records: []string{"customer"}},
	"classification.subsidiary": {what: "a subsidiary", records: []string{"subsidiary"}},
	"classification.department": {what: "a department", records: []string{"department"}},
	"classification.class":      {what: "a class", records: []string{"classification"}},
	"classification.location":   {what: "a location", records: []string{"location"}},
}

// currencyPrefix is the map of currency → NetSuite currency internal ID.
const currencyPrefix = "currencies."

// kindOf is what the record under key must be; false for a key that holds
// no NetSuite internal ID.
func kindOf(key string) (idKind, bool) {
	if k, ok := AccountKindOf(key); ok {
		return idKind{what: k.What, records: []string{"account"}, acct: k.Types}, true
	}
	if cur, ok := strings.CutPrefix(key, currencyPrefix); ok {
		return idKind{what: "the currency " + strings.ToUpper(cur), records: []string{"currency"}}, true
	}
	k, ok := otherIDKinds[key]
	return k, ok
}

// targets lists every internal ID the config names, in the order of
// config.Keys (map keys by entry): every key kindOf knows, so a key joins
// doctor's checks by having a kind, with no list of fields to forget.
func targets(c *config.Config) []target {
	vals := map[string]string{}
	flatten(c.Redacted(), "", vals)
	var out []target
	for _, k := range config.Keys() {
		names := []string{k.Name}
		if k.Map {
			names = names[:0]
			for _, name := range sortedKeys(vals) {
				if strings.HasPrefix(name, k.Name+".") {
					names = append(names, name)
				}
			}
		}
		for _, name := range names {
			kind, ok := kindOf(name)
			if !ok || vals[name] == "" || k.Secret {
				continue
			}
			t := target{key: name, id: vals[name], what: kind.what, records: kind.records, acct: kind.acct}
			if cur, ok := strings.CutPrefix(name, "accounts.bank."); ok {
				t.ccy = cur
			}
			if cur, ok := strings.CutPrefix(name, currencyPrefix); ok {
				t.symbol = strings.ToUpper(cur)
			}
			out = append(out, t)
		}
	}
	return out
}

// flatten puts the string values of the config, shaped like the YAML file
// (config.Redacted), into out by dotted key.
func flatten(v any, prefix string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			flatten(child, prefix+k+".", out)
		}
	case map[string]string:
		for k, s := range x {
			out[prefix+k] = s
		}
	case string:
		out[strings.TrimSuffix(prefix, ".")] = x
	}
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
			got = Article(rec.AcctType.ID) + " " + rec.AcctType.ID
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

// Article is "an" before a vowel, else "a": "an Expense", "a Bank".
func Article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package reconcile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/doctor"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// configTables are the tables of internal IDs only the config names: one
// lookup each per run answers every payout (knownSet.verified, absent).
var configTables = []string{netsuite.TableAccount, netsuite.TableCurrency, netsuite.TableSubsidiary,
	netsuite.TableDepartment, netsuite.TableClassification, netsuite.TableLocation}

// configRefs adds the internal IDs body takes from the config to n: the
// accounts of its lines, its currency and classification, and the tax
// codes of its item lines (tax codes are items in SuiteQL). Customers,
// items and documents are planNeeds' job.
func (n *needs) configRefs(body netsuite.Body, who string) {
	add := func(table string, refs ...*netsuite.Ref) {
		for _, r := range refs {
			if r != nil && r.ID != "" {
				n.add(table, r.ID, who, n.ids)
			}
		}
	}
	classified := func(c *netsuite.Classification, currency *netsuite.Ref) {
		add(netsuite.TableSubsidiary, c.Subsidiary)
		add(netsuite.TableDepartment, c.Department)
		add(netsuite.TableClassification, c.Class)
		add(netsuite.TableLocation, c.Location)
		add(netsuite.TableCurrency, currency)
	}
	subsidiaries := func(l *netsuite.RefList) {
		if l != nil {
			for i := range l.Items {
				add(netsuite.TableSubsidiary, &l.Items[i])
			}
		}
	}
	taxCodes := func(l netsuite.ItemList) {
		for i := range l.Items {
			add(netsuite.TableItem, l.Items[i].TaxCode)
		}
	}
	switch b := body.(type) {
	case *netsuite.Customer:
		classified(&b.Classification, b.Currency)
		if b.CurrencyList != nil {
			for i := range b.CurrencyList.Items {
				add(netsuite.TableCurrency, &b.CurrencyList.Items[i].Currency)
			}
		}
	case *netsuite.ServiceSaleItem:
		add(netsuite.TableAccount, b.IncomeAccount)
		subsidiaries(b.Subsidiary)
	case *netsuite.DiscountItem:
		add(netsuite.TableAccount, b.Account)
		subsidiaries(b.Subsidiary)
	case *netsuite.Invoice:
		classified(&b.Classification, b.Currency)
		taxCodes(b.Item)
	case *netsuite.CreditMemo:
		classified(&b.Classification, b.Currency)
		taxCodes(b.Item)
	case *netsuite.CustomerPayment:
		classified(&b.Classification, b.Currency)
	case *netsuite.CustomerRefund:
		classified(&b.Classification, b.Currency)
		add(netsuite.TableAccount, b.Account)
	case *netsuite.Deposit:
		classified(&b.Classification, b.Currency)
		add(netsuite.TableAccount, &b.Account)
		for i := range b.Other.Items {
			add(netsuite.TableAccount, &b.Other.Items[i].Account)
		}
		for i := range b.CashBack.Items {
			add(netsuite.TableAccount, &b.CashBack.Items[i].Account)
		}
	case *netsuite.JournalEntry:
		classified(&b.Classification, b.Currency)
		for i := range b.Line.Items {
			add(netsuite.TableAccount, &b.Line.Items[i].Account)
		}
	}
}

// configKeys maps "table:ID" to the config keys that name the ID, so a
// problem can say which key to correct.
func configKeys(s plan.Settings) map[string][]string {
	out := map[string][]string{}
	add := func(table, key, id string) {
		if id != "" {
			out[table+":"+id] = append(out[table+":"+id], key)
		}
	}
	for _, m := range s.Mappings() {
		add(keyTable(string(m.Key)), string(m.Key), m.ID)
	}
	add(netsuite.TableSubsidiary, "classification.subsidiary", s.Subsidiary)
	add(netsuite.TableDepartment, "classification.department", s.Department)
	add(netsuite.TableClassification, "classification.class", s.Class)
	add(netsuite.TableLocation, "classification.location", s.Location)
	add(netsuite.TableItem, "items.global", s.GlobalItem)
	add(netsuite.TableItem, "items.tax_code", s.TaxCode)
	return out
}

// keyTable is the SuiteQL table of the record a mapping key names.
func keyTable(key string) string {
	switch {
	case strings.HasPrefix(key, "currencies."):
		return netsuite.TableCurrency
	case key == string(plan.KeyGlobalCustomer):
		return netsuite.TableCustomer
	case strings.HasPrefix(key, "items.") && !strings.HasSuffix(key, "_account"):
		return netsuite.TableItem
	}
	return netsuite.TableAccount
}

// configProblem is the problem of a config ID NetSuite does not have, or
// has as the wrong kind of record ("" kind: found, kind not checked).
// ok is false when keys holds no key for it: the ID is not the config's.
func configProblem(table, id, who string, keys []string, found bool, kind string) (outcome.Problem, bool) {
	if len(keys) == 0 {
		return outcome.Problem{}, false
	}
	what := strings.TrimSuffix(table, "s")
	if !found {
		return outcome.Problem{Code: outcome.CodeNotInNetSuite, Object: id,
			Message: fmt.Sprintf("%s uses %s %s (%s), which does not exist in NetSuite; nothing of this payout was written",
				who, what, id, strings.Join(keys, ", ")),
			Fix: fmt.Sprintf("set %s to the internal ID of %s in NetSuite (nsrecon doctor checks every mapping), then run again",
				keys[0], expected(keys[0], what))}, true
	}
	for _, key := range keys {
		if msg := wrongKind(table, key, kind); msg != "" {
			return outcome.Problem{Code: outcome.CodeWrongKind, Object: id,
				Message: fmt.Sprintf("%s uses %s %s (%s), which %s; nothing of this payout was written", who, what, id, key, msg),
				Fix: fmt.Sprintf("set %s to the internal ID of %s in NetSuite (nsrecon doctor checks every mapping), then run again",
					key, expected(key, what))}, true
		}
	}
	return outcome.Problem{}, false
}

// wrongKind says why a record found under key is the wrong kind ("" if it
// is not, or nothing says what it must be).
func wrongKind(table, key, kind string) string {
	switch table {
	case netsuite.TableAccount:
		k, ok := doctor.AccountKindOf(key)
		if ok && kind != "" && !slices.Contains(k.Types, kind) {
			return fmt.Sprintf("is %s %s account in NetSuite, not %s", doctor.Article(kind), kind, strings.Join(k.Types, " or "))
		}
	case netsuite.TableCurrency:
		code := strings.ToUpper(strings.TrimPrefix(key, "currencies."))
		if kind != "" && !strings.EqualFold(kind, code) {
			return fmt.Sprintf("is the currency %s in NetSuite, not %s", kind, code)
		}
	}
	return ""
}

// expected is what the record under key must be, for a fix.
func expected(key, what string) string {
	if k, ok := doctor.AccountKindOf(key); ok {
		return k.What
	}
	return "the " + what
}

package netsuite

import (
	"fmt"
	"math/big"
	"strings"
)

// Select is a value of a NetSuite select field ({"id": "T"}): the REST
// schema types such fields as objects, not as the strings or booleans of
// SOAP and SuiteScript.
type Select struct {
	ID string `json:"id"`
}

// UndepositedFunds is customerPayment.undepFunds set: the payment posts to
// Undeposited Funds until a deposit gathers it.
func UndepositedFunds() *Select { return &Select{ID: "T"} }

// Rate is an exchange rate as Stripe reports it, an exact decimal string.
// It marshals as a JSON number, as NetSuite's schema types exchangeRate.
type Rate string

func (r Rate) MarshalJSON() ([]byte, error) {
	s := string(r)
	if _, ok := new(big.Rat).SetString(s); !ok || strings.ContainsAny(s, "/eE") || strings.HasPrefix(s, "+") {
		return nil, fmt.Errorf("netsuite: exchange rate %q is not a decimal number", s)
	}
	return []byte(s), nil
}

// CurrencyList is a customer's currencyList sublist, keyed by currency.
type CurrencyList struct {
	Items []CustomerCurrency `json:"items"`
}

// CustomerCurrency is one line of a customer's currency list.
type CustomerCurrency struct {
	Currency Ref `json:"currency"`
}

// Has reports whether the list holds the currency with internal ID id.
func (l *CurrencyList) Has(id string) bool {
	if l == nil {
		return false
	}
	for _, c := range l.Items {
		if c.Currency.ID == id {
			return true
		}
	}
	return false
}

// Party is implemented by transactions with a customer: the customer they
// are for and the currency they are in (nil: the customer's own).
type Party interface {
	Party() (customer *Ref, currency *Ref)
}

func (v *Invoice) Party() (*Ref, *Ref)         { return &v.Entity, v.Currency }
func (p *CustomerPayment) Party() (*Ref, *Ref) { return &p.Customer, p.Currency }
func (m *CreditMemo) Party() (*Ref, *Ref)      { return &m.Entity, m.Currency }
func (r *CustomerRefund) Party() (*Ref, *Ref)  { return &r.Customer, r.Currency }

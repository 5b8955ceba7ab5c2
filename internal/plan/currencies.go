package plan

import (
	"slices"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// CurrencyNeed is a currency an existing NetSuite customer (made by an
// earlier payout, matched by email, linked by metadata, or the global
// customer) must have before this plan's transactions in it can be saved:
// NetSuite refuses a transaction in a currency that is neither the
// customer's primary currency nor on its currency list. The pusher adds it
// to the customer before writing anything, or holds the payout.
type CurrencyNeed struct {
	Customer   netsuite.Ref `json:"customer"`
	Currency   string       `json:"currency"`    // ISO code, lower-case
	CurrencyID string       `json:"currency_id"` // NetSuite internal ID
}

// noteCurrency records what a transaction's currency asks of its customer:
// a customer this plan makes gets it as its primary currency (the first)
// or on its currency list; an existing one needs it (Plan.CurrencyNeeds).
// Transactions without a currency take the customer's own.
func (b *builder) noteCurrency(body netsuite.Body) {
	p, ok := body.(netsuite.Party)
	if !ok {
		return
	}
	cust, cur := p.Party()
	if cur == nil || cur.ID == "" || cust == nil || (cust.ID == "" && cust.ExternalID == "") {
		return
	}
	if c := b.plannedCustomer(cust.ExternalID); c != nil {
		if c.Currency == nil {
			c.Currency = &netsuite.Ref{ID: cur.ID}
		}
		if c.CurrencyList == nil {
			c.CurrencyList = &netsuite.CurrencyList{}
		}
		if !c.CurrencyList.Has(cur.ID) {
			c.CurrencyList.Items = append(c.CurrencyList.Items, netsuite.CustomerCurrency{Currency: netsuite.Ref{ID: cur.ID}})
		}
		return
	}
	need := CurrencyNeed{Customer: *cust, CurrencyID: cur.ID}
	if b.needs == nil {
		b.needs = map[CurrencyNeed]bool{}
	}
	if !b.needs[need] {
		b.needs[need] = true
		need.Currency = b.currencyCode(cur.ID)
		b.plan.CurrencyNeeds = append(b.plan.CurrencyNeeds, need)
	}
}

// plannedCustomer is the body of the customer this plan makes under extID.
func (b *builder) plannedCustomer(extID string) *netsuite.Customer {
	if extID == "" {
		return nil
	}
	i, ok := b.index[extID]
	if !ok {
		return nil
	}
	c, _ := b.plan.Records[i].Body.(*netsuite.Customer)
	return c
}

// currencyCode is the ISO code mapped to a NetSuite currency ID.
func (b *builder) currencyCode(id string) string {
	codes := make([]string, 0, len(b.s.Currencies))
	for code, cid := range b.s.Currencies {
		if cid == id {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	if len(codes) == 0 {
		return ""
	}
	return codes[0]
}

package netsuite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// FindCustomerByEmail returns the internal ID of the NetSuite customer with
// this email (case-insensitive), lowest ID first when several match; found
// is false when none does. The address is escaped as a SuiteQL literal, so
// o'brien@example.com is safe.
func (c *Client) FindCustomerByEmail(ctx context.Context, email string) (id string, found bool, err error) {
	q := "SELECT id FROM customer WHERE LOWER(email) = " + Quote(strings.ToLower(strings.TrimSpace(email))) + " ORDER BY id"
	err = c.SuiteQL(ctx, q, func(row json.RawMessage) error {
		if found {
			return nil
		}
		var r struct {
			ID json.Number `json:"id"`
		}
		if err := json.Unmarshal(row, &r); err != nil {
			return err
		}
		id, found = r.ID.String(), r.ID != ""
		return nil
	})
	return id, found, err
}

// EnsureCustomerCurrencies makes sure the existing customer ref (an
// internal ID, or an external ID nsrecon gave it) may transact in every
// currency of currencyIDs: it reads the customer's primary currency and
// currency list, and adds the missing ones to the list with one PATCH
// (currencyList is keyed by currency, so the lines it has stay). It
// returns the currency IDs it added. NetSuite refuses the PATCH where the
// account cannot (Multiple Currencies per customer off): that error is
// returned as is.
func (c *Client) EnsureCustomerCurrencies(ctx context.Context, ref Ref, currencyIDs []string) ([]string, error) {
	id := ref.ID
	if id == "" {
		if ref.ExternalID == "" {
			return nil, errors.New("netsuite: customer reference without an ID")
		}
		id = "eid:" + ref.ExternalID
	}
	var cust struct {
		Currency     *Ref `json:"currency"`
		CurrencyList *struct {
			Items []CustomerCurrency `json:"items"`
		} `json:"currencyList"`
	}
	r := &request{method: http.MethodGet, path: recordPath(TypeCustomer, id),
		query: url.Values{"expandSubResources": {"true"}}, replaySafe: true}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(resp.body, &cust); err != nil {
		return nil, fmt.Errorf("netsuite: decoding customer %s: %w", id, err)
	}
	has := map[string]bool{}
	if cust.Currency != nil {
		has[cust.Currency.ID] = true
	}
	if cust.CurrencyList != nil {
		for _, l := range cust.CurrencyList.Items {
			has[l.Currency.ID] = true
		}
	}
	var add CurrencyList
	var added []string
	for _, cid := range currencyIDs {
		if !has[cid] {
			has[cid] = true
			add.Items = append(add.Items, CustomerCurrency{Currency: Ref{ID: cid}})
			added = append(added, cid)
		}
	}
	if len(added) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(map[string]any{"currencyList": add})
	if err != nil {
		return nil, err
	}
	// Adding keyed lines again changes nothing: safe to retry.
	if _, err := c.do(ctx, &request{method: http.MethodPatch, path: recordPath(TypeCustomer, id), body: b, replaySafe: true}); err != nil {
		return nil, err
	}
	return added, nil
}

package netsuite

import (
	"context"
	"encoding/json"
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

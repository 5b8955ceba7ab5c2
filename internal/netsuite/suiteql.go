package netsuite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Quote renders s as a SuiteQL string literal: wrapped in single quotes with
// embedded quotes doubled, so Quote("o'brien@example.com") is
// 'o”brien@example.com'. NUL bytes, which no legitimate value holds, are
// dropped rather than passed to the parser.
func Quote(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// SuiteQL runs query and calls each for every row, in order, across all
// pages (limit 1000, offset paging, as NetSuite requires). Each page is a
// separate request and may be retried on its own. If each returns an error,
// SuiteQL stops and returns it.
func (c *Client) SuiteQL(ctx context.Context, query string, each func(row json.RawMessage) error) error {
	body, err := json.Marshal(map[string]string{"q": query})
	if err != nil {
		return err
	}
	for offset := 0; ; {
		r := &request{
			method:     http.MethodPost,
			path:       suiteQLPath,
			query:      url.Values{"limit": {strconv.Itoa(suiteQLLimit)}, "offset": {strconv.Itoa(offset)}},
			body:       body,
			header:     map[string]string{"Prefer": "transient"},
			replaySafe: true, // a query changes nothing
		}
		resp, err := c.do(ctx, r)
		if err != nil {
			return err
		}
		var page struct {
			Items   []json.RawMessage `json:"items"`
			HasMore bool              `json:"hasMore"`
			Count   int               `json:"count"`
		}
		if err := json.Unmarshal(resp.body, &page); err != nil {
			return fmt.Errorf("netsuite: decoding SuiteQL page at offset %d: %w", offset, err)
		}
		for _, row := range page.Items {
			if err := each(row); err != nil {
				return err
			}
		}
		if !page.HasMore {
			return nil
		}
		if len(page.Items) == 0 {
			return fmt.Errorf("netsuite: SuiteQL page at offset %d says hasMore but is empty", offset)
		}
		offset += len(page.Items)
	}
}

package netsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

func recordPath(recordType string, id ...string) string {
	p := recordPrefix + url.PathEscape(recordType)
	for _, s := range id {
		p += "/" + escapeID(s)
	}
	return p
}

// escapeID escapes an internal ID or "eid:<externalId>" for the path, keeping
// the "eid:" prefix readable.
func escapeID(id string) string {
	if rest, ok := strings.CutPrefix(id, "eid:"); ok {
		return "eid:" + url.PathEscape(rest)
	}
	return url.PathEscape(id)
}

// idFromLocation takes the internal ID from a Location header such as
// https://…/record/v1/customer/647.
func idFromLocation(loc string) string {
	if loc == "" {
		return ""
	}
	if u, err := url.Parse(loc); err == nil {
		loc = u.Path
	}
	loc = strings.TrimRight(loc, "/")
	id := loc[strings.LastIndexByte(loc, '/')+1:]
	if id == "" || strings.HasPrefix(id, "eid:") || strings.HasPrefix(id, "!") {
		return ""
	}
	return id
}

func marshalBody(body any) ([]byte, error) {
	if body == nil {
		return []byte("{}"), nil
	}
	if b, ok := body.(json.RawMessage); ok {
		return b, nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("netsuite: encoding body: %w", err)
	}
	return b, nil
}

// Upsert creates or replaces the record with the given external ID (PUT
// …/<type>/eid:<externalID>) and returns its internal ID. The external ID
// travels in the URL, so a top-level externalId in body is left out of the
// JSON, as in Oracle's upsert example. When NetSuite answers without a
// Location, Upsert asks for the record by external ID.
func (c *Client) Upsert(ctx context.Context, recordType, externalID string, body any) (string, error) {
	if externalID == "" {
		return "", errors.New("netsuite: upsert needs an external ID")
	}
	b, err := marshalBody(body)
	if err != nil {
		return "", err
	}
	if b, err = withoutExternalID(b, externalID); err != nil {
		return "", err
	}
	if b, err = withDefaults(b, c.defaults[recordType]); err != nil {
		return "", err
	}
	r := &request{method: http.MethodPut, path: recordPath(recordType, "eid:"+externalID), body: b, replaySafe: true}
	if rs := replaceSublists(recordType); rs != "" {
		// An upsert of an existing record is an update, and NetSuite adds
		// the lines of unkeyed sublists to those already there: a retry
		// after a lost response would double an invoice or a deposit.
		r.query = url.Values{"replace": {rs}}
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return "", err
	}
	if id := idFromLocation(resp.header.Get("Location")); id != "" {
		return id, nil
	}
	return c.FindByExternalID(ctx, recordType, externalID)
}

// replaceSublists names, per record type, the sublists an upsert replaces
// rather than adds to (RecordType.Replace).
func replaceSublists(recordType string) string {
	t, _ := LookupRecordType(recordType)
	return strings.Join(t.Replace, ",")
}

// withoutExternalID drops a top-level "externalId" that matches the URL's
// (and refuses one that contradicts it). Values are kept byte for byte, so
// amounts stay exact.
func withoutExternalID(b []byte, externalID string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("netsuite: upsert body must be a JSON object: %w", err)
	}
	raw, ok := m["externalId"]
	if !ok {
		return b, nil
	}
	var got string
	if err := json.Unmarshal(raw, &got); err != nil || (got != "" && got != externalID) {
		return nil, fmt.Errorf("netsuite: upsert body externalId %s does not match %q", raw, externalID)
	}
	delete(m, "externalId")
	return json.Marshal(m)
}

// withDefaults sets each configured default field in the top level of the
// body b (replacing nsrecon's value); other values are kept byte for byte.
func withDefaults(b []byte, defaults map[string]any) ([]byte, error) {
	if len(defaults) == 0 {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("netsuite: body must be a JSON object: %w", err)
	}
	for k, v := range defaults {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("netsuite: default %s: %w", k, err)
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// Get reads a record into out (a struct, or a map for everything). id may
// be an internal ID or "eid:<externalId>". A missing record is ErrNotFound.
func (c *Client) Get(ctx context.Context, recordType, id string, out any) error {
	resp, err := c.do(ctx, &request{method: http.MethodGet, path: recordPath(recordType, id), replaySafe: true})
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(resp.body))
	dec.UseNumber() // amounts stay exact in map[string]any
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("netsuite: decoding %s %s: %w", recordType, id, err)
	}
	return nil
}

// FindByExternalID returns the internal ID of the record of recordType with
// the given external ID, or an error matching ErrNotFound.
func (c *Client) FindByExternalID(ctx context.Context, recordType, externalID string) (string, error) {
	if externalID == "" {
		return "", errors.New("netsuite: empty external ID")
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := c.Get(ctx, recordType, "eid:"+externalID, &v); err != nil {
		return "", err
	}
	if v.ID == "" {
		return "", fmt.Errorf("netsuite: %s eid:%s came back without an id", recordType, externalID)
	}
	return v.ID, nil
}

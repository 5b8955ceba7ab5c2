package netsuite

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ProbeExternalID is the external ID of the empty upsert CanWrite sends.
const ProbeExternalID = "nsrecon-doctor-probe"

// CanRead lists one record of recordType (GET …/<type>?limit=1): nil when
// the login works and the role may view the type.
func (c *Client) CanRead(ctx context.Context, recordType string) error {
	_, err := c.do(ctx, &request{method: http.MethodGet, path: recordPath(recordType),
		query: url.Values{"limit": {"1"}}, replaySafe: true})
	return err
}

// CanWrite sends an empty upsert of recordType, which NetSuite refuses
// before saving anything: a 400 for the record's required fields means the
// role may create and edit the type; a 403 that it may not. Nothing is
// written either way (every type nsrecon writes requires a field).
func (c *Client) CanWrite(ctx context.Context, recordType string) error {
	_, err := c.do(ctx, &request{method: http.MethodPut, path: recordPath(recordType, "eid:"+ProbeExternalID),
		body: []byte("{}"), replaySafe: true})
	var ne *Error
	switch {
	case err == nil:
		return fmt.Errorf("netsuite: an empty %s was saved (external ID %s): delete it", recordType, ProbeExternalID)
	case errors.As(err, &ne) && ne.Status == http.StatusBadRequest:
		return nil
	}
	return err
}

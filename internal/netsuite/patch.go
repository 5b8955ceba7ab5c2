package netsuite

import (
	"context"
	"net/http"
)

// Patch updates fields of an existing record by internal ID (PATCH
// …/<type>/<id>): only the fields in body change, the rest of the record
// is left as it is. Sending the same fields again changes nothing, so a
// retry is safe.
func (c *Client) Patch(ctx context.Context, recordType, id string, body any) error {
	b, err := marshalBody(body)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &request{method: http.MethodPatch, path: recordPath(recordType, id), body: b, replaySafe: true})
	return err
}

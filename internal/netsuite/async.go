package netsuite

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// NetSuite's REST batch operations (Oracle's help, "Batch Operations" and
// "REST Web Services Request Processing"): a PUT of up to 100 records of
// one type to the type's collection, with Prefer: respond-async and the
// collection content type, is an asynchronous batch upsert (each item
// carries its external ID). NetSuite answers 202 with the job in Location
// and processes the records on its REST async processors (one per
// SuiteCloud Plus license). The job (GET …/async/v1/job/<id>) says when it
// is completed; it has one task per item, in item order, and each task's
// result (…/task/<n>/result) links the record or holds NetSuite's error.
// An X-NetSuite-Idempotency-Key makes the submission safe to repeat: a
// second one with the same key is refused with IDEMPOTENCY_ERROR and the
// earlier job's Location.

// MaxBatch is the most records one batch request may hold.
const MaxBatch = 100

const (
	asyncPrefix       = "/services/rest/async/v1/job/"
	collectionType    = "application/vnd.oracle.resource+json; type=collection"
	idempotencyHeader = "X-NetSuite-Idempotency-Key"
)

// BatchItem is one record of a batch: its external ID and body.
type BatchItem struct {
	ExternalID string
	Body       any
}

// BatchResult is what became of one record of a batch: its internal ID,
// or NetSuite's refusal (an *Error, like a synchronous request's).
type BatchResult struct {
	ExternalID string
	ID         string
	Err        error
}

// NewIdempotencyKey returns a random UUID (RFC 4122 version 4), the form
// NetSuite's examples use for X-NetSuite-Idempotency-Key.
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// SubmitBatch sends items (at most MaxBatch, all of recordType) as one
// asynchronous batch upsert under the idempotency key and returns the
// job's path (…/async/v1/job/<id>). Sending it again with the same key is
// safe: NetSuite refuses the copy with the first job's Location, which
// SubmitBatch returns, so retries after a lost response follow one job.
func (c *Client) SubmitBatch(ctx context.Context, recordType, key string, items []BatchItem) (string, error) {
	if len(items) == 0 || len(items) > MaxBatch {
		return "", fmt.Errorf("netsuite: a batch holds 1 to %d records, not %d", MaxBatch, len(items))
	}
	if key == "" {
		return "", errors.New("netsuite: a batch needs an idempotency key")
	}
	body, err := batchBody(items, c.defaults[recordType])
	if err != nil {
		return "", err
	}
	r := &request{method: http.MethodPut, path: recordPath(recordType), body: body, replaySafe: true,
		header: map[string]string{"Prefer": "respond-async", "Content-Type": collectionType, idempotencyHeader: key}}
	if rs := replaceSublists(recordType); rs != "" {
		r.query = url.Values{"replace": {rs}} // as for a single upsert (Upsert)
	}
	resp, err := c.do(ctx, r)
	var ne *Error
	if errors.As(err, &ne) && ne.Code == "IDEMPOTENCY_ERROR" && ne.Location != "" {
		return jobPath(ne.Location)
	}
	if err != nil {
		return "", err
	}
	return jobPath(resp.header.Get("Location"))
}

// batchBody is {"items":[…]}, each item its body with the configured
// field defaults (as for Upsert) and its external ID.
func batchBody(items []BatchItem, defaults map[string]any) ([]byte, error) {
	raw := make([]json.RawMessage, len(items))
	for i, it := range items {
		b, err := marshalBody(it.Body)
		if err != nil {
			return nil, err
		}
		if b, err = withDefaults(b, defaults); err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("netsuite: batch item %s must be a JSON object: %w", it.ExternalID, err)
		}
		if it.ExternalID == "" {
			return nil, errors.New("netsuite: a batch upsert needs an external ID on every item")
		}
		eid, _ := json.Marshal(it.ExternalID)
		if got, ok := m["externalId"]; ok && !bytes.Equal(got, eid) && string(got) != `""` {
			return nil, fmt.Errorf("netsuite: batch item externalId %s does not match %q", got, it.ExternalID)
		}
		m["externalId"] = eid
		if raw[i], err = json.Marshal(m); err != nil {
			return nil, err
		}
	}
	return json.Marshal(map[string][]json.RawMessage{"items": raw})
}

// jobPath takes the path of an async job from a Location header (a path
// or a full URL).
func jobPath(loc string) (string, error) {
	loc = apiPath(loc)
	if !strings.HasPrefix(loc, asyncPrefix) || len(loc) == len(asyncPrefix) {
		return "", fmt.Errorf("netsuite: batch accepted without a job Location (got %q)", loc)
	}
	return strings.TrimRight(loc, "/"), nil
}

// asyncJob is the job document, and a task's.
type asyncJob struct {
	ID        string `json:"id"`
	Completed bool   `json:"completed"`
	Progress  string `json:"progress"`
}

// FollowBatch waits for the job at job (SubmitBatch's path) to complete,
// polling every poll at first and less often as it takes longer, and
// returns one result per external ID, in the order the batch sent them.
// When every task succeeded, the records are found by external ID in one
// SuiteQL query per LookupBatch; otherwise each task's result is read.
func (c *Client) FollowBatch(ctx context.Context, job, recordType string, externalIDs []string, poll time.Duration) ([]BatchResult, error) {
	j, err := c.waitJob(ctx, job, poll)
	if err != nil {
		return nil, err
	}
	if j.Progress == "succeeded" {
		if res, ok, err := c.batchByExternalID(ctx, recordType, externalIDs); err != nil || ok {
			return res, err
		}
	}
	return c.batchByTask(ctx, job, externalIDs)
}

func (c *Client) waitJob(ctx context.Context, job string, poll time.Duration) (asyncJob, error) {
	poll = max(poll, time.Millisecond)
	wait := poll
	for {
		var j asyncJob
		if err := c.getJSON(ctx, job, &j); err != nil {
			return j, err
		}
		if j.Completed {
			return j, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return j, ctx.Err()
		case <-t.C:
		}
		wait = min(wait*3/2, 8*poll)
	}
}

// batchByExternalID finds every record of a succeeded job by external ID;
// ok is false if one is missing.
func (c *Client) batchByExternalID(ctx context.Context, recordType string, externalIDs []string) ([]BatchResult, bool, error) {
	rt, known := LookupRecordType(recordType)
	if !known || rt.Table == "" {
		return nil, false, nil
	}
	found, err := c.LookUp(ctx, rt.Table, nil, externalIDs)
	if err != nil {
		return nil, false, err
	}
	ids := make(map[string]string, len(found))
	for _, f := range found {
		ids[f.ExternalID] = f.ID
	}
	out := make([]BatchResult, len(externalIDs))
	for i, e := range externalIDs {
		if ids[e] == "" {
			return nil, false, nil
		}
		out[i] = BatchResult{ExternalID: e, ID: ids[e]}
	}
	return out, true, nil
}

// batchByTask reads the job's tasks (one per item, in item order) and each
// task's result.
func (c *Client) batchByTask(ctx context.Context, job string, externalIDs []string) ([]BatchResult, error) {
	var list struct {
		Items []struct {
			Links []link `json:"links"`
		} `json:"items"`
	}
	if err := c.getJSON(ctx, job+"/task", &list); err != nil {
		return nil, err
	}
	if len(list.Items) != len(externalIDs) {
		return nil, fmt.Errorf("netsuite: job %s has %d tasks for %d records", job, len(list.Items), len(externalIDs))
	}
	out := make([]BatchResult, len(externalIDs))
	for i, e := range externalIDs {
		out[i] = BatchResult{ExternalID: e}
		task := selfLink(list.Items[i].Links)
		if task == "" {
			return nil, fmt.Errorf("netsuite: job %s: task %d has no link", job, i+1)
		}
		id, err := c.taskResult(ctx, task)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i].ID, out[i].Err = id, err
	}
	return out, nil
}

// taskResult reads one task's result: the record's link, or NetSuite's
// error document for the record (as the result body, or as the answer).
func (c *Client) taskResult(ctx context.Context, task string) (string, error) {
	var res struct {
		Links []link `json:"links"`
		wireError
	}
	path := task + "/result"
	if err := c.getJSON(ctx, path, &res); err != nil {
		return "", err
	}
	if res.Status >= 400 || len(res.Details) > 0 {
		e := &Error{Status: res.Status, Title: res.Title, Method: http.MethodGet, URLPath: path}
		if len(res.Details) > 0 {
			e.Code, e.Detail, e.Path = res.Details[0].Code, res.Details[0].Detail, res.Details[0].Path
		}
		return "", e
	}
	if id := idFromLocation(selfLink(res.Links)); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("netsuite: %s names no record", path)
}

type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// selfLink is the API path of the "self" link.
func selfLink(links []link) string {
	for _, l := range links {
		if l.Rel == "self" {
			return apiPath(l.Href)
		}
	}
	return ""
}

// apiPath is the path of a link from /services/ on: the client's base URL
// goes in front of it.
func apiPath(href string) string {
	if u, err := url.Parse(href); err == nil {
		href = u.Path
	}
	if i := strings.Index(href, "/services/"); i > 0 {
		href = href[i:]
	}
	return href
}

// getJSON GETs path (from the host on) into out.
func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	resp, err := c.do(ctx, &request{method: http.MethodGet, path: path, replaySafe: true})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("netsuite: decoding %s: %w", path, err)
	}
	return nil
}

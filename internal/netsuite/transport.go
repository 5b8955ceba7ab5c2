package netsuite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// NetSuite's request validation switches (REST web services), set to Error
// on every record write.
const (
	HeaderNameValidation  = "X-NetSuite-PropertyNameValidation"
	HeaderValueValidation = "X-NetSuite-PropertyValueValidation"
)

// request is one logical API call; do may send it several times.
type request struct {
	method string
	path   string // escaped, from the host on
	query  url.Values
	body   []byte
	header map[string]string

	// replaySafe says a retry cannot duplicate anything even if an earlier
	// attempt reached NetSuite and committed: reads, queries and upserts
	// (keyed by external ID).
	replaySafe bool
	// bearer is the M2M access token of the latest attempt.
	bearer string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends r until it succeeds, fails permanently, runs out of attempts or
// ctx ends. Every attempt is signed afresh (new nonce and timestamp) and
// holds a concurrency slot only while on the wire, never while backing off.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	refreshedToken := false
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, r, attempt)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ne *Error
		isNE := errors.As(err, &ne)
		// An M2M token can be revoked or expire early; fetch one new token
		// before treating a 401 as final.
		if c.m2m != nil && isNE && ne.Status == http.StatusUnauthorized && !refreshedToken {
			refreshedToken = true
			c.m2m.invalidate(r.bearer)
			c.countRetry()
			continue
		}
		if !IsRetryable(err) || attempt >= c.maxAttempts {
			return nil, err
		}
		if maybeCommitted := !isNE || ne.Status >= 500; maybeCommitted && !r.replaySafe {
			// A second write could be applied twice.
			return nil, err
		}
		wait := c.backoff(attempt)
		if isNE && ne.RetryAfter > wait {
			wait = ne.RetryAfter
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "netsuite retry",
			slog.String("method", r.method), slog.String("path", r.path),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (while retrying after: %v)", ctx.Err(), err)
		case <-t.C:
		}
		c.countRetry()
	}
}

func (c *Client) countRetry() {
	c.mu.Lock()
	c.stats.Retries++
	c.mu.Unlock()
}

// backoff is "full jitter": uniform in [0, min(max, min·2^(attempt-1))], so
// many clients that hit a 429 together do not come back together.
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.minBackoff
	for i := 1; i < attempt && ceil < c.maxBackoff; i++ {
		ceil *= 2
	}
	ceil = min(ceil, c.maxBackoff)
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// once sends one attempt.
func (c *Client) once(ctx context.Context, r *request, attempt int) (*response, error) {
	var bearer string
	if c.m2m != nil {
		// Fetched before taking a slot: the token endpoint is not a REST
		// request and must not starve (or deadlock) the API calls.
		t, err := c.m2m.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		bearer = t
		r.bearer = t
	}
	req, err := c.httpRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	resp, data, err := c.send(ctx, r, req, bearer, attempt)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &transportError{err: scrubURLError(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, parseError(r.method, r.path, resp, data, c.now())
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// httpRequest builds the unsigned HTTP request of one attempt.
func (c *Client) httpRequest(ctx context.Context, r *request) (*http.Request, error) {
	raw := c.base + r.path
	if len(r.query) > 0 {
		raw += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	} else {
		// net/http silently resends a bodiless GET when a reused connection
		// closes before answering, with the same Authorization header. The
		// server may have seen that nonce already and would refuse the copy
		// (401), so make the request non-replayable: an empty body of a type
		// net/http cannot rewind. It still goes out with no body and no
		// Content-Length (net/http probes it and finds it empty), and our
		// own retry loop re-signs it instead.
		body = struct{ io.Reader }{bytes.NewReader(nil)}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, raw, body)
	if err != nil {
		return nil, fmt.Errorf("netsuite: building request: %w", err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
		if strings.HasPrefix(r.path, recordPrefix) {
			// NetSuite's default (Warning) drops a misspelled, feature-hidden
			// or mistyped field and saves the record without it; Error makes
			// it a 400 naming the field.
			req.Header.Set(HeaderNameValidation, "Error")
			req.Header.Set(HeaderValueValidation, "Error")
		}
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// send signs req and sends it while holding a concurrency slot, counting
// it in the stats. The body is read in full (up to 64 MiB).
func (c *Client) send(ctx context.Context, r *request, req *http.Request, bearer string, attempt int) (*http.Response, []byte, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	c.mu.Lock()
	c.inFlight++
	c.stats.InFlightMax = max(c.stats.InFlightMax, c.inFlight)
	c.stats.Requests++
	c.mu.Unlock()

	// Sign as late as possible so the timestamp is fresh.
	if c.tba != nil {
		req.Header.Set("Authorization", c.tba.authorization(r.method, req.URL, newNonce(), c.now().Unix()))
	} else {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
	}

	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	// Count the request out before freeing its slot, so InFlightMax never
	// sees the next request before this one has left.
	c.mu.Lock()
	c.inFlight--
	c.stats.ByStatus[status]++
	c.mu.Unlock()
	<-c.sem
	c.log.LogAttrs(ctx, slog.LevelDebug, "netsuite request",
		slog.String("method", r.method), slog.String("path", r.path), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)), slog.Int("attempt", attempt))
	return resp, data, err
}

// Package netsuite talks to Oracle NetSuite's SuiteTalk REST web services:
// authentication (TBA or OAuth 2.0 machine-to-machine), record writes and
// reads, SuiteQL, NetSuite's error documents, and the account's concurrency
// governance (a bounded number of requests in flight, retries with jittered
// backoff on 429 and 5xx).
package netsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// AuthConfig selects and configures how the client authenticates.
type AuthConfig struct {
	Method string // "tba" (default) or "m2m"

	// TBA (OAuth 1.0a, HMAC-SHA256).
	ConsumerKey, ConsumerSecret, TokenID, TokenSecret string

	// OAuth 2.0 machine-to-machine: client credentials with a JWT assertion.
	ClientID, CertificateID string
	PrivateKeyPEM           string   // PKCS#8 or PKCS#1 RSA (PS256) / EC P-256 (ES256)
	Algorithm               string   // "PS256" (default for RSA) or "ES256" (default for EC)
	TokenURL                string   // default <base>/services/rest/auth/oauth2/v1/token
	Scopes                  []string // default ["rest_webservices"]
}

// Config configures a Client.
type Config struct {
	AccountID   string // e.g. "123456_SB1"; the realm is its upper-case, underscore form
	BaseURL     string // default https://<acct lower-case, _ → ->.suitetalk.api.netsuite.com
	Auth        AuthConfig
	Concurrency int // max requests in flight from this Client, default 5
	MaxAttempts int // attempts for retryable errors, default 8

	MinBackoff, MaxBackoff time.Duration // default 200ms, 30s
	Logger                 *slog.Logger  // nil discards
	Now                    func() time.Time
}

// Stats counts what a Client did; see Client.Stats.
type Stats struct {
	Requests    int64         // HTTP requests sent to the REST API, retries included (token requests excluded)
	Retries     int64         // requests that were a retry of an earlier failure
	ByStatus    map[int]int64 // responses by HTTP status; 0 counts transport errors
	InFlightMax int           // most requests ever in flight at once
}

// Client is a SuiteTalk REST client. It is safe for concurrent use; all
// goroutines share its concurrency limit.
type Client struct {
	base        string // scheme://host, no trailing slash
	hc          *http.Client
	tba         *tbaSigner
	m2m         *m2mSource
	sem         chan struct{}
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	log         *slog.Logger
	now         func() time.Time

	mu       sync.Mutex
	stats    Stats
	inFlight int
}

const (
	recordPrefix = "/services/rest/record/v1/"
	suiteQLPath  = "/services/rest/query/v1/suiteql"
	tokenPath    = "/services/rest/auth/oauth2/v1/token"
	suiteQLLimit = 1000
)

var accountIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// New validates cfg and returns a Client. hc may be nil. Plain http:// is
// accepted only for loopback hosts (tests and the sandbox's fake NetSuite);
// credentials never travel unencrypted over a network.
func New(cfg Config, hc *http.Client) (*Client, error) {
	if !accountIDRe.MatchString(cfg.AccountID) {
		return nil, fmt.Errorf("netsuite: accountID %q must be letters, digits, '_' or '-'", cfg.AccountID)
	}
	base := cfg.BaseURL
	if base == "" {
		base = "https://" + strings.ToLower(strings.ReplaceAll(cfg.AccountID, "_", "-")) + ".suitetalk.api.netsuite.com"
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("netsuite: baseURL %q is not an absolute URL", base)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("netsuite: baseURL %q: plain http is allowed only for loopback hosts", base)
		}
	default:
		return nil, fmt.Errorf("netsuite: baseURL %q must use https", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("netsuite: baseURL must not carry a query, fragment or user info")
	}

	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	c := &Client{
		base:        u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"),
		hc:          hc,
		maxAttempts: orDefault(cfg.MaxAttempts, 8),
		minBackoff:  orDefault(cfg.MinBackoff, 200*time.Millisecond),
		maxBackoff:  orDefault(cfg.MaxBackoff, 30*time.Second),
		log:         cfg.Logger,
		now:         cfg.Now,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if cfg.Concurrency < 0 || cfg.MaxAttempts < 0 {
		return nil, errors.New("netsuite: concurrency and maxAttempts must not be negative")
	}
	if c.maxBackoff < c.minBackoff {
		return nil, errors.New("netsuite: maxBackoff must not be below minBackoff")
	}
	c.sem = make(chan struct{}, orDefault(cfg.Concurrency, 5))
	c.stats.ByStatus = map[int]int64{}

	a := cfg.Auth
	switch strings.ToLower(a.Method) {
	case "", "tba":
		if a.ConsumerKey == "" || a.ConsumerSecret == "" || a.TokenID == "" || a.TokenSecret == "" {
			return nil, errors.New("netsuite: tba auth needs consumerKey, consumerSecret, tokenID and tokenSecret")
		}
		c.tba = &tbaSigner{
			realm:       realmOf(cfg.AccountID),
			consumerKey: a.ConsumerKey, consumerSecret: a.ConsumerSecret,
			tokenID: a.TokenID, tokenSecret: a.TokenSecret,
		}
	case "m2m":
		if a.ClientID == "" || a.CertificateID == "" || a.PrivateKeyPEM == "" {
			return nil, errors.New("netsuite: m2m auth needs clientID, certificateID and privateKeyPEM")
		}
		key, alg, err := parsePrivateKey(a.PrivateKeyPEM, a.Algorithm)
		if err != nil {
			return nil, fmt.Errorf("netsuite: %w", err)
		}
		tokenURL := a.TokenURL
		if tokenURL == "" {
			tokenURL = c.base + tokenPath
		} else if tu, err := url.Parse(tokenURL); err != nil || (tu.Scheme != "https" && !(tu.Scheme == "http" && isLoopback(tu.Hostname()))) {
			return nil, fmt.Errorf("netsuite: tokenURL %q must be https (or http on loopback)", tokenURL)
		}
		scopes := a.Scopes
		if len(scopes) == 0 {
			scopes = []string{"rest_webservices"}
		}
		c.m2m = &m2mSource{
			clientID: a.ClientID, kid: a.CertificateID, alg: alg, tokenURL: tokenURL,
			scope: strings.Join(scopes, ","), key: key, hc: hc, now: c.now,
		}
	default:
		return nil, fmt.Errorf("netsuite: auth method %q is not tba or m2m", a.Method)
	}
	return c, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Stats returns a copy of the client's counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.ByStatus = make(map[int]int64, len(c.stats.ByStatus))
	for k, v := range c.stats.ByStatus {
		s.ByStatus[k] = v
	}
	return s
}

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
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range r.header {
		req.Header.Set(k, v)
	}

	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
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

	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &transportError{err: scrubURLError(err)}
	}
	if status < 200 || status > 299 {
		return nil, parseError(r.method, r.path, resp, data, c.now())
	}
	return &response{status: status, header: resp.Header, body: data}, nil
}

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


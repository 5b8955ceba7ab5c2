// Package netsuite talks to Oracle NetSuite's SuiteTalk REST web services:
// authentication (TBA or OAuth 2.0 machine-to-machine), record writes and
// reads, SuiteQL, NetSuite's error documents, and the account's concurrency
// governance (a bounded number of requests in flight, retries with jittered
// backoff on 429 and 5xx).
package netsuite

import (
	"errors"
	"fmt"
	"log/slog"
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

	// Defaults are fields merged into every body of a record type that
	// Upsert sends (record type → field → value; netsuite.defaults): for
	// accounts whose forms make more fields mandatory. A default replaces
	// nsrecon's own value of the same field.
	Defaults map[string]map[string]any
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
	defaults    map[string]map[string]any

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
	u, err := baseURL(cfg)
	if err != nil {
		return nil, err
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
		defaults:    cfg.Defaults,
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
	if err := c.setAuth(cfg); err != nil {
		return nil, err
	}
	return c, nil
}

// baseURL is the REST host: cfg.BaseURL or the account's default, https
// (or http on loopback), without query, fragment or user info.
func baseURL(cfg Config) (*url.URL, error) {
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
	return u, nil
}

// setAuth sets up TBA signing or an M2M token source from cfg.Auth.
func (c *Client) setAuth(cfg Config) error {
	a := cfg.Auth
	switch strings.ToLower(a.Method) {
	case "", "tba":
		if a.ConsumerKey == "" || a.ConsumerSecret == "" || a.TokenID == "" || a.TokenSecret == "" {
			return errors.New("netsuite: tba auth needs consumerKey, consumerSecret, tokenID and tokenSecret")
		}
		c.tba = &tbaSigner{
			realm:       realmOf(cfg.AccountID),
			consumerKey: a.ConsumerKey, consumerSecret: a.ConsumerSecret,
			tokenID: a.TokenID, tokenSecret: a.TokenSecret,
		}
		return nil
	case "m2m":
		m, err := c.newM2M(a)
		c.m2m = m
		return err
	}
	return fmt.Errorf("netsuite: auth method %q is not tba or m2m", a.Method)
}

func (c *Client) newM2M(a AuthConfig) (*m2mSource, error) {
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
	return &m2mSource{
		clientID: a.ClientID, kid: a.CertificateID, alg: alg, tokenURL: tokenURL,
		scope: strings.Join(scopes, ","), key: key, hc: c.hc, now: c.now,
	}, nil
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

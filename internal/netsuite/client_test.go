package netsuite_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
)

const (
	acct           = "123456_SB1"
	consumerKey    = "ck-4f1e"
	consumerSecret = "cs-SECRET-9a7b"
	tokenID        = "tk-77c2"
	tokenSecret    = "ts-SECRET-31d0"

	undepFunds = "1"
	bankUSD    = "2"
	feeAccount = "3"
	otherAcct  = "4"
	incomeAcct = "5"
)

type env struct {
	c    *netsuite.Client
	fake *nsfake.Server
	url  string
	logs *bytes.Buffer
}

// setup starts a fake NetSuite behind httptest and a real Client for it.
// wrap, if non-nil, sits in front of the fake (to inject a header or count).
func setup(t *testing.T, fo nsfake.Options, cfg func(*netsuite.Config), wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	fo.AccountID = acct
	fo.ConsumerKey, fo.ConsumerSecret, fo.TokenID, fo.TokenSecret = consumerKey, consumerSecret, tokenID, tokenSecret
	fo.UndepositedFunds = undepFunds
	fake := nsfake.New(fo)
	fake.Preload("account", undepFunds, map[string]any{"acctName": "Undeposited Funds"})
	fake.Preload("account", bankUSD, map[string]any{"acctName": "Bank USD"})
	fake.Preload("account", feeAccount, map[string]any{"acctName": "Stripe fees"})
	fake.Preload("account", otherAcct, map[string]any{"acctName": "Platform earnings"})
	fake.Preload("account", incomeAcct, map[string]any{"acctName": "Income"})
	fake.Preload("subsidiary", "1", map[string]any{"name": "Parent"})
	fake.Preload("currency", "1", map[string]any{"symbol": "USD"})
	fake.Preload("currency", "4", map[string]any{"symbol": "EUR"})
	var h http.Handler = fake
	if wrap != nil {
		h = wrap(fake)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	logs := &bytes.Buffer{}
	c := netsuite.Config{
		AccountID:  acct,
		BaseURL:    srv.URL,
		Auth:       netsuite.AuthConfig{ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, TokenID: tokenID, TokenSecret: tokenSecret},
		MinBackoff: time.Millisecond,
		MaxBackoff: 10 * time.Millisecond,
		Logger:     slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if cfg != nil {
		cfg(&c)
	}
	client, err := netsuite.New(c, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return &env{c: client, fake: fake, url: srv.URL, logs: logs}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func usd(minor int64) netsuite.Amount { return netsuite.Amount{Minor: minor, Currency: "usd"} }

func customer(eid, email string) *netsuite.Customer {
	return &netsuite.Customer{ExternalID: eid, IsPerson: false, CompanyName: "Co " + eid, Email: email,
		Classification: netsuite.Classification{Subsidiary: &netsuite.Ref{ID: "1"}}}
}

func TestGetFindUpsert(t *testing.T) {
	e := setup(t, nsfake.Options{}, nil, nil)
	ctx := context.Background()
	id, err := upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_1", "a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := e.c.Get(ctx, netsuite.TypeCustomer, id, &got); err != nil {
		t.Fatal(err)
	}
	if got["id"] != id || got["externalId"] != "stripe_cus_1" || got["email"] != "a@example.com" {
		t.Errorf("GET returned %v", got)
	}
	if found, err := e.c.FindByExternalID(ctx, netsuite.TypeCustomer, "stripe_cus_1"); err != nil || found != id {
		t.Errorf("FindByExternalID = %q, %v; want %q", found, err, id)
	}
	_, err = e.c.FindByExternalID(ctx, netsuite.TypeCustomer, "stripe_cus_nope")
	if !errors.Is(err, netsuite.ErrNotFound) || !netsuite.IsPermanent(err) {
		t.Errorf("missing record: err = %v, want ErrNotFound", err)
	}

	// Upsert replaces the existing record and keeps its ID…
	up, err := e.c.Upsert(ctx, netsuite.TypeCustomer, "stripe_cus_1", customer("stripe_cus_1", "b@example.com"))
	if err != nil || up != id {
		t.Fatalf("Upsert existing = %q, %v; want %q", up, err, id)
	}
	// …and creates a new one for a new external ID.
	up2, err := e.c.Upsert(ctx, netsuite.TypeCustomer, "stripe_cus_2", customer("", "c@example.com"))
	if err != nil || up2 == id || up2 == "" {
		t.Fatalf("Upsert new = %q, %v", up2, err)
	}
	recs := e.fake.Records(netsuite.TypeCustomer)
	if len(recs) != 2 || recs[0].Fields["email"] != "b@example.com" || recs[1].ExternalID != "stripe_cus_2" {
		t.Errorf("records = %+v", recs)
	}

}

func TestBadSignatureIs401AndNotRetried(t *testing.T) {
	e := setup(t, nsfake.Options{}, func(c *netsuite.Config) { c.Auth.TokenSecret = "wrong-SECRET" }, nil)
	_, err := upsert(context.Background(), e.c, netsuite.TypeCustomer, customer("stripe_cus_1", "a@example.com"))
	var ne *netsuite.Error
	if !errors.As(err, &ne) || ne.Status != 401 || ne.Code != "INVALID_LOGIN" || !netsuite.IsPermanent(err) || netsuite.IsRetryable(err) {
		t.Fatalf("err = %v, want permanent 401 INVALID_LOGIN", err)
	}
	if n := e.fake.Counts()["401"]; n != 1 {
		t.Errorf("401 count = %d, want 1 (no retry)", n)
	}
	for _, secret := range []string{"wrong-SECRET", consumerSecret} {
		if strings.Contains(err.Error(), secret) || strings.Contains(e.logs.String(), secret) {
			t.Errorf("secret %q leaked into error or logs", secret)
		}
	}
	if !strings.Contains(e.logs.String(), "status=401") {
		t.Errorf("expected a debug log line with the status, got %s", e.logs.String())
	}
}

func TestFakeRejectsTamperedReplayedAndStaleRequests(t *testing.T) {
	// The fake's clock runs 10 minutes ahead of the client's: every
	// timestamp is stale.
	e := setup(t, nsfake.Options{Now: func() time.Time { return time.Now().Add(10 * time.Minute) }}, nil, nil)
	err := e.c.Get(context.Background(), netsuite.TypeCustomer, "1", nil)
	if !netsuite.IsPermanent(err) || !strings.Contains(err.Error(), "INVALID_LOGIN") {
		t.Errorf("stale timestamp: %v", err)
	}

	// Replaying a captured request (same nonce) fails, as does changing the
	// query after signing.
	var captured *http.Request
	e2 := setup(t, nsfake.Options{}, nil, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if captured == nil {
				captured = r.Clone(context.Background())
			}
			h.ServeHTTP(w, r)
		})
	})
	_ = e2.c.Get(context.Background(), netsuite.TypeCustomer, "eid:x", nil) // 404, but authenticated
	if e2.fake.Counts()["401"] != 0 {
		t.Fatal("a correctly signed request was refused")
	}
	for name, mutate := range map[string]func(*http.Request){
		"replay": func(*http.Request) {},
		"query":  func(r *http.Request) { r.URL.RawQuery = "fields=email" },
	} {
		req, _ := http.NewRequest("GET", e2.url+captured.URL.RequestURI(), nil)
		req.Header.Set("Authorization", captured.Header.Get("Authorization"))
		mutate(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
}

func TestPermanentErrorNotRetried(t *testing.T) {
	e := setup(t, nsfake.Options{}, nil, nil)
	inv := &netsuite.Invoice{ExternalID: "stripe_in_1", Entity: netsuite.Ref{ID: "999"}, TranDate: "2024-01-02", Memo: "in_1",
		Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: "1"}, Amount: usd(100)}}}}
	_, err := upsert(context.Background(), e.c, netsuite.TypeInvoice, inv)
	var ne *netsuite.Error
	if !errors.As(err, &ne) || ne.Status != 400 || ne.Code != "INVALID_KEY_OR_REF" || ne.Path != "entity" {
		t.Fatalf("err = %v", err)
	}
	if !netsuite.IsPermanent(err) || netsuite.IsRetryable(err) {
		t.Error("400 must be permanent")
	}
	if n := e.fake.Counts()["PUT invoice"]; n != 1 {
		t.Errorf("PUT invoice sent %d times, want 1", n)
	}
	if s := e.c.Stats(); s.Retries != 0 || s.ByStatus[400] != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestRetries429And5xxThenSucceeds(t *testing.T) {
	e := setup(t, nsfake.Options{Seed: 7, Rate429: 0.25, Rate5xx: 0.25}, func(c *netsuite.Config) { c.MaxAttempts = 30 }, nil)
	ctx := context.Background()
	for i := range 20 {
		eid := fmt.Sprintf("stripe_cus_%d", i)
		if _, err := e.c.Upsert(ctx, netsuite.TypeCustomer, eid, customer(eid, "x@example.com")); err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
		if _, err := upsert(ctx, e.c, netsuite.TypeCustomer, customer(eid+"_c", "x@example.com")); err != nil {
			t.Fatalf("second upsert %d: %v", i, err)
		}
	}
	counts, stats := e.fake.Counts(), e.c.Stats()
	if counts["429"] == 0 || counts["5xx"] == 0 {
		t.Fatalf("faults were not injected: %v", counts)
	}
	if got := len(e.fake.Records(netsuite.TypeCustomer)); got != 40 {
		t.Errorf("%d customers, want 40", got)
	}
	if stats.Retries != int64(counts["429"]+counts["5xx"]) {
		t.Errorf("retries %d, faults %d+%d", stats.Retries, counts["429"], counts["5xx"])
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var mu sync.Mutex
	first := true
	e := setup(t, nsfake.Options{}, nil, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			f := first
			first = false
			mu.Unlock()
			if f {
				w.Header().Set("Retry-After", "0.3")
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"title":"Too Many Requests","status":429,"o:errorDetails":[{"detail":"slow down","o:errorCode":"CONCURRENCY_LIMIT_EXCEEDED"}]}`)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	start := time.Now()
	if _, err := e.c.Upsert(context.Background(), netsuite.TypeCustomer, "stripe_cus_1", customer("", "a@example.com")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After (300ms); backoff alone is ≤10ms", d)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	e := setup(t, nsfake.Options{Rate5xx: 1}, func(c *netsuite.Config) {
		c.MaxAttempts = 1000
		c.MinBackoff, c.MaxBackoff = 20*time.Millisecond, 20*time.Millisecond
	}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	err := e.c.Get(ctx, netsuite.TypeCustomer, "1", nil)
	if !errors.Is(err, context.DeadlineExceeded) || netsuite.IsRetryable(err) {
		t.Fatalf("err = %v, want deadline exceeded, not retryable", err)
	}
	sent := e.fake.Counts()["GET customer"]
	time.Sleep(100 * time.Millisecond)
	// The request in flight at the deadline may reach the fake's counter
	// after Get returned (a loaded machine delays the handler); a retry
	// after cancellation would add more than that one.
	if after := e.fake.Counts()["GET customer"]; after > sent+1 || sent > 20 {
		t.Errorf("requests: %d at return, %d later", sent, after)
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := e.c.Get(ctx2, netsuite.TypeCustomer, "1", nil); !errors.Is(err, context.Canceled) || netsuite.IsRetryable(err) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	run := func(t *testing.T, clientLimit int) (*env, []error) {
		e := setup(t, nsfake.Options{Concurrency: 5, Latency: 3 * time.Millisecond, Jitter: 3 * time.Millisecond, Seed: 1},
			func(c *netsuite.Config) { c.Concurrency = clientLimit; c.MaxAttempts = 50 }, nil)
		var wg sync.WaitGroup
		errs := make([]error, 50)
		for g := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 4 {
					eid := fmt.Sprintf("stripe_cus_%d_%d", g, i)
					if _, err := e.c.Upsert(context.Background(), netsuite.TypeCustomer, eid, customer("", "x@example.com")); err != nil {
						errs[g] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		return e, errs
	}

	e, errs := run(t, 5)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := e.fake.MaxInFlight(); m > 5 {
		t.Errorf("fake saw %d in flight, limit 5", m)
	}
	if n := e.fake.Counts()["429"]; n != 0 {
		t.Errorf("%d requests got 429", n)
	}
	if s := e.c.Stats(); s.InFlightMax > 5 || s.InFlightMax < 2 || s.Requests != 200 {
		t.Errorf("stats = %+v", s)
	}
	if n := len(e.fake.Records(netsuite.TypeCustomer)); n != 200 {
		t.Errorf("%d customers, want 200", n)
	}

	// Control: a client allowed more than the account's limit does meet
	// 429s, and still finishes by backing off.
	e, errs = run(t, 12)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if e.fake.Counts()["429"] == 0 {
		t.Error("control run with 12 in flight against a limit of 5 saw no 429; the test cannot detect a broken limit")
	}
}

func TestCommitThenDropIsRetriedWithoutDuplicates(t *testing.T) {
	e := setup(t, nsfake.Options{Seed: 3, RateDrop: 0.4}, func(c *netsuite.Config) { c.MaxAttempts = 30 }, nil)
	ctx := context.Background()
	ids := map[string]string{}
	for i := range 15 {
		eid := fmt.Sprintf("stripe_cus_u%d", i)
		id, err := e.c.Upsert(ctx, netsuite.TypeCustomer, eid, customer("", "x@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		ids[eid] = id
		// The body's own external ID: a dropped-but-committed upsert is
		// sent again and updates the record it made.
		eid = fmt.Sprintf("stripe_cus_c%d", i)
		if id, err = upsert(ctx, e.c, netsuite.TypeCustomer, customer(eid, "y@example.com")); err != nil {
			t.Fatal(err, e.fake.Counts())
		}
		ids[eid] = id
	}
	if e.fake.Counts()["drop"] == 0 {
		t.Fatal("no connection was dropped")
	}
	recs := e.fake.Records(netsuite.TypeCustomer)
	if len(recs) != 30 {
		t.Errorf("%d customers, want exactly 30", len(recs))
	}
	for _, r := range recs {
		if ids[r.ExternalID] != r.ID {
			t.Errorf("%s: client got %q, fake has %q", r.ExternalID, ids[r.ExternalID], r.ID)
		}
	}
}

func TestNewValidatesBaseURL(t *testing.T) {
	auth := netsuite.AuthConfig{ConsumerKey: "a", ConsumerSecret: "b", TokenID: "c", TokenSecret: "d"}
	for base, ok := range map[string]bool{
		"":                         true, // https://123456-sb1.suitetalk.api.netsuite.com
		"https://example.com":      true,
		"http://127.0.0.1:8080":    true,
		"http://127.9.9.9":         true,
		"http://localhost:1234":    true,
		"http://[::1]:99":          true,
		"http://example.com":       false,
		"http://10.0.0.1":          false,
		"http://127.0.0.1.nip.io":  false,
		"ftp://127.0.0.1":          false,
		"https://example.com/?x=1": false,
		"not a url":                false,
	} {
		_, err := netsuite.New(netsuite.Config{AccountID: acct, BaseURL: base, Auth: auth}, nil)
		if (err == nil) != ok {
			t.Errorf("BaseURL %q: err = %v, want ok=%v", base, err, ok)
		}
	}
	if _, err := netsuite.New(netsuite.Config{AccountID: acct, Auth: netsuite.AuthConfig{ConsumerKey: "a"}}, nil); err == nil {
		t.Error("incomplete TBA credentials accepted")
	}
	if _, err := netsuite.New(netsuite.Config{AccountID: "12 34", Auth: auth}, nil); err == nil {
		t.Error("bad account ID accepted")
	}
}

func TestSuiteQLQuotingAndPaging(t *testing.T) {
	if got := netsuite.Quote("o'brien@example.com"); got != `'o''brien@example.com'` {
		t.Fatalf("Quote = %s", got)
	}
	e := setup(t, nsfake.Options{}, nil, nil)
	ctx := context.Background()
	obrien, err := upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_ob", "O'Brien@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	// A customer whose email would match if the quote were mishandled.
	if _, err := upsert(ctx, e.c, netsuite.TypeCustomer, customer("stripe_cus_o", "o")); err != nil {
		t.Fatal(err)
	}
	query := func(q string) []map[string]any {
		t.Helper()
		var rows []map[string]any
		err := e.c.SuiteQL(ctx, q, func(row json.RawMessage) error {
			var m map[string]any
			if err := json.Unmarshal(row, &m); err != nil {
				return err
			}
			rows = append(rows, m)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return rows
	}
	rows := query("SELECT id, externalid, email, companyname FROM customer WHERE LOWER(email) = " + netsuite.Quote("o'brien@example.com"))
	if len(rows) != 1 || rows[0]["id"] != obrien || rows[0]["email"] != "O'Brien@example.com" {
		t.Errorf("LOWER(email) rows = %v", rows)
	}
	if rows := query("SELECT id FROM customer WHERE email = " + netsuite.Quote("o'brien@example.com")); len(rows) != 0 {
		t.Errorf("case-sensitive email matched: %v", rows)
	}
	if rows := query("SELECT id FROM customer WHERE externalid = " + netsuite.Quote("stripe_cus_ob")); len(rows) != 1 || rows[0]["id"] != obrien {
		t.Errorf("externalid rows = %v", rows)
	}

	// Paging: 2,345 rows come in three pages of at most 1,000.
	for i := range 2345 {
		e.fake.Preload("customer", fmt.Sprint(10000+i), map[string]any{"companyName": "Bulk", "email": "bulk@example.com"})
	}
	before := e.fake.Counts()["POST suiteql"]
	rows = query("SELECT id FROM customer WHERE companyname = 'Bulk'")
	if len(rows) != 2345 || rows[0]["id"] != "10000" || rows[2344]["id"] != "12344" {
		t.Errorf("paged %d rows", len(rows))
	}
	if n := e.fake.Counts()["POST suiteql"] - before; n != 3 {
		t.Errorf("%d SuiteQL requests, want 3", n)
	}

	err = e.c.SuiteQL(ctx, "SELECT id FROM customer WHERE email LIKE '%x%'", func(json.RawMessage) error { return nil })
	var ne *netsuite.Error
	if !errors.As(err, &ne) || ne.Status != 400 || !strings.Contains(ne.Detail, "supports") {
		t.Errorf("unsupported query: %v", err)
	}
}

func TestM2M(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pkcs8 := func(k any) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	for _, tc := range []struct {
		name, pem string
		pub       any
	}{
		{"PS256 PKCS#8", pkcs8(rsaKey), &rsaKey.PublicKey},
		{"PS256 PKCS#1", pkcs1, &rsaKey.PublicKey},
		{"ES256", pkcs8(ecKey), &ecKey.PublicKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, nsfake.Options{M2MClientID: "client-1", M2MCertificateID: "cert-1", M2MPublicKey: tc.pub},
				func(c *netsuite.Config) {
					c.Auth = netsuite.AuthConfig{Method: "m2m", ClientID: "client-1", CertificateID: "cert-1", PrivateKeyPEM: tc.pem}
				}, nil)
			for i := range 3 {
				if _, err := upsert(context.Background(), e.c, netsuite.TypeCustomer, customer(fmt.Sprint("stripe_cus_", i), "a@example.com")); err != nil {
					t.Fatal(err)
				}
			}
			if n := e.fake.Counts()["POST token"]; n != 1 {
				t.Errorf("%d token requests, want 1 (cached)", n)
			}
			if strings.Contains(e.logs.String(), "PRIVATE KEY") || strings.Contains(e.logs.String(), "Bearer") {
				t.Error("credentials in logs")
			}
		})
	}
	t.Run("wrong certificate", func(t *testing.T) {
		other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		e := setup(t, nsfake.Options{M2MClientID: "client-1", M2MCertificateID: "cert-1", M2MPublicKey: &ecKey.PublicKey},
			func(c *netsuite.Config) {
				c.Auth = netsuite.AuthConfig{Method: "m2m", ClientID: "client-1", CertificateID: "cert-1", PrivateKeyPEM: pkcs8(other)}
			}, nil)
		_, err := upsert(context.Background(), e.c, netsuite.TypeCustomer, customer("stripe_cus_1", "a@example.com"))
		if !netsuite.IsPermanent(err) || !strings.Contains(err.Error(), "invalid_grant") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestIsAuth(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&netsuite.Error{Status: 401}, true},
		{&netsuite.Error{Status: 403}, true},
		{fmt.Errorf("wrapped: %w", &netsuite.Error{Status: 403}), true},
		{fmt.Errorf("%w: detail", netsuite.ErrAuth), true},
		{&netsuite.Error{Status: 400}, false},
		{&netsuite.Error{Status: 404}, false},
		{errors.New("401"), false},
		{nil, false},
	} {
		if got := netsuite.IsAuth(c.err); got != c.want {
			t.Errorf("IsAuth(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// upsert sends body under the external ID it carries, as the pusher does.
func upsert(ctx context.Context, c *netsuite.Client, recordType string, body any) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	var v struct {
		ExternalID string `json:"externalId"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	return c.Upsert(ctx, recordType, v.ExternalID, body)
}

// Package nsfake is a stand-in for NetSuite's SuiteTalk REST API, faithful
// where nsrecon depends on it: it verifies TBA signatures and M2M tokens,
// stores records with sequential internal IDs, enforces external-ID
// uniqueness and references, checks payment applications and deposits with
// exact decimal arithmetic, answers a small SuiteQL subset with paging, and
// enforces a concurrency limit with 429s. Latency and faults (5xx, 429,
// commit-then-drop) are injectable and seeded, so runs are reproducible.
//
// Tests use it through httptest; the sandbox runs it with ListenAndServe.
package nsfake

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	AccountID string // e.g. "123456_SB1"; the TBA realm is its upper-case form

	// TBA credentials the fake accepts.
	ConsumerKey, ConsumerSecret, TokenID, TokenSecret string

	// Optional OAuth 2.0 machine-to-machine: assertions must carry this
	// client ID as iss and certificate ID as kid, and verify with the key.
	M2MClientID, M2MCertificateID string
	M2MPublicKey                  crypto.PublicKey

	Concurrency int // requests in flight beyond this get 429 CONCURRENCY_LIMIT_EXCEEDED; 0 = unlimited

	Latency, Jitter time.Duration // each API request takes Latency + [0, Jitter)

	Seed     int64
	Rate5xx  float64 // share of API requests answered 500 UNEXPECTED_ERROR, before any effect
	Rate429  float64 // share answered 429, before any effect
	RateDrop float64 // share that are carried out, then the connection is closed with no response

	UndepositedFunds string // internal ID of the Undeposited Funds account
	// DefaultCurrency is the internal ID of the currency a customer created
	// without one gets (the base currency). Empty: such customers have no
	// currency and their transactions' currencies are not checked.
	DefaultCurrency string
	// SingleCurrencyCustomers is an account without the Multiple
	// Currencies feature for customers: a customer's currency list cannot
	// hold another currency than its primary one.
	SingleCurrencyCustomers bool
	// ManualCustomerIDs is an account with customer auto-numbering off:
	// every customer needs an entityId (Customer ID), unique in any case.
	ManualCustomerIDs bool
	// Mandatory lists, per record type, fields the account's forms make
	// mandatory (custom fields included): a record without them gets
	// "Please enter value(s) for: …".
	Mandatory map[string][]string
	// Permissions is the role's access per record type: "none" (403 on
	// every request) or "view" (403 on writes); unlisted types are "full".
	Permissions map[string]string
	Now         func() time.Time

	// Async batches (async.go): how many REST async processors serve the
	// queue (NetSuite: one per SuiteCloud Plus license; 0 = 1), and how
	// long each record holds one (0 = Latency).
	AsyncProcessors int
	AsyncRecordCost time.Duration
}

// StoredRecord is a record as the fake holds it.
type StoredRecord struct {
	ID         string         `json:"id"`
	ExternalID string         `json:"externalId,omitempty"`
	Fields     map[string]any `json:"fields"`
}

type record struct {
	typ, id, eid string
	fields       map[string]any // without id and externalId
}

// Server is the fake NetSuite; it is an http.Handler and safe for
// concurrent use.
type Server struct {
	opts  Options
	now   func() time.Time
	realm string

	mu          sync.Mutex
	rng         *rand.Rand
	records     map[string]map[string]*record // type → internal ID → record
	byExt       map[string]map[string]string  // type → external ID → internal ID
	typeOf      map[string]string             // transaction internal ID → type; transactions share one ID space
	nextID      int
	counts      map[string]int
	nonces      map[string]time.Time
	tokens      map[string]time.Time
	inFlight    int
	maxInFlight int
	refusals    map[string]string // external ID prefix → detail (refuse.go)
	async       asyncState        // async.go
}

// New returns a fake NetSuite with no records except what Preload adds.
func New(opts Options) *Server {
	s := &Server{
		opts:    opts,
		now:     opts.Now,
		realm:   strings.ToUpper(strings.ReplaceAll(opts.AccountID, "-", "_")),
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15)),
		records: map[string]map[string]*record{},
		byExt:   map[string]map[string]string{},
		typeOf:  map[string]string{},
		nextID:  100,
		counts:  map[string]int{},
		nonces:  map[string]time.Time{},
		tokens:  map[string]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Preload adds a record that "already exists" in the account: accounts
// ("account"), subsidiaries, currencies, departments, classes
// ("classification"), locations, items. A string "externalId" in fields
// becomes the record's external ID.
func (s *Server) Preload(recordType, internalID string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := make(map[string]any, len(fields))
	for k, v := range fields {
		f[k] = v
	}
	eid, _ := f["externalId"].(string)
	delete(f, "externalId")
	delete(f, "id")
	s.put(&record{typ: recordType, id: internalID, eid: eid, fields: f})
	if n, err := strconv.Atoi(internalID); err == nil && n >= s.nextID {
		s.nextID = n + 1
	}
}

// put stores rec (replacing a record with the same ID). Callers hold s.mu.
func (s *Server) put(rec *record) {
	if s.records[rec.typ] == nil {
		s.records[rec.typ] = map[string]*record{}
		s.byExt[rec.typ] = map[string]string{}
	}
	if old := s.records[rec.typ][rec.id]; old != nil && old.eid != "" {
		delete(s.byExt[rec.typ], old.eid)
	}
	s.records[rec.typ][rec.id] = rec
	if rec.eid != "" {
		s.byExt[rec.typ][rec.eid] = rec.id
	}
	if isTransaction(rec.typ) {
		s.typeOf[rec.id] = rec.typ
	}
}

func isTransaction(typ string) bool {
	for _, t := range transactionTypes {
		if t == typ {
			return true
		}
	}
	return false
}

func (s *Server) newID() string {
	id := strconv.Itoa(s.nextID)
	s.nextID++
	return id
}

// Counts returns requests per route ("PUT customer", "POST suiteql",
// "GET deposit", "POST token")
// and per outcome ("401", "429", "5xx", "drop").
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

func (s *Server) count(key string) {
	s.mu.Lock()
	s.counts[key]++
	s.mu.Unlock()
}

// MaxInFlight is the most authenticated API requests the fake ever had in
// progress at once (rejected ones included).
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// Records returns the records of a type ordered by internal ID.
func (s *Server) Records(recordType string) []StoredRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordsLocked(recordType)
}

func (s *Server) recordsLocked(recordType string) []StoredRecord {
	out := make([]StoredRecord, 0, len(s.records[recordType]))
	for _, r := range s.sorted(recordType) {
		out = append(out, StoredRecord{ID: r.id, ExternalID: r.eid, Fields: deepCopy(r.fields).(map[string]any)})
	}
	return out
}

// sorted returns a type's records by numeric internal ID. Callers hold s.mu.
func (s *Server) sorted(recordType string) []*record {
	out := make([]*record, 0, len(s.records[recordType]))
	for _, r := range s.records[recordType] {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].id, out[j].id) })
	return out
}

func idLess(a, b string) bool {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	if ea == nil && eb == nil {
		return na < nb
	}
	return a < b
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	default:
		return v
	}
}

// DepositTotal returns the total the fake computed for a deposit, as an
// exact decimal string.
func (s *Server) DepositTotal(internalID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.records["deposit"][internalID]
	if rec == nil {
		return "", fmt.Errorf("nsfake: no deposit %s", internalID)
	}
	t, ok := parseDec(rec.fields["total"])
	if !ok {
		return "", fmt.Errorf("nsfake: deposit %s has no total", internalID)
	}
	return fmtDec(t), nil
}

// Snapshot returns the whole state as JSON (also at GET /__nsfake/state).
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	types := make([]string, 0, len(s.records))
	for t := range s.records {
		types = append(types, t)
	}
	sort.Strings(types)
	recs := map[string][]StoredRecord{}
	for _, t := range types {
		recs[t] = s.recordsLocked(t)
	}
	return json.MarshalIndent(map[string]any{
		"accountId":   s.opts.AccountID,
		"records":     recs,
		"counts":      s.counts,
		"maxInFlight": s.maxInFlight,
	}, "", "  ")
}

// apiError is an error answered in NetSuite's shape.
type apiError struct {
	status             int
	code, detail, path string
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

func badRequest(code, path, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, path: path, detail: fmt.Sprintf(format, args...)}
}

var statusSection = map[int]string{
	400: "15.5.1", 401: "15.5.2", 403: "15.5.4", 404: "15.5.5", 405: "15.5.6",
	429: "6.6" /* RFC 6585 */, 500: "15.6.1",
}

func writeError(w http.ResponseWriter, e *apiError) {
	typ := "https://www.rfc-editor.org/rfc/rfc9110.html#section-" + statusSection[e.status]
	if e.status == http.StatusTooManyRequests {
		typ = "https://www.rfc-editor.org/rfc/rfc6585.html#section-4"
	}
	detail := map[string]string{"detail": e.detail, "o:errorCode": e.code}
	if e.path != "" {
		detail["o:errorPath"] = e.path
	}
	w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=error; charset=UTF-8")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type":           typ,
		"title":          http.StatusText(e.status),
		"status":         e.status,
		"o:errorDetails": []any{detail},
	})
}

// ServeHTTP routes a request: the unauthenticated state and token
// endpoints, then, for the API, authentication, the concurrency limit,
// latency, injected faults and the handlers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/__nsfake/state" && r.Method == http.MethodGet:
		b, err := s.Snapshot()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
		return
	case r.URL.Path == tokenPath && r.Method == http.MethodPost:
		s.count("POST token")
		s.serveToken(w, r)
		return
	}

	s.count(routeName(r))
	if reason := s.authenticate(r); reason != "" {
		s.count("401")
		s.count("401 " + reason) // the why, for tests; NetSuite only logs it in its audit trail
		w.Header().Set("WWW-Authenticate", `OAuth realm="`+s.realm+`"`)
		writeError(w, &apiError{status: http.StatusUnauthorized, code: "INVALID_LOGIN",
			detail: "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail."})
		return
	}

	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	over := s.opts.Concurrency > 0 && s.inFlight > s.opts.Concurrency
	fault := s.drawFault()
	delay := s.opts.Latency
	if s.opts.Jitter > 0 {
		delay += time.Duration(s.rng.Int64N(int64(s.opts.Jitter)))
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if over {
		s.count("429")
		writeError(w, &apiError{status: http.StatusTooManyRequests, code: "CONCURRENCY_LIMIT_EXCEEDED",
			detail: "Concurrent request limit exceeded. Request blocked."})
		return
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch fault {
	case "429":
		s.count("429")
		w.Header().Set("Retry-After", "0")
		writeError(w, &apiError{status: http.StatusTooManyRequests, code: "CONCURRENCY_LIMIT_EXCEEDED",
			detail: "Concurrent request limit exceeded. Request blocked."})
		return
	case "5xx":
		s.count("5xx")
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "UNEXPECTED_ERROR",
			detail: "An unexpected error occurred. Error ID: nsfake"})
		return
	}

	buf := &bufferedResponse{header: http.Header{}}
	s.route(buf, r)
	if fault == "drop" {
		s.count("drop")
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without a response
	}
	buf.writeTo(w)
}

// drawFault picks this request's fault from the seeded generator: one draw
// per API request, so a given order of requests always meets the same
// faults. Callers hold s.mu.
func (s *Server) drawFault() string {
	if s.opts.Rate429+s.opts.Rate5xx+s.opts.RateDrop <= 0 {
		return ""
	}
	x := s.rng.Float64()
	switch {
	case x < s.opts.Rate429:
		return "429"
	case x < s.opts.Rate429+s.opts.Rate5xx:
		return "5xx"
	case x < s.opts.Rate429+s.opts.Rate5xx+s.opts.RateDrop:
		return "drop"
	}
	return ""
}

// bufferedResponse holds a response so that a "drop" can discard it after
// the handler has committed its effects.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// ListenAndServe serves s on addr (default 127.0.0.1:0) until ctx ends and
// returns the base URL. The fake speaks plain HTTP, so it refuses to listen
// anywhere but loopback.
func ListenAndServe(ctx context.Context, addr string, s *Server) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("nsfake: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("nsfake: refusing to listen on non-loopback %q", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("nsfake: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return "http://" + ln.Addr().String(), nil
}

// decodeBody reads a JSON object keeping numbers exact.
func decodeBody(r *http.Request) (map[string]any, *apiError) {
	dec := json.NewDecoder(bufio.NewReader(http.MaxBytesReader(nil, r.Body, 8<<20)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, badRequest("INVALID_CONTENT", "", "The request body must be a JSON object: %v", errOr(err, "null"))
	}
	if dec.More() {
		return nil, badRequest("INVALID_CONTENT", "", "Trailing data after the JSON object.")
	}
	return m, nil
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

package stripefake

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// resources maps a URL collection name to the Stripe object type it
// serves. Which paths exist and what each accepts is the API table's
// (api.go): a path it lacks is answered 404, as Stripe does.
var resources = map[string]string{
	"payouts":              "payout",
	"balance_transactions": "balance_transaction",
	"charges":              "charge",
	"refunds":              "refund",
	"disputes":             "dispute",
	"invoices":             "invoice",
	"customers":            "customer",
	"prices":               "price",
	"products":             "product",
	"coupons":              "coupon",
	"credit_notes":         "credit_note",
}

// embeddedLines is how many invoice lines Stripe includes in an invoice
// object; the rest are fetched from /v1/invoices/:id/lines.
const embeddedLines = 10

// Server serves a Scenario as the Stripe API, and takes the writes
// nsrecon makes (writes.go). It never mutates the scenario: written
// objects live in an overlay. Safe for concurrent use.
type Server struct {
	sc     *Scenario
	apiKey string
	// sorted holds each type's IDs newest first (created desc, then ID
	// desc), the order of every Stripe list endpoint.
	sorted map[string][]string

	// RateLimitEvery, when > 0, answers every n-th request (counting all
	// requests) with 429 rate_limit, to exercise client backoff. Set it
	// before the server handles requests.
	RateLimitEvery int
	// AccountID is the id GET /v1/account answers (default
	// acct_stripefake). Set it before the server handles requests.
	AccountID string
	// Latency, when > 0, is how long every request takes before it is
	// answered (a real Stripe's round trip; concurrent requests overlap, as
	// Stripe's do), for benchmarks. Set it before the server handles
	// requests.
	Latency time.Duration

	mu     sync.Mutex
	total  int
	counts map[string]int

	// wmu guards written and sorted: reads share it, writes hold it.
	wmu sync.RWMutex
	// written holds the objects changed or created by writes, by ID; they
	// take precedence over the scenario's.
	written map[string]map[string]any
	created int // objects created, for their IDs
}

// lookup returns the object with this ID as it is now, written or not.
// Callers hold wmu.
func (s *Server) lookup(id string) (map[string]any, bool) {
	if o, ok := s.written[id]; ok {
		return o, true
	}
	o, ok := s.sc.Objects[id]
	return o, ok
}

// object is lookup without the found flag.
func (s *Server) object(id string) map[string]any {
	o, _ := s.lookup(id)
	return o
}

// New serves sc to clients presenting apiKey.
func New(sc *Scenario, apiKey string) *Server {
	s := &Server{sc: sc, apiKey: apiKey, sorted: map[string][]string{}, counts: map[string]int{}, written: map[string]map[string]any{}}
	for id, o := range sc.Objects {
		t := objectType(o)
		s.sorted[t] = append(s.sorted[t], id)
	}
	for _, ids := range s.sorted {
		slices.SortFunc(ids, func(a, b string) int {
			ca, cb := intField(sc.Objects[a], "created"), intField(sc.Objects[b], "created")
			if ca != cb {
				if ca > cb {
					return -1
				}
				return 1
			}
			return -strings.Compare(a, b)
		})
	}
	return s
}

// Counts returns how many requests each route received, rejected ones
// (401, 404, 429, …) included, keyed like "GET /v1/invoices/:id/lines".
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ListenAndServe serves s on addr (host forced to 127.0.0.1; ":0" picks a
// port) until ctx ends, and returns the base URL once it is listening.
func ListenAndServe(ctx context.Context, addr string, s *Server) (string, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("stripefake: address %q: %w", addr, err)
	}
	// Loopback only: the sandbox must never be reachable from the network.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdownCtx)
	}()
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Route names a request by method and path pattern, as Counts reports it.
func Route(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	// /v1/<collection>/<id>[/<sub>…]: IDs become ":id".
	if len(parts) >= 3 && parts[0] == "v1" {
		parts[2] = ":id"
	}
	return method + " /" + strings.Join(parts, "/")
}

// apiError is Stripe's error envelope.
type apiError struct {
	status  int
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

func invalid(status int, code, param, format string, args ...any) *apiError {
	return &apiError{status: status, Type: "invalid_request_error", Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.total++
	n := s.total
	s.counts[Route(r.Method, r.URL.Path)]++
	s.mu.Unlock()

	if s.Latency > 0 {
		t := time.NewTimer(s.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.Header().Set("Request-Id", "req_fake"+strconv.Itoa(n))
	w.Header().Set("Content-Type", "application/json")

	if e := s.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	if s.RateLimitEvery > 0 && n%s.RateLimitEvery == 0 {
		writeError(w, &apiError{status: http.StatusTooManyRequests, Type: "invalid_request_error", Code: "rate_limit",
			Message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."})
		return
	}
	var body any
	var e *apiError
	if r.Method == http.MethodGet {
		s.wmu.RLock()
		body, e = s.handle(r)
		s.wmu.RUnlock()
	} else {
		s.wmu.Lock()
		body, e = s.write(r)
		s.wmu.Unlock()
	}
	if e != nil {
		writeError(w, e)
		return
	}
	data, err := marshal(body)
	if err != nil {
		writeError(w, &apiError{status: 500, Type: "api_error", Message: err.Error()})
		return
	}
	_, _ = w.Write(data)
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.WriteHeader(e.status)
	data, _ := marshal(map[string]any{"error": e})
	_, _ = w.Write(data)
}

func (s *Server) authenticate(r *http.Request) *apiError {
	key := ""
	if user, _, ok := r.BasicAuth(); ok {
		key = user
	} else if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		key = strings.TrimPrefix(h, "Bearer ")
	}
	switch {
	case key == "":
		return invalid(401, "", "", "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
	case key != s.apiKey:
		return invalid(401, "", "", "Invalid API Key provided: %s", redact(key))
	}
	return nil
}

// redact masks a key the way Stripe's error messages do.
func redact(key string) string {
	if len(key) <= 12 {
		return strings.Repeat("*", len(key))
	}
	return key[:8] + strings.Repeat("*", len(key)-12) + key[len(key)-4:]
}

func (s *Server) handle(r *http.Request) (any, *apiError) {
	if r.Method != http.MethodGet {
		return nil, invalid(400, "", "", "stripefake is read-only: %s %s is not supported", r.Method, r.URL.Path)
	}
	if r.URL.Path == "/v1/account" {
		// The account of the API key (Stripe's "Retrieve account").
		id := s.AccountID
		if id == "" {
			id = "acct_stripefake"
		}
		return map[string]any{"id": id, "object": "account", "type": "standard"}, nil
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	_, spec, known := api.endpoint(r.URL.Path)
	if !known || resources[parts[1]] == "" || (len(parts) == 4 && (linesOf[parts[1]] == "" || parts[3] != "lines")) {
		return nil, invalid(404, "", "", "Unrecognized request URL (GET: %s). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", r.URL.Path)
	}
	q := r.URL.Query()
	if e := checkParams(spec, q); e != nil {
		return nil, e
	}
	expand, e := expandParams(q)
	if e != nil {
		return nil, e
	}
	for _, p := range expand {
		if e := api.checkExpand(spec.Response, p); e != nil {
			return nil, e
		}
	}
	coll, typ := parts[1], resources[parts[1]]
	switch len(parts) {
	case 2:
		return s.list(coll, typ, q, expand)
	case 3:
		o, e := s.retrieve(typ, parts[2])
		if e != nil {
			return nil, e
		}
		return s.expand(o, expand), nil
	default:
		return s.lines(parts[1], parts[2], q, expand)
	}
}

// linesOf names, per collection with a /:id/lines endpoint, the object
// type whose embedded lines it pages.
var linesOf = map[string]string{"invoices": "invoice", "credit_notes": "credit_note"}

var expandKey = regexp.MustCompile(`^expand\[\d*\]$`)

// expandParams collects expand[]/expand[N] values in order; stripe-go sends
// the indexed form.
func expandParams(q url.Values) ([]string, *apiError) {
	type kv struct {
		idx  int
		path string
	}
	var all []kv
	for k, vs := range q {
		if k == "expand" {
			return nil, invalid(400, "parameter_invalid_string", "expand", "Invalid array")
		}
		if !expandKey.MatchString(k) {
			continue
		}
		idx, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(k, "expand["), "]"))
		if err != nil {
			idx = math.MaxInt
		}
		for _, v := range vs {
			all = append(all, kv{idx, v})
		}
	}
	slices.SortStableFunc(all, func(a, b kv) int { return a.idx - b.idx })
	var out []string
	for _, e := range all {
		out = append(out, e.path)
	}
	return out, nil
}

// checkParams rejects, like Stripe, a query parameter the endpoint does
// not take, and a range operator on one that is not a range.
func checkParams(spec endpointSpec, q url.Values) *apiError {
	for k := range q {
		name, op := k, ""
		if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
			name, op = k[:i], k[i+1:len(k)-1]
		}
		switch {
		case !slices.Contains(spec.Params, name):
			return invalid(400, "parameter_unknown", k, "Received unknown parameter: %s", k)
		case op == "" || name == "expand":
		case !slices.Contains(spec.Ranges, name) || !slices.Contains([]string{"gt", "gte", "lt", "lte"}, op):
			return invalid(400, "parameter_unknown", k, "Received unknown parameter: %s", k)
		default:
			if _, err := strconv.ParseInt(q.Get(k), 10, 64); err != nil {
				return invalid(400, "parameter_invalid_integer", k, "Invalid integer: %s", q.Get(k))
			}
		}
	}
	return nil
}

func (s *Server) retrieve(typ, id string) (map[string]any, *apiError) {
	o, ok := s.lookup(id)
	if !ok || objectType(o) != typ {
		return nil, invalid(404, "resource_missing", "id", "No such %s: '%s'", strings.ReplaceAll(typ, "_", " "), id)
	}
	return s.render(o), nil
}

// render returns a response-shaped deep copy of o: fake-only keys dropped
// and invoice lines cut to the embedded first page.
func (s *Server) render(o map[string]any) map[string]any {
	c := deepCopy(o).(map[string]any)
	for k := range c {
		if strings.HasPrefix(k, "_") {
			delete(c, k)
		}
	}
	if coll := collectionOf(objectType(c)); linesOf[coll] != "" {
		if lines, ok := c["lines"].(map[string]any); ok {
			data, _ := lines["data"].([]any)
			if len(data) > embeddedLines {
				lines["data"] = data[:embeddedLines]
				lines["has_more"] = true
			}
			lines["url"] = "/v1/" + coll + "/" + c["id"].(string) + "/lines"
		}
	}
	return c
}

// expand replaces ID strings along each dotted path with the referenced
// object, like Stripe: arrays on the way are walked element by element,
// "data" steps into lists, and fields absent from an object (common on
// polymorphic fields such as a balance transaction's source) are ignored.
func (s *Server) expand(o map[string]any, paths []string) map[string]any {
	for _, p := range paths {
		s.expandPath(o, strings.Split(p, "."))
	}
	return o
}

func (s *Server) expandPath(v any, path []string) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			s.expandPath(e, path)
		}
	case map[string]any:
		if len(path) == 0 {
			return
		}
		field, ok := v[path[0]]
		if !ok {
			return
		}
		if id, isID := field.(string); isID {
			ref, found := s.lookup(id)
			if !found {
				return // Stripe would too: unknown references stay IDs.
			}
			field = s.render(ref)
			v[path[0]] = field
		}
		s.expandPath(field, path[1:])
	}
}

func (s *Server) list(coll, typ string, q url.Values, expand []string) (any, *apiError) {
	type rng struct{ op, val string }
	var (
		eq     = map[string]string{}
		ranges = map[string][]rng{}
	)
	for k, vs := range q {
		if isPagingParam(k) || expandKey.MatchString(k) {
			continue
		}
		field, op := k, ""
		if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
			field, op = k[:i], k[i+1:len(k)-1]
		}
		if op == "" {
			eq[field] = vs[0]
			continue
		}
		ranges[field] = append(ranges[field], rng{op, vs[0]})
	}

	if po, ok := eq["payout"]; ok && coll == "balance_transactions" {
		p, found := s.lookup(po)
		if !found || objectType(p) != "payout" {
			return nil, invalid(404, "resource_missing", "payout", "No such payout: '%s'", po)
		}
		if a, _ := p["automatic"].(bool); !a {
			return nil, invalid(400, "", "payout", "Balance transaction history can only be filtered on automatic transfers, not manual.")
		}
	}

	match := func(o map[string]any) bool {
		for f, want := range eq {
			key := f
			if f == "payout" && coll == "balance_transactions" {
				key = "_payout"
			}
			if scalarString(o[key]) != want {
				return false
			}
		}
		for f, rs := range ranges {
			got := intField(o, f)
			for _, r := range rs {
				want, _ := strconv.ParseInt(r.val, 10, 64)
				ok := map[string]bool{"gt": got > want, "gte": got >= want, "lt": got < want, "lte": got <= want}[r.op]
				if !ok {
					return false
				}
			}
		}
		return true
	}
	var items []map[string]any
	for _, id := range s.sorted[typ] {
		if o := s.object(id); match(o) && o["deleted"] != true { // lists leave deleted objects out
			items = append(items, o)
		}
	}
	return s.page("/v1/"+coll, items, q, expand)
}

func isPagingParam(k string) bool {
	return k == "limit" || k == "starting_after" || k == "ending_before"
}

// collectionOf is the URL collection that serves object type typ.
func collectionOf(typ string) string {
	for coll, t := range resources {
		if t == typ {
			return coll
		}
	}
	return ""
}

// lines pages the lines of an invoice or a credit note.
func (s *Server) lines(coll, parentID string, q url.Values, expand []string) (any, *apiError) {
	typ := linesOf[coll]
	inv, ok := s.lookup(parentID)
	if !ok || objectType(inv) != typ {
		return nil, invalid(404, "resource_missing", typ, "No such %s: '%s'", strings.ReplaceAll(typ, "_", " "), parentID)
	}
	var items []map[string]any
	if lines, ok := inv["lines"].(map[string]any); ok {
		data, _ := lines["data"].([]any)
		for _, l := range data {
			if m, ok := l.(map[string]any); ok {
				items = append(items, m)
			}
		}
	}
	return s.page("/v1/"+coll+"/"+parentID+"/lines", items, q, expand)
}

// page applies Stripe's cursor pagination to items (already in list order)
// and expands what was asked: list expansions start with "data.".
func (s *Server) page(path string, items []map[string]any, q url.Values, expand []string) (any, *apiError) {
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, invalid(400, "parameter_invalid_integer", "limit", "Invalid integer: %s", v)
		}
		if n < 1 || n > 100 {
			return nil, invalid(400, "parameter_invalid_integer", "limit", "This value must be greater than or equal to 1 and less than or equal to 100.")
		}
		limit = n
	}
	after, before := q.Get("starting_after"), q.Get("ending_before")
	if after != "" && before != "" {
		return nil, invalid(400, "", "ending_before", "You may only specify one of these parameters: ending_before, starting_after.")
	}
	index := func(id string) int {
		return slices.IndexFunc(items, func(o map[string]any) bool { return o["id"] == id })
	}
	var sel []map[string]any
	hasMore := false
	switch {
	case after != "":
		i := index(after)
		if i < 0 {
			return nil, invalid(400, "resource_missing", "starting_after", "No such object: '%s'", after)
		}
		rest := items[i+1:]
		hasMore = len(rest) > limit
		sel = rest[:min(limit, len(rest))]
	case before != "":
		i := index(before)
		if i < 0 {
			return nil, invalid(400, "resource_missing", "ending_before", "No such object: '%s'", before)
		}
		prev := items[:i]
		hasMore = len(prev) > limit
		sel = prev[max(0, len(prev)-limit):]
	default:
		hasMore = len(items) > limit
		sel = items[:min(limit, len(items))]
	}
	data := make([]any, 0, len(sel))
	for _, o := range sel {
		data = append(data, s.render(o))
	}
	list := map[string]any{"object": "list", "url": path, "has_more": hasMore, "data": data}
	return s.expand(list, expand), nil
}

func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	case nil:
		return ""
	case map[string]any: // an embedded object compares by its ID
		return scalarString(v["id"])
	default:
		return fmt.Sprint(v)
	}
}

// intField reads an integer field whether it came from a file (json.Number)
// or from the builder (Go integers).
func intField(o map[string]any, k string) int64 {
	switch v := o[k].(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

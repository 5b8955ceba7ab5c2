package payout

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

// exchange is one request the Reader sent and what the fake answered.
type exchange struct {
	method string
	url    *url.URL
	status int
	body   []byte
}

// recorder wraps a handler and keeps every exchange.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	log  []exchange
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := httptest.NewRecorder()
	rec.next.ServeHTTP(rw, r)
	for k, vs := range rw.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rw.Code)
	_, _ = w.Write(rw.Body.Bytes())
	u := *r.URL
	rec.mu.Lock()
	rec.log = append(rec.log, exchange{r.Method, &u, rw.Code, rw.Body.Bytes()})
	rec.mu.Unlock()
}

// TestStripeContract runs every request the Reader makes against the fake,
// for every scenario, and checks each response against Stripe's published
// schemas at API 2023-10-16 (../shared/stripe-schema): required and
// always-sent fields, nullability, types, enums, no invented fields,
// expandable references as an ID or the right object, and expansions
// applied where asked. It also checks that each query parameter the Reader
// sends is one the endpoint takes.
func TestStripeContract(t *testing.T) {
	schema := loadStripeSchema(t)
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(dir)
		s := schema
		if cat, ok := newerCategories[name]; ok {
			c := *schema
			c.ReportingCategories = append(slices.Clone(schema.ReportingCategories), cat)
			s = &c
		}
		t.Run(name, func(t *testing.T) { checkContract(t, s, loadScenario(t, name)) })
	}
}

// newerCategories are the scenarios that model a newer Stripe API on
// purpose: a reporting_category outside the 37 of 2023-10-16, which the
// contract accepts there (and only there).
var newerCategories = map[string]string{"unknown_category": "payment_network_reserved_funds"}

// TestStripeContractDeletedCustomer: a deleted customer is served as
// Stripe's deleted_customer, directly and where a charge expands it.
func TestStripeContractDeletedCustomer(t *testing.T) {
	schema := loadStripeSchema(t)
	b := stripefake.NewBuilder(7, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	gone := b.Customer(stripefake.CustomerSpec{Name: "Gone", Email: "gone@example.com"})
	kept := b.Customer(stripefake.CustomerSpec{Name: "Kept", Email: "kept@example.com"})
	b.Charge(stripefake.ChargeSpec{Customer: gone, Amount: 5000})
	b.Charge(stripefake.ChargeSpec{Customer: kept, Amount: 7000})
	b.DeleteCustomer(gone)
	b.Payout(stripefake.PayoutSpec{ArrivalDate: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC)})
	log := checkContract(t, schema, b.Scenario())
	deleted := 0
	for _, ex := range log {
		if strings.Contains(string(ex.body), `"deleted":true`) {
			deleted++
		}
	}
	if deleted == 0 {
		t.Error("no response carried the deleted customer")
	}
}

// checkContract runs the Reader against sc and checks every exchange.
func checkContract(t *testing.T, schema *stripeSchema, sc *stripefake.Scenario) []exchange {
	t.Helper()
	rec := &recorder{next: stripefake.New(sc, testKey)}
	hs := httptest.NewServer(rec)
	defer hs.Close()
	r, err := NewReader(ReaderConfig{APIKey: testKey, APIBase: hs.URL, HTTPClient: hs.Client()})
	if err != nil {
		t.Fatal(err)
	}
	exerciseReader(t, r, sc)
	if len(rec.log) == 0 {
		t.Fatal("no requests recorded")
	}
	unexpanded := map[string]bool{}
	for _, ex := range rec.log {
		for _, p := range checkExchange(schema, sc, ex, unexpanded) {
			t.Errorf("%s %s: %s", ex.method, ex.url.Path, p)
		}
	}
	if len(unexpanded) > 0 {
		t.Logf("references left as IDs because the scenario holds no such object: %v", slices.Sorted(mapKeys(unexpanded)))
	}
	return rec.log
}

// exerciseReader makes every kind of request the Reader has: payout lists
// (all, and paid in the scenario's window), each payout, each automatic
// payout's snapshot (transactions, sources, charges, invoices with their
// lines, customers) and each invoice fetched afresh.
func exerciseReader(t *testing.T, r *Reader, sc *stripefake.Scenario) {
	t.Helper()
	ctx := context.Background()
	all, err := r.ListPayouts(ctx, PayoutFilter{})
	if err != nil {
		t.Fatal(err)
	}
	from, to := sc.ArrivalWindow()
	if _, err := r.ListPayouts(ctx, PayoutFilter{Status: "paid", ArrivalFrom: from, ArrivalTo: to}); err != nil {
		t.Fatal(err)
	}
	invoices := map[string]bool{}
	for _, p := range all {
		if _, err := r.GetPayout(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if !p.Automatic {
			continue
		}
		snap, err := r.Snapshot(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for id := range snap.Invoices {
			invoices[id] = true
		}
	}
	for _, id := range slices.Sorted(mapKeys(invoices)) {
		if _, _, err := r.Invoice(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// checkExchange lists what is wrong with one exchange by the contract.
func checkExchange(s *stripeSchema, sc *stripefake.Scenario, ex exchange, unexpanded map[string]bool) []string {
	tmpl, ok := s.endpoint(ex.url.Path)
	if !ok {
		return []string{"the fake serves a path the contract does not have"}
	}
	v := &validator{s: s}
	ep := s.Paths[tmpl]
	for k := range ex.url.Query() {
		name, _, _ := strings.Cut(k, "[")
		if !slices.ContainsFunc(ep.Parameters, func(p struct {
			In   string `json:"in"`
			Name string `json:"name"`
		}) bool {
			return p.In == "query" && p.Name == name
		}) {
			v.fail("request", "query parameter %q is not one %s takes", k, tmpl)
		}
	}
	body, err := decodeJSON(ex.body)
	if err != nil {
		return append(v.problems, "response is not JSON: "+err.Error())
	}
	if ex.status != http.StatusOK {
		v.check("error", body, s.Schemas["error"])
		return v.problems
	}
	v.check("response", body, ep.Response)
	v.validateReportingCategories("response", body)
	for k, paths := range ex.url.Query() {
		if !expandParam.MatchString(k) {
			continue
		}
		for _, p := range paths {
			v.checkExpanded("response", body, strings.Split(p, "."), func(id string) bool {
				if _, ok := sc.Objects[id]; ok {
					return false
				}
				unexpanded[p+" "+id] = true
				return true
			})
		}
	}
	return v.problems
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

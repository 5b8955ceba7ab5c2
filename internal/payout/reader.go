package payout

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// ReaderConfig configures a Reader.
type ReaderConfig struct {
	APIKey string
	// APIBase is the API root, e.g. a stripefake URL; default https://api.stripe.com.
	APIBase    string
	HTTPClient *http.Client
	Logger     *slog.Logger
	// MaxAttempts bounds how often one request is sent while Stripe answers
	// 429 rate_limit (default 6). stripe-go itself does not retry those.
	MaxAttempts int
	// Sleep waits between attempts; tests inject a fake. Default: a timer
	// that gives up when ctx ends.
	Sleep func(context.Context, time.Duration) error
	// NetworkRetries is how often stripe-go retries network errors, 409
	// and 5xx (stripe.max_retries); nil means 2.
	NetworkRetries *int64
}

// PayoutFilter selects payouts for ListPayouts.
type PayoutFilter struct {
	// Status is a Stripe payout status ("paid", "in_transit", "pending",
	// …); "" lists payouts of every status. Reconciliation wants "paid".
	Status string
	// ArrivalFrom and ArrivalTo bound the arrival date, inclusive; zero
	// leaves that side open. Stripe stamps arrival dates at 00:00 UTC.
	ArrivalFrom, ArrivalTo time.Time
}

// Reader reads payouts and everything needed to account for them from the
// Stripe API. Objects other than payouts and balance transactions are
// cached for the Reader's lifetime, so a run over many payouts fetches
// each invoice, customer and charge once. Safe for concurrent use
// (concurrent snapshots may occasionally fetch the same object twice).
type Reader struct {
	api         *client.API
	log         *slog.Logger
	maxAttempts int
	sleep       func(context.Context, time.Duration) error
	requests    *requestCounter

	mu        sync.Mutex
	charges   map[string]*Charge
	refunds   map[string]*Refund
	disputes  map[string]*Dispute
	invoices  map[string]*Invoice
	customers map[string]*Customer
	// missing remembers IDs Stripe answered 404 for, so they are not asked
	// again; the planner holds whatever needed them.
	missing map[string]bool
}

// pageSize is Stripe's maximum list page.
const pageSize = 100

// Expansions. Stripe allows four levels; each one here replaces a request
// per object with bytes in a response we fetch anyway. Invoices are not
// expanded from balance transactions: their lines need the product
// expansion (too deep from there) and paging, so each distinct invoice is
// fetched once instead.
func balanceTxnExpand() []string {
	return []string{
		"data.source",                 // the charge/refund/dispute itself
		"data.source.customer",        // a charge's customer
		"data.source.charge",          // a refund's or dispute's charge
		"data.source.charge.customer", // … and that charge's customer
	}
}

func invoiceExpand() []string {
	return []string{"customer", "lines.data.price.product", "total_discount_amounts.discount"}
}

// NewReader builds a Reader with its own stripe-go client: no stripe-go
// globals are read or written.
func NewReader(cfg ReaderConfig) (*Reader, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("stripe: API key is empty")
	}
	base := cfg.APIBase
	if base == "" {
		base = stripe.APIURL
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 80 * time.Second}
	}
	counter := &requestCounter{counts: map[string]int{}}
	counted := *hc // never modify the caller's client
	counted.Transport = counter.wrap(hc.Transport)

	// 2 retries on network errors, 409 and 5xx: stripe-go's default,
	// spelled out because the global default is mutable.
	retries := int64(2)
	if cfg.NetworkRetries != nil {
		retries = *cfg.NetworkRetries
	}
	if u, err := url.Parse(base); err != nil || u.Host == "" {
		return nil, fmt.Errorf("stripe: api base %q is not an absolute URL", base)
	} else if u.Scheme != "https" && !isLoopbackHost(u.Hostname()) {
		// The secret key travels with every request.
		return nil, fmt.Errorf("stripe: api base %s: plain http is only allowed for loopback addresses; use https", u.Redacted())
	}
	telemetry := false
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{
		URL:               stripe.String(base),
		HTTPClient:        &counted,
		LeveledLogger:     slogLeveled{log.With("component", "stripe-go")},
		MaxNetworkRetries: &retries,
		EnableTelemetry:   &telemetry,
	})
	r := &Reader{
		api:         client.New(cfg.APIKey, &stripe.Backends{API: backend, Connect: backend, Uploads: backend}),
		log:         log,
		maxAttempts: cmp.Or(cfg.MaxAttempts, 6),
		sleep:       cfg.Sleep,
		requests:    counter,
		charges:     map[string]*Charge{},
		refunds:     map[string]*Refund{},
		disputes:    map[string]*Dispute{},
		invoices:    map[string]*Invoice{},
		customers:   map[string]*Customer{},
		missing:     map[string]bool{},
	}
	if r.sleep == nil {
		r.sleep = sleepCtx
	}
	return r, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Requests returns how many HTTP requests were sent per route
// ("GET /v1/invoices/:id"), retries included.
func (r *Reader) Requests() map[string]int { return r.requests.snapshot() }

// ListPayouts returns the payouts matching f, oldest arrival first (then by
// ID), manual ones included so the caller can report them.
func (r *Reader) ListPayouts(ctx context.Context, f PayoutFilter) ([]Payout, error) {
	var out []Payout
	err := r.pages(ctx, "listing payouts", func(after string) (string, bool, error) {
		p := &stripe.PayoutListParams{}
		r.listParams(ctx, &p.ListParams, after)
		if f.Status != "" {
			p.Status = stripe.String(f.Status)
		}
		if !f.ArrivalFrom.IsZero() || !f.ArrivalTo.IsZero() {
			p.ArrivalDateRange = &stripe.RangeQueryParams{}
			if !f.ArrivalFrom.IsZero() {
				p.ArrivalDateRange.GreaterThanOrEqual = f.ArrivalFrom.Unix()
			}
			if !f.ArrivalTo.IsZero() {
				p.ArrivalDateRange.LesserThanOrEqual = f.ArrivalTo.Unix()
			}
		}
		it := r.api.Payouts.List(p)
		var page []Payout
		for it.Next() {
			page = append(page, toPayout(it.Payout()))
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		out = append(out, page...)
		return lastID(page, func(p Payout) string { return p.ID }), it.Meta().HasMore, nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Payout) int {
		return cmp.Or(a.ArrivalDate.Compare(b.ArrivalDate), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// GetPayout fetches one payout.
func (r *Reader) GetPayout(ctx context.Context, id string) (Payout, error) {
	var p *stripe.Payout
	err := r.call(ctx, "getting payout "+id, func() (err error) {
		params := &stripe.PayoutParams{}
		params.Context = ctx
		p, err = r.api.Payouts.Get(id, params)
		return err
	})
	if err != nil {
		return Payout{}, err
	}
	return toPayout(p), nil
}

// listTxns lists every balance transaction of an automatic payout, with
// their sources expanded.
func (r *Reader) listTxns(ctx context.Context, payoutID string) ([]BalanceTransaction, error) {
	var out []BalanceTransaction
	what := "listing balance transactions of " + payoutID
	err := r.pages(ctx, what, func(after string) (string, bool, error) {
		params := &stripe.BalanceTransactionListParams{Payout: stripe.String(payoutID)}
		r.listParams(ctx, &params.ListParams, after)
		for _, e := range balanceTxnExpand() {
			params.AddExpand(e)
		}
		it := r.api.BalanceTransactions.List(params)
		var page []*stripe.BalanceTransaction
		for it.Next() {
			page = append(page, it.BalanceTransaction())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		for _, t := range page {
			out = append(out, toBalanceTransaction(t))
			r.keepSource(t.Source)
		}
		return lastID(page, func(t *stripe.BalanceTransaction) string { return t.ID }), it.Meta().HasMore, nil
	})
	return out, err
}

// Snapshot reads an automatic payout's balance transactions and every
// object they need. Objects Stripe no longer has (404) are left out for the
// planner to hold the payout on; any other failure is an error.
func (r *Reader) Snapshot(ctx context.Context, p Payout) (*Snapshot, error) {
	if !p.Automatic {
		return nil, fmt.Errorf("stripe: payout %s is manual (automatic=false): Stripe cannot list its balance transactions", p.ID)
	}
	snap := &Snapshot{
		Payout:    p,
		Charges:   map[string]*Charge{},
		Refunds:   map[string]*Refund{},
		Disputes:  map[string]*Dispute{},
		Invoices:  map[string]*Invoice{},
		Customers: map[string]*Customer{},
	}
	txns, err := r.listTxns(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	snap.Transactions = txns
	// A failed or cancelled payout's funds come back as one transaction in
	// a later payout; what they were (charges, refunds, fees) was never
	// deposited, so fetch it to account for it here, record by record.
	for _, t := range txns {
		if (t.Type != "payout_failure" && t.Type != "payout_cancel") || !strings.HasPrefix(t.Source, "po_") || t.Source == p.ID {
			continue
		}
		carried, err := r.listTxns(ctx, t.Source)
		if err != nil {
			return nil, err
		}
		for _, c := range carried {
			if c.Type == "payout" && c.Source == t.Source {
				continue // the failed payout's own withdrawal
			}
			c.Via = t.ID
			snap.Transactions = append(snap.Transactions, c)
		}
	}

	// Walk from the transactions outwards: sources, then the charges that
	// refunds and disputes point at, then invoices (whose expansion brings
	// their customers), then any customer still unknown.
	for _, t := range snap.Transactions {
		switch t.SourceType {
		case "charge":
			if c, err := r.charge(ctx, t.Source); err != nil {
				return nil, err
			} else if c != nil {
				snap.Charges[c.ID] = c
			}
		case "refund":
			if rf, err := r.refund(ctx, t.Source); err != nil {
				return nil, err
			} else if rf != nil {
				snap.Refunds[rf.ID] = rf
			}
		case "dispute":
			if d, err := r.dispute(ctx, t.Source); err != nil {
				return nil, err
			} else if d != nil {
				snap.Disputes[d.ID] = d
			}
		}
	}
	var parents []string
	for _, rf := range snap.Refunds {
		parents = append(parents, rf.Charge)
	}
	for _, d := range snap.Disputes {
		parents = append(parents, d.Charge)
	}
	slices.Sort(parents) // deterministic request order
	for _, id := range parents {
		c, err := r.charge(ctx, id)
		if err != nil {
			return nil, err
		}
		if c != nil {
			snap.Charges[c.ID] = c
		}
	}
	for _, id := range sortedKeys(snap.Charges) {
		c := snap.Charges[id]
		if c.Invoice == "" {
			continue
		}
		inv, err := r.invoice(ctx, c.Invoice, false)
		if err != nil {
			return nil, err
		}
		if inv != nil {
			snap.Invoices[inv.ID] = inv
		}
	}
	var custIDs []string
	for _, c := range snap.Charges {
		custIDs = append(custIDs, c.Customer)
	}
	for _, inv := range snap.Invoices {
		custIDs = append(custIDs, inv.Customer)
	}
	slices.Sort(custIDs)
	for _, id := range slices.Compact(custIDs) {
		c, err := r.customer(ctx, id)
		if err != nil {
			return nil, err
		}
		if c != nil {
			snap.Customers[c.ID] = c
		}
	}
	return snap, nil
}

// Invoice fetches an invoice afresh (for real-time sync, where it may have
// just changed) with all its lines, and its customer.
func (r *Reader) Invoice(ctx context.Context, id string) (*Invoice, *Customer, error) {
	inv, err := r.invoice(ctx, id, true)
	if err != nil {
		return nil, nil, err
	}
	if inv == nil {
		return nil, nil, fmt.Errorf("stripe: getting invoice %s: no such invoice", id)
	}
	cust, err := r.customer(ctx, inv.Customer)
	if err != nil {
		return nil, nil, err
	}
	return inv, cust, nil
}

// keepSource caches whatever the balance transaction list expanded.
func (r *Reader) keepSource(src *stripe.BalanceTransactionSource) {
	if src == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case src.Charge != nil && expanded(src.Charge.Object):
		r.keepChargeLocked(src.Charge)
	case src.Refund != nil && expanded(src.Refund.Object):
		r.refunds[src.Refund.ID] = toRefund(src.Refund)
		if src.Refund.Charge != nil && expanded(src.Refund.Charge.Object) {
			r.keepChargeLocked(src.Refund.Charge)
		}
	case src.Dispute != nil && expanded(src.Dispute.Object):
		r.disputes[src.Dispute.ID] = toDispute(src.Dispute)
		if src.Dispute.Charge != nil && expanded(src.Dispute.Charge.Object) {
			r.keepChargeLocked(src.Dispute.Charge)
		}
	}
}

func (r *Reader) keepChargeLocked(c *stripe.Charge) {
	r.charges[c.ID] = toCharge(c)
	if c.Customer != nil && expanded(c.Customer.Object) {
		r.customers[c.Customer.ID] = toCustomer(c.Customer)
	}
}

// cached returns the cached value for id, or whether Stripe said it is
// gone, under the lock.
func cached[T any](r *Reader, m map[string]*T, id string) (v *T, known bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := m[id]; ok {
		return v, true
	}
	return nil, r.missing[id]
}

// fetch gets one object through the cache: get is called only on a miss,
// and a 404 is remembered as missing (nil, nil).
func fetch[T any](ctx context.Context, r *Reader, m map[string]*T, id, what string, get func() (*T, error)) (*T, error) {
	if id == "" {
		return nil, nil
	}
	if v, known := cached(r, m, id); known {
		return v, nil
	}
	var v *T
	err := r.call(ctx, what+" "+id, func() (err error) {
		v, err = get()
		return err
	})
	if isMissing(err) {
		r.log.Warn("stripe object is missing; the payout will be held", "id", id, "error", err)
		r.mu.Lock()
		r.missing[id] = true
		r.mu.Unlock()
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	m[id] = v
	r.mu.Unlock()
	return v, nil
}

func (r *Reader) charge(ctx context.Context, id string) (*Charge, error) {
	return fetch(ctx, r, r.charges, id, "getting charge", func() (*Charge, error) {
		p := &stripe.ChargeParams{}
		p.Context = ctx
		p.AddExpand("customer")
		c, err := r.api.Charges.Get(id, p)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		if c.Customer != nil && expanded(c.Customer.Object) {
			r.customers[c.Customer.ID] = toCustomer(c.Customer)
		}
		r.mu.Unlock()
		return toCharge(c), nil
	})
}

func (r *Reader) refund(ctx context.Context, id string) (*Refund, error) {
	return fetch(ctx, r, r.refunds, id, "getting refund", func() (*Refund, error) {
		p := &stripe.RefundParams{}
		p.Context = ctx
		p.AddExpand("charge")
		p.AddExpand("charge.customer")
		rf, err := r.api.Refunds.Get(id, p)
		if err != nil {
			return nil, err
		}
		if rf.Charge != nil && expanded(rf.Charge.Object) {
			r.mu.Lock()
			r.keepChargeLocked(rf.Charge)
			r.mu.Unlock()
		}
		return toRefund(rf), nil
	})
}

func (r *Reader) dispute(ctx context.Context, id string) (*Dispute, error) {
	return fetch(ctx, r, r.disputes, id, "getting dispute", func() (*Dispute, error) {
		p := &stripe.DisputeParams{}
		p.Context = ctx
		p.AddExpand("charge")
		p.AddExpand("charge.customer")
		d, err := r.api.Disputes.Get(id, p)
		if err != nil {
			return nil, err
		}
		if d.Charge != nil && expanded(d.Charge.Object) {
			r.mu.Lock()
			r.keepChargeLocked(d.Charge)
			r.mu.Unlock()
		}
		return toDispute(d), nil
	})
}

func (r *Reader) customer(ctx context.Context, id string) (*Customer, error) {
	return fetch(ctx, r, r.customers, id, "getting customer", func() (*Customer, error) {
		p := &stripe.CustomerParams{}
		p.Context = ctx
		c, err := r.api.Customers.Get(id, p)
		if err != nil {
			return nil, err
		}
		return toCustomer(c), nil
	})
}

// invoice gets an invoice with all of its lines; fresh bypasses the cache.
func (r *Reader) invoice(ctx context.Context, id string, fresh bool) (*Invoice, error) {
	if fresh {
		r.mu.Lock()
		delete(r.invoices, id)
		delete(r.missing, id)
		r.mu.Unlock()
	}
	return fetch(ctx, r, r.invoices, id, "getting invoice", func() (*Invoice, error) {
		p := &stripe.InvoiceParams{}
		p.Context = ctx
		for _, e := range invoiceExpand() {
			p.AddExpand(e)
		}
		inv, err := r.api.Invoices.Get(id, p)
		if err != nil {
			return nil, err
		}
		if inv.Customer != nil && expanded(inv.Customer.Object) {
			r.mu.Lock()
			r.customers[inv.Customer.ID] = toCustomer(inv.Customer)
			r.mu.Unlock()
		}
		var lines []*stripe.InvoiceLineItem
		more := false
		if inv.Lines != nil {
			lines = append(lines, inv.Lines.Data...)
			more = inv.Lines.HasMore
		}
		if more && len(lines) > 0 {
			rest, err := r.invoiceLines(ctx, id, lines[len(lines)-1].ID)
			if err != nil {
				return nil, err
			}
			lines = append(lines, rest...)
		}
		return toInvoice(inv, lines), nil
	})
}

// invoiceLines pages through an invoice's lines after the embedded ones.
func (r *Reader) invoiceLines(ctx context.Context, id, after string) ([]*stripe.InvoiceLineItem, error) {
	var out []*stripe.InvoiceLineItem
	err := r.pagesFrom(ctx, "listing lines of invoice "+id, after, func(after string) (string, bool, error) {
		p := &stripe.InvoiceListLinesParams{Invoice: stripe.String(id)}
		r.listParams(ctx, &p.ListParams, after)
		p.AddExpand("data.price.product")
		it := r.api.Invoices.ListLines(p)
		var page []*stripe.InvoiceLineItem
		for it.Next() {
			page = append(page, it.InvoiceLineItem())
		}
		if err := it.Err(); err != nil {
			return "", false, err
		}
		out = append(out, page...)
		return lastID(page, func(l *stripe.InvoiceLineItem) string { return l.ID }), it.Meta().HasMore, nil
	})
	return out, err
}

// listParams sets up one page: we page by hand (Single) so that a
// rate-limited page is retried alone instead of restarting the listing.
func (r *Reader) listParams(ctx context.Context, p *stripe.ListParams, after string) {
	p.Context = ctx
	p.Single = true
	p.Limit = stripe.Int64(pageSize)
	if after != "" {
		p.StartingAfter = stripe.String(after)
	}
}

// pages calls page for each page until Stripe reports no more. page returns
// the last ID on it and has_more; it must only keep its results on success.
func (r *Reader) pages(ctx context.Context, what string, page func(after string) (string, bool, error)) error {
	return r.pagesFrom(ctx, what, "", page)
}

func (r *Reader) pagesFrom(ctx context.Context, what, after string, page func(after string) (string, bool, error)) error {
	for {
		var last string
		var more bool
		err := r.call(ctx, what, func() (err error) {
			last, more, err = page(after)
			return err
		})
		if err != nil {
			return err
		}
		if !more || last == "" {
			return nil
		}
		after = last
	}
}

func lastID[T any](page []T, id func(T) string) string {
	if len(page) == 0 {
		return ""
	}
	return id(page[len(page)-1])
}

// call runs one request, backing off while Stripe rate-limits it, and
// names the object in any error.
func (r *Reader) call(ctx context.Context, what string, do func() error) error {
	for attempt := 1; ; attempt++ {
		err := do()
		if err == nil {
			return nil
		}
		if !isRateLimited(err) || attempt >= r.maxAttempts {
			return &Error{What: what, Err: err}
		}
		d := backoff(attempt)
		r.log.Warn("stripe rate limit; backing off", "request", what, "attempt", attempt, "delay", d)
		if serr := r.sleep(ctx, d); serr != nil {
			return &Error{What: what, Err: serr}
		}
	}
}

// backoff is exponential from 500 ms, capped at 30 s, with jitter over the
// upper half so parallel clients (other integrations share the account's
// rate limit) do not retry in lockstep.
func backoff(attempt int) time.Duration {
	d := min(500*time.Millisecond<<(attempt-1), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// Error is a failed Stripe request, naming what was being read.
type Error struct {
	What string // e.g. "listing balance transactions of po_123"
	Err  error
}

func (e *Error) Error() string {
	var se *stripe.Error
	if errors.As(e.Err, &se) {
		msg := fmt.Sprintf("stripe: %s: %s (HTTP %d", e.What, se.Msg, se.HTTPStatusCode)
		if se.Code != "" {
			msg += ", " + string(se.Code)
		}
		if se.RequestID != "" {
			msg += ", request " + se.RequestID
		}
		return msg + ")"
	}
	return "stripe: " + e.What + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func stripeStatus(err error) (int, stripe.ErrorCode) {
	var se *stripe.Error
	if errors.As(err, &se) {
		return se.HTTPStatusCode, se.Code
	}
	return 0, ""
}

func isRateLimited(err error) bool {
	status, _ := stripeStatus(err)
	return status == http.StatusTooManyRequests
}

func isMissing(err error) bool {
	status, code := stripeStatus(err)
	return status == http.StatusNotFound && code == stripe.ErrorCodeResourceMissing
}

// IsAuth reports whether err is Stripe rejecting the API key.
func IsAuth(err error) bool {
	status, _ := stripeStatus(err)
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// slogLeveled routes stripe-go's own logging to slog at debug level: its
// "request error" lines duplicate the errors we return.
type slogLeveled struct{ l *slog.Logger }

// Debugf is dropped: stripe-go logs whole response bodies there (customer
// names and emails), which do not belong in logs.
func (s slogLeveled) Debugf(string, ...any)     {}
func (s slogLeveled) Infof(f string, v ...any)  { s.l.Debug(fmt.Sprintf(f, v...)) }
func (s slogLeveled) Warnf(f string, v ...any)  { s.l.Debug(fmt.Sprintf(f, v...)) }
func (s slogLeveled) Errorf(f string, v ...any) { s.l.Debug(fmt.Sprintf(f, v...)) }

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requestCounter counts requests per route at the transport, so retries by
// stripe-go and by us are all seen.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *requestCounter) wrap(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.counts[route(req.Method, req.URL.Path)]++
		c.mu.Unlock()
		return base.RoundTrip(req)
	})
}

func (c *requestCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// route names a request by method and path pattern: IDs become ":id", as
// in stripefake.Route (a test keeps the two in step).
func route(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "v1" {
		parts[2] = ":id"
	}
	return method + " /" + strings.Join(parts, "/")
}

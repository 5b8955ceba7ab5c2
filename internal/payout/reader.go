package payout

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// Timeout bounds one HTTP request (stripe.timeout); zero keeps the
	// HTTP client's own timeout (80 s for the default client).
	Timeout time.Duration
	// FetchConcurrency bounds the per-object requests (charges, refunds,
	// disputes, invoices, customers) one snapshot has in flight; zero means
	// 4 (fetchall.go). List pages are read one after another.
	FetchConcurrency int
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
// each invoice, customer and charge once. A snapshot fetches objects a few
// at a time (ReaderConfig.FetchConcurrency). Safe for concurrent use
// (concurrent snapshots may occasionally fetch the same object twice).
type Reader struct {
	api         *client.API
	log         *slog.Logger
	maxAttempts int
	sleep       func(context.Context, time.Duration) error
	requests    *requestCounter
	// fetchConcurrency bounds a snapshot's per-object requests in flight.
	fetchConcurrency int

	mu        sync.Mutex
	charges   map[string]*Charge
	refunds   map[string]*Refund
	disputes  map[string]*Dispute
	invoices  map[string]*Invoice
	customers map[string]*Customer
	// invoiceTotalsCache holds invoices read without their lines
	// (DepthSummaryTax, depth.go).
	invoiceTotalsCache map[string]*Invoice
	// invoiceNotes holds each invoice's credit notes (creditnote.go).
	invoiceNotes map[string][]*CreditNote
	// missing remembers IDs Stripe answered 404 for, so they are not asked
	// again; the planner holds whatever needed them.
	missing map[string]bool
}

// pageSize is Stripe's maximum list page.
const pageSize = 100

// Expansions. Stripe's docs show expand[]=data.source on a payout's
// balance-transaction list; deeper paths (data.source.charge,
// data.source.customer) exist for some of the 17 source types only, and
// whether Stripe accepts them on a page mixing types is not documented. So
// the list asks for the sources alone, and the charges of refunds and
// disputes and the customers of charges are fetched one by one, through
// the cache (once per run). Invoices are not expanded from balance
// transactions either: their lines need the product expansion and paging,
// so each distinct invoice is fetched once.
func balanceTxnExpand() []string {
	return []string{"data.source"}
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
	if cfg.Timeout > 0 {
		counted.Timeout = cfg.Timeout
	}
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

		fetchConcurrency:   cmp.Or(cfg.FetchConcurrency, defaultFetchConcurrency),
		invoiceNotes:       map[string][]*CreditNote{},
		invoiceTotalsCache: map[string]*Invoice{},
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

// Invoice fetches an invoice afresh (for real-time sync, where it may have
// just changed) with all its lines, and its customer. The error matches
// ErrNotFound when Stripe has no such invoice.
func (r *Reader) Invoice(ctx context.Context, id string) (*Invoice, *Customer, error) {
	inv, err := r.invoice(ctx, id, true)
	if err != nil {
		return nil, nil, err
	}
	if inv == nil {
		return nil, nil, &Error{What: "getting invoice " + id, Err: notFound("invoice")}
	}
	cust, err := r.customer(ctx, inv.Customer)
	if err != nil {
		return nil, nil, err
	}
	return inv, cust, nil
}

package payout

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
)

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
	seen := map[string]bool{}
	for n := 1; ; n++ {
		var last string
		var more bool
		err := r.call(ctx, what, func() (err error) {
			last, more, err = page(after)
			return err
		})
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		// Stripe says there is more: the list must move on, or it would be
		// read forever (or cut short without a word).
		switch {
		case last == "":
			return &Error{What: what, Err: fmt.Errorf("page %d is empty but Stripe says has_more: the list makes no progress", n)}
		case last == after || seen[last]:
			return &Error{What: what, Err: fmt.Errorf("page %d ends at %s again: the list repeats a cursor", n, last)}
		case n >= maxPages:
			return &Error{What: what, Err: fmt.Errorf("more than %d pages: giving up on a list that does not end", maxPages)}
		}
		seen[last] = true
		after = last
	}
}

// maxPages bounds one list: 10 million objects, far beyond any payout,
// yet finite.
const maxPages = 100_000

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

// Is makes a request Stripe answered 404 resource_missing match
// ErrNotFound.
func (e *Error) Is(target error) bool { return target == ErrNotFound && isMissing(e.Err) }

// ErrNotFound means Stripe has no such object: it answered 404
// resource_missing. Check for it with errors.Is.
var ErrNotFound = errors.New("stripe: no such object")

// notFound is ErrNotFound naming the kind of object ("invoice"), for an
// object the Reader found missing (now, or earlier and remembered).
type notFound string

func (k notFound) Error() string      { return "no such " + string(k) }
func (notFound) Is(target error) bool { return target == ErrNotFound }

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

// IsInvalid reports whether Stripe refused the request itself (400, or
// 404: an ID that does not exist or cannot), which sending it again
// cannot fix.
func IsInvalid(err error) bool {
	status, _ := stripeStatus(err)
	return status == http.StatusBadRequest || status == http.StatusNotFound
}

// IsAuth reports whether err is Stripe rejecting the API key.
func IsAuth(err error) bool {
	status, _ := stripeStatus(err)
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

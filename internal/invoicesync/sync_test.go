package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stripe/stripe-go/v76"

	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

type failingReader struct{ err error }

func (f failingReader) Invoice(context.Context, string) (*payout.Invoice, *payout.Customer, error) {
	return nil, nil, f.err
}

// A failure to read the invoice is retried unless Stripe has no such
// invoice, which stays missing.
func TestStripeFailureRetry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		retry bool
	}{
		{"not found", fmt.Errorf("reading: %w", payout.ErrNotFound), false},
		{"network", errors.New("stripe: getting invoice in_1: connection refused"), true},
		{"message only", errors.New("stripe: getting invoice in_1: no such invoice"), true},
		{"invalid request", &payout.Error{What: "getting invoice in_1", Err: &stripe.Error{HTTPStatusCode: 400, Msg: "Invalid id"}}, false},
		{"server error", &payout.Error{What: "getting invoice in_1", Err: &stripe.Error{HTTPStatusCode: 500, Msg: "oops"}}, true},
		{"throttled", &payout.Error{What: "getting invoice in_1", Err: &stripe.Error{HTTPStatusCode: 429, Msg: "slow down"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Syncer{Stripe: failingReader{tc.err}}
			res, err := s.Sync(context.Background(), "in_1")
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != outcome.Failed || res.Retry != tc.retry || res.Auth {
				t.Errorf("status %s retry %v auth %v; want failed, retry %v", res.Status, res.Retry, res.Auth, tc.retry)
			}
			if len(res.Problems) != 1 || res.Problems[0].Code != CodeStripe || res.Problems[0].Message != tc.err.Error() {
				t.Errorf("problems %+v", res.Problems)
			}
		})
	}
}

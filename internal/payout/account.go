package payout

import (
	"context"
	"net/http"

	"github.com/stripe/stripe-go/v76"
)

// AccountID returns the id (acct_…) of the Stripe account the API key
// belongs to (GET /v1/account). A restricted key without read access to
// the account gets "" and no error: the caller cannot tell the account,
// and says so; a rejected key is an error as everywhere.
func (r *Reader) AccountID(ctx context.Context) (string, error) {
	var acct *stripe.Account
	err := r.call(ctx, "getting the account", func() (err error) {
		p := &stripe.AccountParams{}
		p.Context = ctx // Accounts.Get takes no params, hence no context
		acct = &stripe.Account{}
		return r.api.Accounts.B.Call(http.MethodGet, "/v1/account", r.api.Accounts.Key, p, acct)
	})
	if status, _ := stripeStatus(err); err != nil && (status == http.StatusForbidden || status == http.StatusNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return acct.ID, nil
}

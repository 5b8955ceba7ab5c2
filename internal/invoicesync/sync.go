// Package invoicesync syncs one Stripe invoice to NetSuite as it is now:
// it reads the invoice, plans its customer, items and invoice, and pushes
// them. `nsrecon invoices sync` and the webhook listener's queue worker
// both use its Syncer.
package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
)

// InvoiceReader fetches an invoice's current state (payout.Reader).
type InvoiceReader interface {
	Invoice(ctx context.Context, id string) (*payout.Invoice, *payout.Customer, error)
}

// Pusher pushes a plan (push.Pusher).
type Pusher interface {
	Push(ctx context.Context, pl *plan.Plan) (push.Result, error)
}

// CustomerFinder finds an existing NetSuite customer by email
// (netsuite.Client), for customers.mode: match_email.
type CustomerFinder interface {
	FindCustomerByEmail(ctx context.Context, email string) (id string, found bool, err error)
}

// Syncer syncs one invoice: it reads the invoice as it is now in Stripe,
// plans its customer, items and invoice, and pushes them. Safe for
// concurrent use when its parts are.
type Syncer struct {
	Stripe   InvoiceReader
	Push     Pusher
	Settings plan.Settings
	// Customers answers email lookups in match_email mode; may be nil
	// otherwise.
	Customers CustomerFinder
	// Ledger, when set, supplies the NetSuite ID of the synced invoice for
	// the report: the ledger the pusher writes to.
	Ledger *ledger.Ledger
}

// Sync outcomes besides outcome.Synced, outcome.Held and
// outcome.Failed.
const (
	// CodeStripe is the problem code of a failure to read the invoice.
	CodeStripe = "STRIPE_ERROR"
)

// Result is what became of one invoice.
type Result struct {
	Invoice    string            `json:"invoice"`
	Number     string            `json:"number,omitempty"`
	Customer   string            `json:"customer,omitempty"`
	Status     outcome.Status    `json:"status"` // synced, held or failed
	NetSuiteID string            `json:"netsuite_id,omitempty"`
	Pushed     int               `json:"pushed"`
	Skipped    int               `json:"skipped"`
	Problems   []outcome.Problem `json:"problems,omitempty"`
	// Retry says a failure may pass by itself (NetSuite or Stripe
	// unreachable, busy or refusing the credentials): the worker keeps
	// the event queued. Otherwise a failure needs a person.
	Retry bool `json:"-"`
	// Auth says Stripe or NetSuite refused the credentials.
	Auth bool `json:"-"`
	// Charge is the charge that paid the invoice, if it is paid: real-time
	// sync (package realtime) books its payment next.
	Charge string `json:"-"`
}

// Sync syncs invoice id. The error is for what stops more than this
// invoice: cancellation or a broken ledger. Stripe's and NetSuite's
// answers are in the Result.
func (s *Syncer) Sync(ctx context.Context, id string) (Result, error) {
	res := Result{Invoice: id}
	inv, cust, err := s.Stripe.Invoice(ctx, id)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Status = outcome.Failed
		// A missing invoice stays missing, an invalid request stays
		// invalid; everything else (network, 5xx, rate limits, a revoked
		// key being replaced) may pass.
		res.Retry = !errors.Is(err, payout.ErrNotFound) && !payout.IsInvalid(err)
		fix := "check the invoice ID; retried while the error may pass"
		if payout.IsAuth(err) {
			fix, res.Auth = "check stripe.api_key (or STRIPE_API_KEY)", true
		}
		res.Problems = []outcome.Problem{{Code: CodeStripe, Object: id, Message: err.Error(), Fix: fix}}
		return res, nil
	}
	res.Number, res.Customer = inv.Number, inv.Customer
	if inv.Status == "paid" {
		res.Charge = inv.Charge
	}

	var known plan.Known
	if s.Settings.CustomerMode == "match_email" && cust != nil && cust.Email != "" && s.Customers != nil {
		email := strings.ToLower(cust.Email)
		nsID, found, err := s.Customers.FindCustomerByEmail(ctx, email)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Status, res.Retry = outcome.Failed, !netsuite.IsPermanent(err)
			res.Problems = []outcome.Problem{{Code: push.CodeRequestFailed, Object: cust.ID,
				Message: fmt.Sprintf("matching customer %s by email in NetSuite: %v", cust.ID, err),
				Fix:     "check NetSuite is reachable; retried while the error may pass"}}
			return res, nil
		}
		if found {
			known = emailMatch{email: email, id: nsID}
		}
	}

	pl := plan.BuildInvoice(inv, cust, s.Settings, known)
	if pl.Held() {
		res.Status, res.Problems = outcome.Held, pl.Problems
		return res, nil
	}
	pr, err := s.Push.Push(ctx, pl)
	res.Status, res.Pushed, res.Skipped = pr.Status, pr.Pushed, pr.Skipped
	if err != nil {
		return res, err
	}
	res.NetSuiteID, err = s.invoiceID(ctx, pl)
	if err != nil {
		return res, err
	}
	res.Retry = true
	res.Problems = append(res.Problems, pr.Problems...)
	for _, e := range pr.Errors {
		res.Problems = append(res.Problems, e.Problem())
		// NetSuite refused the record as sent: sending it again cannot
		// help, unless it refused the credentials, which a person fixes
		// without touching the queue.
		if e.IsAuth() {
			res.Auth = true
		} else if e.Permanent {
			res.Retry = false
		}
	}
	if pr.Failed+pr.Blocked > 0 && len(pr.Errors) == 0 {
		res.Retry = true
	}
	return res, nil
}

// invoiceID is the NetSuite internal ID of the plan's invoice, from the
// ledger the pusher just wrote.
func (s *Syncer) invoiceID(ctx context.Context, pl *plan.Plan) (string, error) {
	if s.Ledger == nil {
		return "", nil
	}
	for _, rec := range pl.Records {
		if rec.Type == netsuite.TypeInvoice {
			id, _, err := s.Ledger.InternalID(ctx, rec.ExternalID)
			return id, err
		}
	}
	return "", nil
}

// emailMatch is a plan.Known that names the NetSuite customer found for the
// invoice's customer's email (customers.mode: match_email).
type emailMatch struct{ email, id string }

func (emailMatch) Has(string) bool { return false }

func (m emailMatch) CustomerByEmail(email string) (string, bool) {
	if email == m.email {
		return m.id, true
	}
	return "", false
}

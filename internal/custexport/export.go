// Package custexport exports NetSuite customers to Stripe, as the
// connector's NetSuite → Stripe customer flow does (seeds/003): each
// NetSuite customer is looked up in Stripe by the Stripe customer ID stored
// on it, then by email; the match is updated, or a Stripe customer is
// created, and its ID is written back to the NetSuite field that links
// the two for good.
package custexport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// NetSuite is what the export needs from NetSuite (netsuite.Client).
type NetSuite interface {
	SuiteQL(ctx context.Context, query string, each func(row json.RawMessage) error) error
	Patch(ctx context.Context, recordType, id string, body any) error
}

// Stripe is what the export needs from Stripe: reads (a fresh
// payout.Reader) and writes (its payout.Writer).
type Stripe interface {
	Customer(ctx context.Context, id string) (*payout.Customer, error)
	CustomerByEmail(ctx context.Context, email string) (*payout.Customer, error)
	CreateCustomer(ctx context.Context, f payout.CustomerFields) (string, error)
	UpdateCustomer(ctx context.Context, id string, f payout.CustomerFields) error
}

// Actions, one per NetSuite customer.
const (
	ActionCreate    = "create"    // no Stripe customer matched: one is created
	ActionUpdate    = "update"    // matched; name, email or the link differ in Stripe
	ActionLink      = "link"      // matched and equal in Stripe; the NetSuite field gets the ID
	ActionUnchanged = "unchanged" // matched, equal, and linked both ways
	ActionSkip      = "skip"      // nothing to export (no name and no email)
	ActionFailed    = "failed"    // Stripe or NetSuite refused; Reason says why
)

// Result is what the export does (dry run) or did with one customer.
type Result struct {
	NetSuiteID string `json:"netsuite_id"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	StripeID   string `json:"stripe_id,omitempty"`
	MatchedBy  string `json:"matched_by,omitempty"` // stripe_id or email
	Action     string `json:"action"`
	Reason     string `json:"reason,omitempty"`
}

// Exporter runs one export.
type Exporter struct {
	NetSuite NetSuite
	Stripe   Stripe
	// Field is the NetSuite customer field holding the Stripe customer ID
	// (customers.export_field), e.g. custentity_stripe_customer_id.
	Field string
	// Apply makes the changes; without it the export only says what it
	// would do.
	Apply bool
}

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)

// nsCustomer is a NetSuite customer as SuiteQL returns it.
type nsCustomer struct {
	id, company, first, last, email, stripeID string
	person                                    bool
}

// name is the Stripe name of a NetSuite customer: the company name for a
// company, first and last name for an individual (seeds/003).
func (c nsCustomer) name() string {
	if c.person {
		return strings.TrimSpace(c.first + " " + c.last)
	}
	return c.company
}

// Run exports every NetSuite customer, in internal ID order. The error is
// for what stops the whole export (NetSuite unreachable, cancellation);
// a customer Stripe or NetSuite refuses is a failed Result.
func (x *Exporter) Run(ctx context.Context) ([]Result, error) {
	if !fieldName.MatchString(x.Field) {
		return nil, fmt.Errorf("customers.export_field %q is not a NetSuite field ID (e.g. custentity_stripe_customer_id)", x.Field)
	}
	custs, err := x.customers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(custs))
	for _, c := range custs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res, err := x.one(ctx, c)
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			res.Action, res.Reason = ActionFailed, err.Error()
		}
		out = append(out, res)
	}
	return out, nil
}

func (x *Exporter) customers(ctx context.Context) ([]nsCustomer, error) {
	q := "SELECT id, companyname, firstname, lastname, isperson, email, " + x.Field + " FROM customer ORDER BY id"
	var out []nsCustomer
	err := x.NetSuite.SuiteQL(ctx, q, func(row json.RawMessage) error {
		var m map[string]any
		if err := json.Unmarshal(row, &m); err != nil {
			return err
		}
		s := func(k string) string { return strings.TrimSpace(fmt.Sprint(valueOr(m[k]))) }
		out = append(out, nsCustomer{id: s("id"), company: s("companyname"), first: s("firstname"), last: s("lastname"),
			email: s("email"), stripeID: s(x.Field), person: s("isperson") == "T"})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing NetSuite customers: %w", err)
	}
	return out, nil
}

func valueOr(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// one decides, and with Apply does, what becomes of one customer.
func (x *Exporter) one(ctx context.Context, c nsCustomer) (Result, error) {
	res := Result{NetSuiteID: c.id, Name: c.name(), Email: c.email}
	if res.Name == "" && res.Email == "" {
		res.Action, res.Reason = ActionSkip, "no name and no email"
		return res, nil
	}
	match, by, err := x.match(ctx, c)
	if err != nil {
		return res, err
	}
	want := payout.CustomerFields{Name: res.Name, Email: c.email, Metadata: map[string]string{"netsuite_customer_id": c.id}}
	switch {
	case match == nil:
		res.Action = ActionCreate
	case match.Name != want.Name || (want.Email != "" && match.Email != want.Email) || match.Metadata["netsuite_customer_id"] != c.id:
		res.Action, res.StripeID, res.MatchedBy = ActionUpdate, match.ID, by
	case c.stripeID != match.ID:
		res.Action, res.StripeID, res.MatchedBy = ActionLink, match.ID, by
	default:
		res.Action, res.StripeID, res.MatchedBy = ActionUnchanged, match.ID, by
	}
	if !x.Apply {
		return res, nil
	}
	return res, x.apply(ctx, c, &res, want)
}

// match finds the Stripe customer of a NetSuite customer: by the Stripe ID
// stored on it, else by email.
func (x *Exporter) match(ctx context.Context, c nsCustomer) (*payout.Customer, string, error) {
	if c.stripeID != "" {
		m, err := x.Stripe.Customer(ctx, c.stripeID)
		switch {
		case err == nil && !m.Deleted:
			return m, "stripe_id", nil
		case err != nil && !errors.Is(err, payout.ErrNotFound):
			return nil, "", fmt.Errorf("reading Stripe customer %s: %w", c.stripeID, err)
		}
	}
	if c.email == "" {
		return nil, "", nil
	}
	m, err := x.Stripe.CustomerByEmail(ctx, c.email)
	if err != nil {
		return nil, "", fmt.Errorf("finding the Stripe customer of %s: %w", c.email, err)
	}
	if m == nil {
		return nil, "", nil
	}
	return m, "email", nil
}

// apply makes res's change in Stripe, then links the NetSuite customer.
func (x *Exporter) apply(ctx context.Context, c nsCustomer, res *Result, want payout.CustomerFields) error {
	switch res.Action {
	case ActionCreate:
		id, err := x.Stripe.CreateCustomer(ctx, want)
		if err != nil {
			return fmt.Errorf("creating the Stripe customer: %w", err)
		}
		res.StripeID = id
	case ActionUpdate:
		if err := x.Stripe.UpdateCustomer(ctx, res.StripeID, want); err != nil {
			return fmt.Errorf("updating Stripe customer %s: %w", res.StripeID, err)
		}
	}
	if c.stripeID == res.StripeID {
		return nil
	}
	if err := x.NetSuite.Patch(ctx, netsuite.TypeCustomer, c.id, map[string]string{x.Field: res.StripeID}); err != nil {
		return fmt.Errorf("writing %s to NetSuite customer %s field %s: %w", res.StripeID, c.id, x.Field, err)
	}
	return nil
}

// Counts tallies results by action.
func Counts(rs []Result) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		m[r.Action]++
	}
	return m
}

// Summary is one line for a person: "3 create, 1 update, …".
func Summary(rs []Result) string {
	m := Counts(rs)
	var parts []string
	for _, a := range []string{ActionCreate, ActionUpdate, ActionLink, ActionUnchanged, ActionSkip, ActionFailed} {
		if m[a] > 0 {
			parts = append(parts, strconv.Itoa(m[a])+" "+a)
		}
	}
	if len(parts) == 0 {
		return "no NetSuite customers"
	}
	return strings.Join(parts, ", ")
}

// StripeOf is the Stripe side of an export on a payout.Reader: each read
// is fresh, writes go through its Writer.
func StripeOf(r *payout.Reader) Stripe { return readerStripe{r: r, Writer: r.Writer()} }

type readerStripe struct {
	r *payout.Reader
	*payout.Writer
}

func (s readerStripe) Customer(ctx context.Context, id string) (*payout.Customer, error) {
	return s.r.Fresh().Customer(ctx, id)
}

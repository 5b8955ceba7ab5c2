package payout

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// Writer makes the few writes nsrecon makes to Stripe: NetSuite internal
// IDs into metadata (stripe.write_back) and customers exported from
// NetSuite (nsrecon customers export). It shares its Reader's stripe-go
// client, backend configuration and rate-limit backoff; stripe-go sends
// each POST with an idempotency key, so a retried write is applied once.
type Writer struct {
	r *Reader
}

// Writer returns a Writer on r's client. The API key needs write access
// to the objects written.
func (r *Reader) Writer() *Writer { return &Writer{r: r} }

// metadataWriters is one row per Stripe resource nsrecon writes metadata
// on: the update call that takes only metadata.
var metadataWriters = map[string]func(api *client.API, id string, p stripe.Params) error{
	"customers": func(api *client.API, id string, p stripe.Params) error {
		_, err := api.Customers.Update(id, &stripe.CustomerParams{Params: p})
		return err
	},
	"charges": func(api *client.API, id string, p stripe.Params) error {
		_, err := api.Charges.Update(id, &stripe.ChargeParams{Params: p})
		return err
	},
	"invoices": func(api *client.API, id string, p stripe.Params) error {
		_, err := api.Invoices.Update(id, &stripe.InvoiceParams{Params: p})
		return err
	},
	"refunds": func(api *client.API, id string, p stripe.Params) error {
		_, err := api.Refunds.Update(id, &stripe.RefundParams{Params: p})
		return err
	},
}

// SetMetadata sets metadata keys on a Stripe object of resource
// ("customers", "charges", "invoices", "refunds"); other keys are left as
// they are. Setting a key to the value it has changes nothing.
func (w *Writer) SetMetadata(ctx context.Context, resource, id string, md map[string]string) error {
	write, ok := metadataWriters[resource]
	if !ok {
		return fmt.Errorf("stripe: nsrecon does not write metadata on %s", resource)
	}
	return w.r.call(ctx, "updating metadata of "+id, func() error {
		p := stripe.Params{Context: ctx}
		for k, v := range md {
			p.AddMetadata(k, v)
		}
		return write(w.r.api, id, p)
	})
}

// CustomerFields are what nsrecon customers export sets on a Stripe
// customer.
type CustomerFields struct {
	Name, Email string
	Metadata    map[string]string
}

func (f CustomerFields) params(ctx context.Context) *stripe.CustomerParams {
	p := &stripe.CustomerParams{}
	p.Context = ctx
	if f.Name != "" {
		p.Name = stripe.String(f.Name)
	}
	if f.Email != "" {
		p.Email = stripe.String(f.Email)
	}
	for k, v := range f.Metadata {
		p.AddMetadata(k, v)
	}
	return p
}

// CreateCustomer creates a Stripe customer and returns its ID.
func (w *Writer) CreateCustomer(ctx context.Context, f CustomerFields) (string, error) {
	var c *stripe.Customer
	err := w.r.call(ctx, "creating customer "+f.Email, func() (err error) {
		c, err = w.r.api.Customers.New(f.params(ctx))
		return err
	})
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// UpdateCustomer sets a Stripe customer's fields.
func (w *Writer) UpdateCustomer(ctx context.Context, id string, f CustomerFields) error {
	return w.r.call(ctx, "updating customer "+id, func() error {
		_, err := w.r.api.Customers.Update(id, f.params(ctx))
		return err
	})
}

// CustomerByEmail returns the newest Stripe customer with exactly this
// email (Stripe's list filter is case-sensitive), or nil.
func (w *Writer) CustomerByEmail(ctx context.Context, email string) (*Customer, error) {
	var found *Customer
	err := w.r.call(ctx, "finding the customer of "+email, func() error {
		p := &stripe.CustomerListParams{Email: stripe.String(email)}
		p.Context = ctx
		p.Single = true
		p.Limit = stripe.Int64(1)
		it := w.r.api.Customers.List(p)
		found = nil
		if it.Next() {
			found = toCustomer(it.Customer())
		}
		return it.Err()
	})
	return found, err
}

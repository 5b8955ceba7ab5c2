// Package realtime syncs Stripe objects to NetSuite as their events
// arrive (webhook.events: all): a charge with its refunds, a dispute, an
// invoice, a customer, a price, a payout. Every sync reads the object as
// it is now and plans it with the daily run's planner and external IDs,
// so the daily reconcile finds these records done and adds only what is
// missing (usually the deposit), and switching between real-time and
// daily never makes anything twice.
package realtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
)

// Pusher pushes a plan (push.Pusher).
type Pusher interface {
	Push(ctx context.Context, pl *plan.Plan) (push.Result, error)
}

// InvoiceSyncer syncs one invoice (*invoicesync.Syncer).
type InvoiceSyncer interface {
	Sync(ctx context.Context, invoiceID string) (invoicesync.Result, error)
}

// CustomerFinder finds a NetSuite customer by email (netsuite.Client).
type CustomerFinder interface {
	FindCustomerByEmail(ctx context.Context, email string) (id string, found bool, err error)
}

// Syncer syncs one Stripe object, named by its ID, as the worker of the
// webhook listener asks. Safe for concurrent use: syncs that share
// NetSuite records (a charge and its dispute) push one at a time.
type Syncer struct {
	// Stripe reads objects; each sync reads through Stripe.Fresh(), so
	// nothing is taken from an earlier sync's cache.
	Stripe   *payout.Reader
	Push     Pusher
	Settings plan.Settings
	Ledger   *ledger.Ledger
	// Invoices syncs invoices (the manual-invoice syncer, widened to every
	// invoice).
	Invoices InvoiceSyncer
	// Payouts reconciles one payout as the daily run does; nil leaves
	// payouts to the daily run.
	Payouts *PayoutSyncer
	// Customers answers email lookups in customers.mode: match_email.
	Customers CustomerFinder

	locks keyLocks
}

// kinds routes an object ID by its prefix to what syncs it: one row per
// kind of Stripe object the event table syncs.
var kinds = []struct {
	prefix string
	sync   func(s *Syncer, ctx context.Context, id string) (invoicesync.Result, error)
}{
	{"ch_", (*Syncer).charge},
	{"py_", (*Syncer).charge}, // non-card payments are charges too
	{"dp_", (*Syncer).dispute},
	{"du_", (*Syncer).dispute},
	{"in_", (*Syncer).invoice},
	{"cus_", (*Syncer).customer},
	{"price_", (*Syncer).price},
	{"po_", (*Syncer).payout},
}

// Sync syncs the object id as it is now. The error is for what stops more
// than this object (cancellation, a broken ledger); Stripe's and
// NetSuite's answers are in the Result.
func (s *Syncer) Sync(ctx context.Context, id string) (invoicesync.Result, error) {
	for _, k := range kinds {
		if strings.HasPrefix(id, k.prefix) {
			return k.sync(s, ctx, id)
		}
	}
	return invoicesync.Result{Invoice: id, Status: outcome.Failed, Problems: []outcome.Problem{{
		Code: outcome.CodeUnsupported, Object: id, Message: "nsrecon does not sync objects like " + id + " in real time",
		Fix: "nothing to do; report it to the nsrecon maintainers if it should be synced",
	}}}, nil
}

// charge syncs a charge: its customer, its invoice when it paid one, its
// payment, and its refunds (credit memos and customer refunds).
func (s *Syncer) charge(ctx context.Context, id string) (invoicesync.Result, error) {
	act, err := s.Stripe.Fresh().ChargeActivity(ctx, id)
	if err != nil {
		return stripeFailure(ctx, id, err)
	}
	if len(act.Snapshot.Transactions) == 0 {
		return noAction(id), nil // not captured or not successful: nothing is booked yet
	}
	return s.pushActivity(ctx, id, act)
}

// dispute syncs a dispute whose funds were withdrawn (credit memo and
// customer refund, or customer refund), with its charge if that is not in
// NetSuite yet. Reinstated funds are a line of the payout's deposit.
func (s *Syncer) dispute(ctx context.Context, id string) (invoicesync.Result, error) {
	act, err := s.Stripe.Fresh().DisputeActivity(ctx, id)
	if err != nil {
		return stripeFailure(ctx, id, err)
	}
	return s.pushActivity(ctx, id, act)
}

func (s *Syncer) pushActivity(ctx context.Context, id string, act *payout.Activity) (invoicesync.Result, error) {
	known, err := s.known(ctx, act.Snapshot)
	if err != nil {
		return failure(ctx, id, err)
	}
	return s.push(ctx, id, plan.BuildRealtime(act.Snapshot, s.Settings, known))
}

// invoice syncs an invoice and, once it is paid, the charge that paid it
// (its customer payment, applied to the invoice).
func (s *Syncer) invoice(ctx context.Context, id string) (invoicesync.Result, error) {
	res, err := s.Invoices.Sync(ctx, id)
	if err != nil || res.Status != outcome.Synced || res.Charge == "" {
		return res, err
	}
	pay, err := s.charge(ctx, res.Charge)
	if err != nil {
		return res, err
	}
	pay.Invoice, pay.Number, pay.Customer, pay.NetSuiteID = res.Invoice, res.Number, res.Customer, res.NetSuiteID
	pay.Pushed += res.Pushed
	pay.Skipped += res.Skipped
	return pay, nil
}

// customer syncs a new Stripe customer as the customer settings say.
func (s *Syncer) customer(ctx context.Context, id string) (invoicesync.Result, error) {
	c, err := s.Stripe.Fresh().Customer(ctx, id)
	if err != nil {
		return stripeFailure(ctx, id, err)
	}
	known, err := s.known(ctx, &payout.Snapshot{Customers: map[string]*payout.Customer{id: c}})
	if err != nil {
		return failure(ctx, id, err)
	}
	return s.push(ctx, id, plan.BuildCustomer(c, s.Settings, known))
}

// price syncs a new Stripe price as the item settings say.
func (s *Syncer) price(ctx context.Context, id string) (invoicesync.Result, error) {
	p, err := s.Stripe.Fresh().Price(ctx, id)
	if err != nil {
		return stripeFailure(ctx, id, err)
	}
	known, err := s.Ledger.Known(ctx)
	if err != nil {
		return failure(ctx, id, err)
	}
	return s.push(ctx, id, plan.BuildPrice(p, s.Settings, known))
}

// push pushes a real-time plan, one at a time with any other push that
// shares one of its records.
func (s *Syncer) push(ctx context.Context, id string, pl *plan.Plan) (invoicesync.Result, error) {
	res := invoicesync.Result{Invoice: id}
	if pl.Held() {
		res.Status, res.Problems = outcome.Held, pl.Problems
		return res, nil
	}
	if len(pl.Records) == 0 {
		return noAction(id), nil
	}
	unlock := s.locks.lock(pl)
	pr, err := s.Push.Push(ctx, pl)
	unlock()
	res.Status, res.Pushed, res.Skipped = pr.Status, pr.Pushed, pr.Skipped
	if err != nil {
		return res, err
	}
	fromPush(&res, pr)
	return res, nil
}

// fromPush sets Problems, Retry and Auth from NetSuite's answers, as the
// invoice syncer does: a refused record needs a person unless NetSuite
// refused the credentials or may pass by itself.
func fromPush(res *invoicesync.Result, pr push.Result) {
	res.Retry = true
	for _, e := range pr.Errors {
		res.Problems = append(res.Problems, e.Problem())
		if e.IsAuth() {
			res.Auth = true
		} else if e.Permanent {
			res.Retry = false
		}
	}
}

// known is what the ledger has, with the NetSuite customers of the
// snapshot's email addresses in match_email mode.
func (s *Syncer) known(ctx context.Context, snap *payout.Snapshot) (plan.Known, error) {
	ids, err := s.Ledger.Known(ctx)
	if err != nil {
		return nil, err
	}
	k := knownEmails{IDs: ids, emails: map[string]string{}}
	if s.Settings.CustomerMode != "match_email" || s.Customers == nil {
		return k, nil
	}
	var emails []string
	for _, c := range snap.Customers {
		emails = append(emails, c.Email)
	}
	for _, ch := range snap.Charges {
		emails = append(emails, ch.BillingEmail, ch.ReceiptEmail)
	}
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if _, done := k.emails[e]; done || e == "" {
			continue
		}
		id, _, err := s.Customers.FindCustomerByEmail(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("matching customers by email in NetSuite: %w", err)
		}
		k.emails[e] = id
	}
	return k, nil
}

// knownEmails is the ledger's records plus email matches.
type knownEmails struct {
	ledger.IDs
	emails map[string]string
}

func (k knownEmails) CustomerByEmail(email string) (string, bool) {
	id := k.emails[email]
	return id, id != ""
}

func noAction(id string) invoicesync.Result {
	return invoicesync.Result{Invoice: id, Status: outcome.Synced}
}

// stripeFailure is the Result of a failed Stripe read: retried unless the
// object is gone or the request is invalid.
func stripeFailure(ctx context.Context, id string, err error) (invoicesync.Result, error) {
	if ctx.Err() != nil {
		return invoicesync.Result{Invoice: id}, ctx.Err()
	}
	res := invoicesync.Result{Invoice: id, Status: outcome.Failed}
	res.Retry = !errors.Is(err, payout.ErrNotFound) && !payout.IsInvalid(err)
	fix := "check the object ID; retried while the error may pass"
	if payout.IsAuth(err) {
		fix, res.Auth = "check stripe.api_key (or STRIPE_API_KEY)", true
	}
	res.Problems = []outcome.Problem{{Code: invoicesync.CodeStripe, Object: id, Message: err.Error(), Fix: fix}}
	return res, nil
}

// failure is the Result of a failed NetSuite lookup or ledger read.
func failure(ctx context.Context, id string, err error) (invoicesync.Result, error) {
	if ctx.Err() != nil {
		return invoicesync.Result{Invoice: id}, ctx.Err()
	}
	res := invoicesync.Result{Invoice: id, Status: outcome.Failed, Retry: !netsuite.IsPermanent(err)}
	res.Problems = []outcome.Problem{{Code: push.CodeRequestFailed, Object: id, Message: err.Error(),
		Fix: "check NetSuite is reachable; retried while the error may pass"}}
	return res, nil
}

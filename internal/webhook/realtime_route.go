package webhook

import (
	"fmt"
	"slices"

	"github.com/nsrecon/nsrecon/internal/ledger"
)

// Event modes (webhook.events): which events sync in real time.
const (
	// EventsInvoices: the reduced-events mode. Manual invoices sync in
	// real time (every invoice with webhook.all_invoices); everything
	// else settles with the daily reconcile (Route).
	EventsInvoices = "invoices"
	// EventsAll: the connector's full real-time mode. Every event of the
	// seeds' tables does what the table says (RouteRealtime); the daily
	// reconcile then finds the records made and adds the deposits.
	EventsAll = "all"
)

// queue is a Decision that syncs the event's object as it is now.
func queue(what string) Decision { return Decision{ledger.EventQueued, what} }

func none(why string) Decision { return Decision{ledger.EventNoAction, why} }

const (
	nothing      = "nothing to do"
	neverDeletes = "nsrecon never deletes or inactivates NetSuite records"
	depositLine  = "a line of the deposit of the payout that carries it (made with the payout)"
)

// realtimeTable routes every event of the seeds' tables (000 and 001, and
// 002's legacy rows) in the full real-time mode. A queued event syncs its
// data.object (a charge, dispute, invoice, customer, price or payout) as
// it is now: package realtime does each.
var realtimeTable = map[string]Decision{
	"charge.captured":  queue("customer, invoice when it paid one, and payment"),
	"charge.succeeded": queue("customer, invoice when it paid one, and payment"),
	"charge.updated":   queue("customer, invoice when it paid one, and payment (an uncaptured charge is not booked)"),
	"charge.refunded":  queue("credit memo and customer refund (invoice charges), or customer refund of the payment"),
	"charge.failed":    none("only successful payments are synced"),

	"charge.dispute.created":          queue("funds withdrawn: credit memo and customer refund, or customer refund of the payment"),
	"charge.dispute.funds_withdrawn":  queue("credit memo and customer refund, or customer refund of the payment"),
	"charge.dispute.updated":          queue("booked as the dispute is now: withdrawn funds as for created, reinstated ones as a deposit line"),
	"charge.dispute.funds_reinstated": none("reinstated funds are " + depositLine),
	"charge.dispute.closed":           none("disputed funds are " + depositLine),

	"customer.created": queue("customer, as customers.mode says (create, match_email, global; metadata netsuite_customer_id links an existing one)"),
	"price.created":    queue("service sale item, unless items.global is set or metadata netsuite_*_item_id links an existing item"),

	"payout.created":  queue("validate the payout's transactions; nothing is synced until it is paid"),
	"payout.paid":     queue("validate, then the deposit once every record is there (as the daily reconcile does)"),
	"payout.updated":  queue("reconcile the payout if it is paid and not reconciled yet"),
	"payout.failed":   none("failed payouts are ignored"),
	"payout.reversed": none(nothing),

	"account.updated":                      none(nothing),
	"account.application.deauthorized":     none(nothing),
	"account.external_account.created":     none(nothing),
	"account.external_account.deleted":     none(nothing),
	"account.external_account.updated":     none(nothing),
	"application_fee.created":              none("application fees are lines of the deposit (fee_details)"),
	"application_fee.refunded":             none(nothing),
	"application_fee.refund.updated":       none(nothing),
	"balance.available":                    none(nothing),
	"coupon.created":                       none("coupons become discount items with the first invoice that uses them"),
	"coupon.updated":                       none("coupons become discount items with the first invoice that uses them"),
	"coupon.deleted":                       none(neverDeletes),
	"customer.deleted":                     none(neverDeletes),
	"customer.updated":                     none("NetSuite customers are not updated from Stripe"),
	"customer.discount.created":            none(nothing),
	"customer.discount.deleted":            none(nothing),
	"customer.discount.updated":            none(nothing),
	"customer.source.created":              none("payment sources are not represented in NetSuite"),
	"customer.source.deleted":              none("payment sources are not represented in NetSuite"),
	"customer.source.updated":              none("payment sources are not represented in NetSuite"),
	"customer.subscription.created":        none("subscriptions are not represented; their invoices are"),
	"customer.subscription.deleted":        none("subscriptions are not represented; their invoices are"),
	"customer.subscription.trial_will_end": none("subscriptions are not represented; their invoices are"),
	"customer.subscription.updated":        none("subscriptions are not represented; their invoices are"),
	"invoice.created":                      none(reasonNotFinal),
	"invoice.item.created":                 none("invoice items sync with their finalized invoice"),
	"invoice.item.deleted":                 none("invoice items sync with their finalized invoice"),
	"invoice.item.updated":                 none("invoice items sync with their finalized invoice"),
	"invoiceitem.created":                  none("invoice items sync with their finalized invoice"),
	"invoiceitem.deleted":                  none("invoice items sync with their finalized invoice"),
	"invoiceitem.updated":                  none("invoice items sync with their finalized invoice"),
	"price.deleted":                        none(neverDeletes),
	"price.updated":                        none(nothing),
	"product.created":                      none("products are not synced, only their prices (as items)"),
	"product.updated":                      none("products are not synced, only their prices (as items)"),
	"ping":                                 none(nothing),

	// Seed 002's legacy rows: objects today's API (2023-10-16) no longer has.
	"order.created":           none(legacyOrders),
	"order.payment_failed":    none(legacyOrders),
	"order.payment_succeeded": none(legacyOrders),
	"order.updated":           none(legacyOrders),
	"sku.created":             none("SKUs belonged to the legacy Orders API, replaced by prices: price.created makes the item"),
	"sku.updated":             none("SKUs belonged to the legacy Orders API, replaced by prices"),
	"plan.created":            none("plans are the legacy form of prices: every plan is also a price, and its price.created makes the item"),
	"plan.updated":            none("plans are the legacy form of prices; " + nothing),
	"plan.deleted":            none(neverDeletes),
	"recipient.created":       none(legacyRecipients),
	"recipient.updated":       none(legacyRecipients),
	"recipient.deleted":       none(legacyRecipients),
}

const (
	legacyOrders     = "the legacy Orders API was removed from Stripe's API; orders' payments arrive as charges (charge.succeeded)"
	legacyRecipients = "recipients were replaced by Connect accounts; no recipient exists in today's API"
)

// realtimeInvoiceEvents are the invoice events that sync in the full
// real-time mode, by Route's rules with every invoice in scope.
var realtimeInvoiceEvents = map[string]bool{
	"invoice.finalized": true, "invoice.payment_succeeded": true, "invoice.payment_failed": true, "invoice.updated": true,
}

// RouteRealtime decides what to do with an event in the full real-time
// mode (webhook.events: all). Invoice events follow Route's rules for
// every invoice: finalized, paid and failed invoices sync (a paid one
// with its payment), and invoice.updated only when what the general
// ledger sees changed.
func RouteRealtime(eventType string, object, previous map[string]any) Decision {
	if realtimeInvoiceEvents[eventType] {
		d := Route(eventType, object, previous, true)
		if d.Sync() && eventType == "invoice.payment_succeeded" {
			d.Reason = "customer, items, invoice and the payment applied to it"
		}
		return d
	}
	d, ok := realtimeTable[eventType]
	if !ok {
		return Decision{ledger.EventIgnored, reasonUnknown}
	}
	if d.Sync() && str(object, "id") == "" {
		return Decision{ledger.EventIgnored, fmt.Sprintf("%s without an object id", eventType)}
	}
	return d
}

// RouteFor routes by mode: RouteRealtime for EventsAll, else Route.
func RouteFor(mode, eventType string, object, previous map[string]any, allInvoices bool) Decision {
	if mode == EventsAll {
		return RouteRealtime(eventType, object, previous)
	}
	return Route(eventType, object, previous, allInvoices)
}

// RealtimeEventTypes lists every event type RouteRealtime has a row for,
// sorted: the seeds' tables, the legacy rows and invoice.finalized.
func RealtimeEventTypes() []string {
	out := make([]string, 0, len(realtimeTable)+len(realtimeInvoiceEvents))
	for t := range realtimeTable {
		out = append(out, t)
	}
	for t := range realtimeInvoiceEvents {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

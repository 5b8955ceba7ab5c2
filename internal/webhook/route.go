package webhook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/ledger"
)

// Decision is what the listener does with an event: queue a sync of the
// invoice (Status ledger.EventQueued) or only record it with a reason.
type Decision struct {
	Status string // a ledger.Event* status
	Reason string
}

// Sync reports whether the event queues an invoice sync.
func (d Decision) Sync() bool { return d.Status == ledger.EventQueued }

// Reasons, after the seeds' event tables (seeds/000–002). nsrecon runs in
// the connector's "reduced events" mode: everything settles once a day at
// payout time except manual invoices, which still sync in real time.
const (
	reasonDaily       = "settled by the daily payout reconcile (reduced-events mode)"
	reasonNotManual   = "not a manual invoice: it reaches NetSuite with its payment's payout (set webhook.all_invoices to sync every invoice in real time)"
	reasonNotFinal    = "only finalized invoices are synced"
	reasonPaidUpdated = "the invoice is paid: its payment and anything after it settle with the payout"
	reasonNotGL       = "no change that affects the general ledger"
	reasonUnknown     = "event type not in the connector's event table: acknowledged and ignored"
)

// table routes every event type of the seeds' tables that is not an
// invoice sync. Invoice events are decided by Route itself.
var table = map[string]Decision{
	// Payments, refunds, disputes and payouts: the daily reconcile builds
	// them from the payout's balance transactions.
	"charge.captured":                 {ledger.EventDaily, "payment: " + reasonDaily},
	"charge.succeeded":                {ledger.EventDaily, "payment: " + reasonDaily},
	"charge.updated":                  {ledger.EventDaily, "payment: " + reasonDaily},
	"charge.refunded":                 {ledger.EventDaily, "refund (credit memo and customer refund): " + reasonDaily},
	"charge.dispute.created":          {ledger.EventDaily, "dispute (credit memo and customer refund): " + reasonDaily},
	"charge.dispute.funds_withdrawn":  {ledger.EventDaily, "dispute (credit memo and customer refund): " + reasonDaily},
	"charge.dispute.updated":          {ledger.EventDaily, "dispute: " + reasonDaily},
	"charge.dispute.closed":           {ledger.EventDaily, "disputed funds are a line of the payout's deposit: " + reasonDaily},
	"charge.dispute.funds_reinstated": {ledger.EventDaily, "reinstated funds are a line of the payout's deposit: " + reasonDaily},
	"payout.created":                  {ledger.EventDaily, "the payout is validated and reconciled once paid: " + reasonDaily},
	"payout.paid":                     {ledger.EventDaily, "deposit: " + reasonDaily},
	"payout.updated":                  {ledger.EventDaily, "a payout not yet reconciled is retried by the daily reconcile"},
	"customer.created":                {ledger.EventDaily, "customers are created with their first invoice or payment"},
	"price.created":                   {ledger.EventDaily, "items are created with the first invoice that bills the price"},
	"plan.created":                    {ledger.EventDaily, "items are created with the first invoice that bills the plan"},

	"charge.failed":                        {ledger.EventNoAction, "only successful payments are synced"},
	"payout.failed":                        {ledger.EventNoAction, "failed payouts are ignored"},
	"payout.reversed":                      {ledger.EventNoAction, "nothing to do"},
	"account.updated":                      {ledger.EventNoAction, "nothing to do"},
	"account.application.deauthorized":     {ledger.EventNoAction, "nothing to do"},
	"account.external_account.created":     {ledger.EventNoAction, "nothing to do"},
	"account.external_account.deleted":     {ledger.EventNoAction, "nothing to do"},
	"account.external_account.updated":     {ledger.EventNoAction, "nothing to do"},
	"application_fee.created":              {ledger.EventNoAction, "nothing to do"},
	"application_fee.refunded":             {ledger.EventNoAction, "nothing to do"},
	"application_fee.refund.updated":       {ledger.EventNoAction, "nothing to do"},
	"balance.available":                    {ledger.EventNoAction, "nothing to do"},
	"coupon.created":                       {ledger.EventNoAction, "coupons become discount items only with an invoice that uses them"},
	"coupon.updated":                       {ledger.EventNoAction, "coupons become discount items only with an invoice that uses them"},
	"coupon.deleted":                       {ledger.EventNoAction, "nsrecon never deletes or inactivates NetSuite records"},
	"customer.deleted":                     {ledger.EventNoAction, "nsrecon never deletes or inactivates NetSuite records"},
	"customer.updated":                     {ledger.EventNoAction, "NetSuite customers are not updated from Stripe"},
	"customer.discount.created":            {ledger.EventNoAction, "nothing to do"},
	"customer.discount.deleted":            {ledger.EventNoAction, "nothing to do"},
	"customer.discount.updated":            {ledger.EventNoAction, "nothing to do"},
	"customer.source.created":              {ledger.EventNoAction, "payment sources are not represented in NetSuite"},
	"customer.source.deleted":              {ledger.EventNoAction, "payment sources are not represented in NetSuite"},
	"customer.source.updated":              {ledger.EventNoAction, "payment sources are not represented in NetSuite"},
	"customer.subscription.created":        {ledger.EventNoAction, "subscriptions are not represented; their invoices are"},
	"customer.subscription.deleted":        {ledger.EventNoAction, "subscriptions are not represented; their invoices are"},
	"customer.subscription.trial_will_end": {ledger.EventNoAction, "subscriptions are not represented; their invoices are"},
	"customer.subscription.updated":        {ledger.EventNoAction, "subscriptions are not represented; their invoices are"},
	"invoice.created":                      {ledger.EventNoAction, reasonNotFinal},
	"invoiceitem.created":                  {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"invoiceitem.deleted":                  {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"invoiceitem.updated":                  {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"invoice.item.created":                 {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"invoice.item.deleted":                 {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"invoice.item.updated":                 {ledger.EventNoAction, "invoice items sync with their finalized invoice"},
	"order.created":                        {ledger.EventNoAction, "Stripe Orders are not synced by nsrecon"},
	"order.payment_failed":                 {ledger.EventNoAction, "Stripe Orders are not synced by nsrecon"},
	"order.payment_succeeded":              {ledger.EventNoAction, "Stripe Orders are not synced by nsrecon"},
	"order.updated":                        {ledger.EventNoAction, "Stripe Orders are not synced by nsrecon"},
	"sku.created":                          {ledger.EventNoAction, "SKUs are not synced by nsrecon"},
	"sku.updated":                          {ledger.EventNoAction, "SKUs are not synced by nsrecon"},
	"plan.deleted":                         {ledger.EventNoAction, "nsrecon never deletes or inactivates NetSuite records"},
	"plan.updated":                         {ledger.EventNoAction, "nothing to do"},
	"price.deleted":                        {ledger.EventNoAction, "nsrecon never deletes or inactivates NetSuite records"},
	"price.updated":                        {ledger.EventNoAction, "nothing to do"},
	"product.created":                      {ledger.EventNoAction, "products are not synced, only their prices (as items)"},
	"product.updated":                      {ledger.EventNoAction, "products are not synced, only their prices (as items)"},
	"recipient.created":                    {ledger.EventNoAction, "deprecated"},
	"recipient.deleted":                    {ledger.EventNoAction, "deprecated"},
	"recipient.updated":                    {ledger.EventNoAction, "deprecated"},
	"ping":                                 {ledger.EventNoAction, "nothing to do"},
}

// syncEvents are the invoice events that sync a manual invoice.
var syncEvents = map[string]string{
	"invoice.finalized":         "finalized",
	"invoice.payment_succeeded": "paid: customer, items and invoice now; the payment applies to it with the payout",
	"invoice.payment_failed":    "payment failed: the invoice stays open in NetSuite until it is paid",
	"invoice.updated":           "changed what the general ledger sees",
}

// glFields are the invoice fields whose change affects the general ledger
// (lines, amounts, tax, discounts, customer, dates, number): an
// invoice.updated that changes only others (metadata, amount_paid,
// status to paid, …) needs no sync.
var glFields = []string{
	"lines", "subtotal", "subtotal_excluding_tax", "total", "total_excluding_tax",
	"tax", "total_tax_amounts", "discount", "discounts", "total_discount_amounts",
	"customer", "currency", "created", "effective_at", "due_date", "number",
}

// Route decides what to do with an event from its type, its object as the
// event carried it and, for *.updated, the previous values of what
// changed. allInvoices widens real-time sync from manual invoices to all.
//
// Route looks at the event's payload only to decide whether a sync is due;
// the sync itself always reads the invoice's current state from Stripe.
func Route(eventType string, object, previous map[string]any, allInvoices bool) Decision {
	what, isSync := syncEvents[eventType]
	if !isSync {
		if d, ok := table[eventType]; ok {
			return d
		}
		return Decision{ledger.EventIgnored, reasonUnknown}
	}
	if str(object, "object") != "invoice" || str(object, "id") == "" {
		return Decision{ledger.EventIgnored, eventType + " without an invoice object"}
	}
	if reason := str(object, "billing_reason"); reason != "manual" && !allInvoices {
		return Decision{ledger.EventDaily, fmt.Sprintf("billing reason %q: %s", reason, reasonNotManual)}
	}
	if eventType != "invoice.updated" {
		return Decision{ledger.EventQueued, "invoice " + what}
	}
	if str(object, "status") == "paid" {
		return Decision{ledger.EventNoAction, reasonPaidUpdated}
	}
	if str(object, "status") == "draft" {
		return Decision{ledger.EventNoAction, reasonNotFinal}
	}
	var changed []string
	for k, v := range previous {
		// A draft becoming open is its finalization: sync it even if the
		// invoice.finalized event is lost.
		if slices.Contains(glFields, k) || (k == "status" && v == "draft") {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		keys := make([]string, 0, len(previous))
		for k := range previous {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return Decision{ledger.EventNoAction, reasonNotGL + " (changed: " + strings.Join(keys, ", ") + ")"}
	}
	slices.Sort(changed)
	return Decision{ledger.EventQueued, "invoice " + what + ": " + strings.Join(changed, ", ")}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

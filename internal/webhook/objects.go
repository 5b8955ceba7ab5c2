package webhook

import "strings"

// objectKind is what the listener's log lines call a queued object, and
// how a person syncs it again once its problem is fixed.
type objectKind struct {
	prefix string // Stripe ID prefix
	name   string // log message word and attribute key: "charge synced" charge=ch_…
	// again is the command that syncs the object on demand ("%s": its
	// ID); "" when the daily reconcile does it with the payout.
	again string
}

// objectKinds has a row for every kind of object a webhook can queue
// (invoices; with webhook.events: all, the objects package realtime
// syncs). A test checks realtime's kinds against it.
var objectKinds = []objectKind{
	{"in_", "invoice", "nsrecon invoices sync "},
	{"po_", "payout", "nsrecon reconcile --payout "},
	{"ch_", "charge", ""},
	{"py_", "charge", ""},
	{"dp_", "dispute", ""},
	{"du_", "dispute", ""},
	{"cus_", "customer", ""},
	{"price_", "price", ""},
}

// kindOf is the kind of the object id; "object" for an ID of no known kind.
func kindOf(id string) objectKind {
	for _, k := range objectKinds {
		if strings.HasPrefix(id, k.prefix) {
			return k
		}
	}
	return objectKind{name: "object"}
}

// retry says how the object id gets synced after a person fixed it.
func (k objectKind) retry(id string) string {
	if k.again != "" {
		return "then run " + k.again + id
	}
	return "the daily nsrecon reconcile then books it with the payout that needs it"
}

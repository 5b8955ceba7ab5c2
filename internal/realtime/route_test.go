package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/webhook"
)

// syncCase is what one queued row of the route table must do to NetSuite:
// the event about object ends done, the records named in want exist (by
// type and external ID) and none of the types in absent does.
type syncCase struct {
	object func(a *account) string
	prev   map[string]any
	status string
	want   func(a *account) map[string][]string
	absent []string
}

func eid(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = plan.ExternalID(id)
	}
	return out
}

// syncCases has a case for every row of the table that syncs; TestRouteRows
// fails when a row has neither a case here nor a no-action decision.
var syncCases = map[string]syncCase{
	"charge.succeeded": {object: func(a *account) string { return a.invoiceCharges[1] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerPayment": eid(a.invoiceCharges[1]), "invoice": eid(a.invoices[1]),
				"customer": eid(a.customers[1]), "serviceSaleItem": eid(a.prices[1])}
		}, absent: []string{"deposit", "customerRefund"}},
	"charge.captured": {object: func(a *account) string { return a.charges[1] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerPayment": eid(a.charges[1]), "customer": eid(a.customers[1])}
		}, absent: []string{"deposit", "invoice"}},
	"charge.updated": {object: func(a *account) string { return a.charges[3] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerPayment": eid(a.charges[3])}
		}, absent: []string{"deposit"}},
	"charge.refunded": {object: func(a *account) string { return a.invoiceCharges[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"creditMemo": eid("cm_" + a.invoiceRefunds[0]), "customerRefund": eid(a.invoiceRefunds[0]),
				"invoice": eid(a.invoices[0]), "customerPayment": eid(a.invoiceCharges[0])}
		}, absent: []string{"deposit"}},
	"charge.dispute.created": {object: func(a *account) string { return a.disputes[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerRefund": eid(a.disputes[0]), "customerPayment": eid(a.charges[2])}
		}, absent: []string{"deposit", "creditMemo"}},
	"charge.dispute.funds_withdrawn": {object: func(a *account) string { return a.disputes[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerRefund": eid(a.disputes[0])}
		}, absent: []string{"deposit"}},
	"charge.dispute.updated": {object: func(a *account) string { return a.disputes[1] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customerRefund": eid(a.disputes[1])}
		}, absent: []string{"deposit"}},
	"customer.created": {object: func(a *account) string { return a.lonelyCustomer },
		want: func(a *account) map[string][]string {
			return map[string][]string{"customer": eid(a.lonelyCustomer)}
		}, absent: []string{"customerPayment"}},
	"price.created": {object: func(a *account) string { return a.lonelyPrice },
		want: func(a *account) map[string][]string {
			return map[string][]string{"serviceSaleItem": eid(a.lonelyPrice)}
		}, absent: []string{"invoice"}},
	"payout.created": {object: func(a *account) string { return a.transit },
		want:   func(a *account) map[string][]string { return nil },
		absent: []string{"deposit", "customerPayment", "customer"}},
	"payout.paid": {object: func(a *account) string { return a.payouts[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"deposit": eid(a.payouts[0]), "customerPayment": eid(a.charges[0], a.invoiceCharges[0])}
		}},
	"payout.updated": {object: func(a *account) string { return a.payouts[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"deposit": eid(a.payouts[0])}
		}},
	"invoice.finalized": {object: func(a *account) string { return a.invoices[1] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"invoice": eid(a.invoices[1]), "serviceSaleItem": eid(a.prices[1])}
		}, absent: []string{"deposit"}},
	"invoice.payment_succeeded": {object: func(a *account) string { return a.invoices[2] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"invoice": eid(a.invoices[2]), "customerPayment": eid(a.invoiceCharges[2])}
		}, absent: []string{"deposit"}},
	"invoice.payment_failed": {object: func(a *account) string { return a.invoices[0] },
		want: func(a *account) map[string][]string {
			return map[string][]string{"invoice": eid(a.invoices[0]), "customer": eid(a.customers[0])}
		}, absent: []string{"deposit"}},
	// A paid invoice's lines cannot change: its update is recorded, not synced.
	"invoice.updated": {object: func(a *account) string { return a.invoices[0] },
		prev: map[string]any{"total": 1}, status: ledger.EventNoAction, absent: []string{"invoice"}},
}

// TestRouteRows: every row of the full real-time route table, through the
// listener, the real clients and both fakes. A row that syncs makes the
// records its seed row names (and no deposit unless it is a payout's); a
// row of no action is recorded as such and writes nothing to NetSuite.
func TestRouteRows(t *testing.T) {
	a := newAccount(true)
	quiet := newEnv(t, a)
	for i, typ := range webhook.RealtimeEventTypes() {
		c, syncs := syncCases[typ]
		d := webhook.RouteRealtime(typ, map[string]any{"id": "ch_x", "object": "charge"}, nil)
		if !syncs && d.Sync() {
			t.Errorf("%s syncs but has no case in syncCases", typ)
			continue
		}
		t.Run(typ, func(t *testing.T) {
			if !syncs {
				noAction(t, quiet, fmt.Sprintf("evt_quiet_%03d", i), typ)
				return
			}
			e := newEnv(t, a)
			id := "evt_" + strings.ReplaceAll(typ, ".", "_")
			e.send(e.event(id, typ, c.object(a), c.prev))
			e.settle()
			want := cmpOr(c.status, ledger.EventDone)
			if ev := e.status(id); ev.Status != want {
				t.Fatalf("event is %s (%s %s), want %s", ev.Status, ev.Reason, ev.LastError, want)
			}
			st := state(t, e.ns)
			if c.want != nil {
				for typ, ids := range c.want(a) {
					for _, x := range ids {
						if _, ok := st[typ][x]; !ok {
							t.Errorf("no %s %s in NetSuite; it has %v", typ, x, keys(st[typ]))
						}
					}
				}
			}
			for _, typ := range c.absent {
				if len(st[typ]) > 0 {
					t.Errorf("NetSuite has %s records %v; the row makes none", typ, keys(st[typ]))
				}
			}
		})
	}
}

func noAction(t *testing.T, e *env, id, typ string) {
	before := e.ns.Counts()
	e.send(e.event(id, typ, e.acct.charges[0], nil))
	ev := e.status(id)
	if ev.Status != ledger.EventNoAction {
		t.Fatalf("%s: %s (%s), want no_action", typ, ev.Status, ev.Reason)
	}
	if ev.Reason == "" {
		t.Errorf("%s: no reason recorded", typ)
	}
	e.settle()
	for k, v := range e.ns.Counts() {
		if v != before[k] {
			t.Errorf("%s: NetSuite %s went from %d to %d", typ, k, before[k], v)
		}
	}
	if _, err := e.ledger.Known(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package realtime_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/ledger"
)

// events lists the events Stripe would send about the account, each once,
// the way the connector's tables name them.
func (a *account) events() []struct{ typ, object string } {
	var out []struct{ typ, object string }
	add := func(object string, types ...string) {
		for _, t := range types {
			out = append(out, struct{ typ, object string }{t, object})
		}
	}
	for _, c := range a.customers {
		add(c, "customer.created", "customer.updated")
	}
	for _, p := range a.prices {
		add(p, "price.created", "price.updated")
	}
	for _, in := range a.invoices {
		add(in, "invoice.created", "invoice.finalized", "invoice.payment_succeeded", "invoice.updated")
	}
	for _, ch := range append(append([]string(nil), a.charges...), a.invoiceCharges...) {
		add(ch, "charge.succeeded", "charge.captured", "charge.updated")
	}
	for _, re := range append(append([]string(nil), a.refunds...), a.invoiceRefunds...) {
		add(a.sc.Objects[re]["charge"].(string), "charge.refunded")
	}
	for _, dp := range a.disputes {
		add(dp, "charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.updated", "charge.dispute.closed")
	}
	add(a.disputes[1], "charge.dispute.funds_reinstated")
	for _, po := range a.payouts {
		add(po, "payout.created", "payout.updated", "payout.paid")
	}
	add("acct_1", "account.updated", "balance.available")
	return out
}

// TestLoadThenDaily: 1,000 deliveries of the account's events, in bursts,
// with redeliveries and in random order, through the listener in the full
// real-time mode; then the daily reconcile over the same payouts. NetSuite
// must end exactly as a daily-only run leaves it, record by record, with
// nothing twice, and the daily run must find nothing left to push.
func TestLoadThenDaily(t *testing.T) {
	a := newAccount(false)

	ref := newEnv(t, a)
	ref.daily()
	want := state(t, ref.ns)
	for typ, n := range map[string]int{"customer": 4, "invoice": 6, "customerPayment": 18, "creditMemo": 1,
		"customerRefund": 5, "deposit": 3, "serviceSaleItem": 3, "discountItem": 1} {
		if len(want[typ]) != n {
			t.Fatalf("the daily-only run made %d %s records, want %d: the account is not what the test expects", len(want[typ]), typ, n)
		}
	}

	e := newEnv(t, a)
	evs := a.events()
	rng := rand.New(rand.NewPCG(1, 2))
	var bodies [][]byte
	for i := range 1000 {
		ev := evs[i%len(evs)]
		// The first pass sends every event once; later ones are Stripe's
		// redeliveries of the same event IDs.
		id := fmt.Sprintf("evt_%04d", i%len(evs))
		var prev map[string]any
		if ev.typ == "invoice.updated" {
			prev = map[string]any{"metadata": map[string]any{}}
		}
		bodies = append(bodies, e.event(id, ev.typ, ev.object, prev))
	}
	rng.Shuffle(len(bodies), func(i, j int) { bodies[i], bodies[j] = bodies[j], bodies[i] })
	e.sendAll(bodies, 50)
	e.settle()
	for i := range evs {
		ev := e.status(fmt.Sprintf("evt_%04d", i))
		if ev.Status != ledger.EventDone && ev.Status != ledger.EventNoAction {
			t.Errorf("%s %s (%s): %s %s", ev.ID, ev.Type, ev.ObjectID, ev.Status, ev.LastError)
		}
	}
	realtimeOnly := state(t, e.ns)
	if d := diff(realtimeOnly, want); len(d) > 0 {
		t.Errorf("after the events, NetSuite differs from a daily-only run:\n%v", d)
	}

	before := e.ns.Counts()
	e.daily()
	if got := state(t, e.ns); len(diff(got, want)) > 0 {
		t.Errorf("after the daily run, NetSuite differs from a daily-only run:\n%v", diff(got, want))
	}
	after := e.ns.Counts()
	for k, v := range after {
		if strings.HasPrefix(k, "PUT ") && v != before[k] {
			t.Errorf("the daily run after real-time sync wrote %d %s; the records were all there", v-before[k], k)
		}
	}
}

// TestEventsWithoutPayoutsThenDaily: with every event but the payouts'
// (a listener that was down for them, or payouts left to the daily run),
// real-time sync makes every record but the deposits, and the daily run
// adds exactly the deposits.
func TestEventsWithoutPayoutsThenDaily(t *testing.T) {
	a := newAccount(false)
	ref := newEnv(t, a)
	ref.daily()
	want := state(t, ref.ns)

	e := newEnv(t, a)
	var bodies [][]byte
	for i, ev := range a.events() {
		if strings.HasPrefix(ev.object, "po_") {
			continue
		}
		bodies = append(bodies, e.event(fmt.Sprintf("evt_%04d", i), ev.typ, ev.object, nil))
	}
	e.sendAll(bodies, 20)
	e.settle()
	got := state(t, e.ns)
	if len(got["deposit"]) != 0 {
		t.Errorf("deposits made without payout events: %v", got["deposit"])
	}
	delete(want, "deposit")
	if d := diff(got, want); len(d) > 0 {
		t.Errorf("real-time records differ from the daily-only run's:\n%v", d)
	}
	before := e.ns.Counts()
	e.daily()
	after := e.ns.Counts()
	for k, v := range after {
		if strings.HasPrefix(k, "PUT ") && k != "PUT deposit" && v != before[k] {
			t.Errorf("the daily run wrote %d %s; only deposits were missing", v-before[k], k)
		}
	}
	if n := after["PUT deposit"] - before["PUT deposit"]; n != len(a.payouts) {
		t.Errorf("the daily run wrote %d deposits, want %d", n, len(a.payouts))
	}
}

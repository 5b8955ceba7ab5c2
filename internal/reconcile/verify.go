package reconcile

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// Verifier answers batched, read-only lookups in NetSuite
// (netsuite.Client.LookUp). A Runner's Records that is one also verifies
// every plan before its first write.
type Verifier interface {
	LookUp(ctx context.Context, table string, ids, externalIDs []string) ([]netsuite.Found, error)
}

// needs is what a plan relies on in NetSuite but does not create: per
// table the internal and external IDs it references, and per document of
// an earlier payout what the plan applies to it.
type needs struct {
	ids, exts map[string][]string         // table → IDs
	by        map[string]string           // table:ID → the record that needs it first
	applied   map[string]int64            // document external ID → Σ applied, minor units
	ccy       map[string]string           // document external ID → currency of what is applied
	appliedBy map[string][]string         // document external ID → the records applying to it
	appliers  map[string]map[string]int64 // document external ID → applying record's external ID → amount
	found     map[string]*netsuite.Found  // table:ID → what the lookup found
	planned   map[string]bool             // external IDs the plan creates
	applier   string                      // the record being read (planNeeds)
}

// planNeeds lists what pl relies on but does not create. Records in
// alsoPlanned (those of payouts planned ready earlier in a dry run, which
// the real run would have written first) count as created too.
func planNeeds(pl *plan.Plan, alsoPlanned map[string]bool) *needs {
	n := &needs{ids: map[string][]string{}, exts: map[string][]string{}, by: map[string]string{},
		applied: map[string]int64{}, ccy: map[string]string{}, appliedBy: map[string][]string{}, appliers: map[string]map[string]int64{},
		found: map[string]*netsuite.Found{}, planned: map[string]bool{}}
	for _, r := range pl.Records {
		n.planned[r.ExternalID] = true
	}
	maps.Copy(n.planned, alsoPlanned)
	for _, r := range pl.Records {
		who := r.Type + " " + r.ExternalID
		n.applier = r.ExternalID
		switch body := r.Body.(type) {
		case *netsuite.Invoice:
			n.ref(netsuite.TableCustomer, body.Entity, who)
			n.items(body.Item, who)
		case *netsuite.CreditMemo:
			n.ref(netsuite.TableCustomer, body.Entity, who)
			n.items(body.Item, who)
			n.apply(body.Apply, who)
		case *netsuite.CustomerPayment:
			n.ref(netsuite.TableCustomer, body.Customer, who)
			n.apply(body.Apply, who)
		case *netsuite.CustomerRefund:
			n.ref(netsuite.TableCustomer, body.Customer, who)
			n.apply(body.Apply, who)
		case *netsuite.Deposit:
			for _, o := range body.Other.Items {
				if o.Entity != nil {
					n.ref(netsuite.TableCustomer, *o.Entity, who)
				}
			}
		}
		n.configRefs(r.Body, who)
	}
	return n
}

func (n *needs) ref(table string, ref netsuite.Ref, who string) {
	switch {
	case ref.ID != "":
		n.add(table, ref.ID, who, n.ids)
	case ref.ExternalID != "" && !n.planned[ref.ExternalID]:
		n.add(table, ref.ExternalID, who, n.exts)
	}
}

func (n *needs) add(table, id, who string, into map[string][]string) {
	key := table + ":" + id
	if _, dup := n.by[key]; dup {
		return
	}
	n.by[key] = who
	into[table] = append(into[table], id)
}

func (n *needs) items(l netsuite.ItemList, who string) {
	for _, it := range l.Items {
		n.ref(netsuite.TableItem, it.Item, who)
	}
}

func (n *needs) apply(l *netsuite.ApplyList, who string) {
	if l == nil {
		return
	}
	for _, a := range l.Items {
		n.ref(netsuite.TableTransaction, a.Doc, who)
		if doc := a.Doc.ExternalID; a.Apply && doc != "" && !n.planned[doc] {
			n.applied[doc] += a.Amount.Minor
			n.ccy[doc] = a.Amount.Currency
			n.appliedBy[doc] = append(n.appliedBy[doc], who)
			if n.appliers[doc] == nil {
				n.appliers[doc] = map[string]int64{}
			}
			n.appliers[doc][n.applier] += a.Amount.Minor
		}
	}
}

// verify checks, read-only and batched, that everything pl relies on but
// does not create exists in NetSuite, and that every amount it applies to
// a document of an earlier payout is still open there. It returns the
// problems that hold the payout; nothing has been written for it yet.
// Customers and items found are remembered for the rest of the run.
func (r *Runner) verify(ctx context.Context, pl *plan.Plan, known knownSet) ([]outcome.Problem, error) {
	v, ok := r.Records.(Verifier)
	if !ok || pl.Held() {
		return nil, nil
	}
	var alsoPlanned map[string]bool
	if known.dryRun {
		// Nothing of the earlier payouts was written: a real run would
		// have, before it came to this one.
		alsoPlanned = known.planned
	}
	n := planNeeds(pl, alsoPlanned)
	tables := append([]string{netsuite.TableCustomer, netsuite.TableItem, netsuite.TableTransaction}, configTables...)
	for _, table := range tables {
		ids, exts := known.unverified(table, n.ids[table]), known.unverified(table, n.exts[table])
		if table == netsuite.TableTransaction {
			exts = n.readBefore(append(exts, n.applierIDs()...), known)
		}
		if len(ids)+len(exts) == 0 {
			continue
		}
		found, err := v.LookUp(ctx, table, ids, exts)
		if err != nil {
			return nil, err
		}
		n.remember(table, ids, found, known)
	}
	return n.problems(known), nil
}

// remember puts what a lookup of table found into n and, but for
// transactions (open amounts change as the run applies them), into known
// for the rest of the run: the records found with their kind, and the
// internal IDs not found (none of them can appear during the run).
func (n *needs) remember(table string, ids []string, found []netsuite.Found, known knownSet) {
	for i := range found {
		f := &found[i]
		for _, key := range []string{table + ":" + f.ID, table + ":" + f.ExternalID} {
			if table != netsuite.TableTransaction {
				known.verified[key] = true
				known.kinds[key] = f.Kind
			}
			n.found[key] = f
		}
	}
	if table == netsuite.TableTransaction {
		return
	}
	for _, id := range ids {
		if key := table + ":" + id; !known.verified[key] {
			known.absent[key] = true
		}
	}
}

// applierIDs are the plan's records that apply to documents of earlier
// payouts: one that already exists in NetSuite (a payout failed partway, a
// lost ledger) is applied there already, so what it applies is no longer
// open but is not needed again either.
func (n *needs) applierIDs() []string {
	var out []string
	for _, m := range n.appliers {
		for ext := range m {
			out = append(out, ext)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// readBefore drops the transactions findParents asked about for this
// payout, counting those it found (with what is open on them).
func (n *needs) readBefore(exts []string, known knownSet) []string {
	var out []string
	for _, ext := range exts {
		if !known.looked[ext] {
			out = append(out, ext)
			continue
		}
		if known.remote[ext] {
			n.found[netsuite.TableTransaction+":"+ext] = &netsuite.Found{ExternalID: ext, Open: known.open[ext]}
		}
	}
	return out
}

// unverified drops the IDs of table an earlier payout of the run looked
// up (found, or internal IDs not found).
func (k knownSet) unverified(table string, ids []string) []string {
	var out []string
	for _, id := range ids {
		if key := table + ":" + id; !k.verified[key] && !k.absent[key] {
			out = append(out, id)
		}
	}
	return out
}

func (n *needs) problems(known knownSet) []outcome.Problem {
	var out []outcome.Problem
	keys := make([]string, 0, len(n.by))
	for k := range n.by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		table, id, _ := strings.Cut(key, ":")
		found := n.found[key] != nil || known.verified[key]
		if p, ok := configProblem(table, id, n.by[key], known.keys[key], found, known.kinds[key]); ok {
			out = append(out, p)
			continue
		}
		if !found {
			out = append(out, missingProblem(table, id, n.by[key]))
		}
	}
	docs := make([]string, 0, len(n.applied))
	for d := range n.applied {
		docs = append(docs, d)
	}
	slices.Sort(docs)
	for _, doc := range docs {
		f := n.found[netsuite.TableTransaction+":"+doc]
		if f == nil || f.Open == "" {
			continue // missing: reported above; no open amount: not an open document type
		}
		ccy := n.ccy[doc]
		open, err := money.Parse(f.Open, ccy)
		need := n.applied[doc]
		for ext, amt := range n.appliers[doc] {
			if n.found[netsuite.TableTransaction+":"+ext] != nil {
				need -= amt // already applied in NetSuite: replaced by itself
			}
		}
		if err != nil {
			// The one guard against applying more than is open: an amount
			// it cannot read holds the payout rather than letting it pass.
			out = append(out, outcome.Problem{Code: outcome.CodeNotOpen, Object: doc,
				Message: fmt.Sprintf("NetSuite gave an open amount %q for %s (NetSuite %s) that is not a %s amount: %v", f.Open, doc, f.ID, strings.ToUpper(ccy), err),
				Fix:     "check the document in NetSuite (its currency must be the one nsrecon applies in), then run again; nothing of this payout was written"})
			continue
		}
		if open >= need {
			continue
		}
		out = append(out, outcome.Problem{Code: outcome.CodeNotOpen, Object: doc,
			Message: fmt.Sprintf("%s apply %s %s to %s (NetSuite %s), but only %s is open on it in NetSuite",
				strings.Join(n.appliedBy[doc], ", "), money.Format(n.applied[doc], ccy), strings.ToUpper(ccy), doc, f.ID, money.Format(open, ccy)),
			Fix: "something else was applied to it in NetSuite since nsrecon made it: unapply that in NetSuite, or book this payout by hand; nothing of it was written"})
	}
	return out
}

func missingProblem(table, id, who string) outcome.Problem {
	var what, fix string
	switch {
	case table == netsuite.TableCustomer && netsuite.Digits(id):
		what = "customer " + id
		fix = "correct or remove the Stripe customer's metadata netsuite_customer_id (or customers.global_id in the config), then run again"
	case table == netsuite.TableItem && netsuite.Digits(id):
		what = "item " + id
		fix = "correct the Stripe price's metadata netsuite_*_item_id (or the items.* mapping in the config), then run again"
	default:
		what = strings.TrimSuffix(table, "s") + " with external ID " + id
		fix = "an earlier payout made it, but it is gone from NetSuite: restore it there (or reconcile the payout that makes it), then run again"
	}
	return outcome.Problem{Code: outcome.CodeNotInNetSuite, Object: id,
		Message: fmt.Sprintf("%s references %s, which does not exist in NetSuite; nothing of this payout was written", who, what),
		Fix:     fix}
}

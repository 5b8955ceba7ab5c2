// Package export writes the audit trail of reconciled and held payouts:
// one row per balance transaction (and per NetSuite record or deposit line
// it made), with Stripe's payout reconciliation columns beside the NetSuite
// side. It re-plans each payout from its Stripe snapshot (the planner is
// pure and deterministic) to learn which transaction made which record,
// and takes internal IDs and booked amounts from the ledger, so it never
// asks NetSuite. Payouts are read and written one at a time: memory is
// linear in the largest payout, not in the number of payouts.
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// Stripe is what an export reads from Stripe (payout.Reader): each payout
// and its snapshot, once.
type Stripe interface {
	GetPayout(ctx context.Context, id string) (payout.Payout, error)
	Snapshot(ctx context.Context, p payout.Payout) (*payout.Snapshot, error)
}

// Selection chooses the payouts: PayoutIDs, or the ledger's payouts that
// arrived in [From, To] (UTC days, inclusive).
type Selection struct {
	From, To  time.Time
	PayoutIDs []string
}

// Writer receives the rows of each payout, then the payout's totals.
type Writer interface {
	Row(r *Row) error
	Payout(t *Total) error
	Close() error
}

// ErrNotInLedger is returned for a --payout the ledger does not have.
var ErrNotInLedger = errors.New("not in the ledger")

// Exporter holds an export's collaborators. Settings must be those the
// payouts were reconciled with (the current config).
type Exporter struct {
	Stripe   Stripe
	Ledger   *ledger.Ledger
	Settings plan.Settings
	Log      *slog.Logger
}

// Export writes the rows and totals of the selected payouts to w, oldest
// arrival first for a window, in the given order for PayoutIDs. It does
// not close w.
func (e *Exporter) Export(ctx context.Context, sel Selection, w Writer) error {
	ids := slices.Clone(sel.PayoutIDs)
	if len(ids) == 0 {
		states, err := e.Ledger.PayoutsArrived(ctx, sel.From, sel.To)
		if err != nil {
			return err
		}
		for _, s := range states {
			ids = append(ids, s.ID)
		}
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.one(ctx, id, w); err != nil {
			return err
		}
	}
	return nil
}

// one exports one payout; everything it reads is dropped before the next.
func (e *Exporter) one(ctx context.Context, id string, w Writer) error {
	st, ok, err := e.Ledger.Payout(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("payout %s: %w", id, ErrNotInLedger)
	}
	po, err := e.Stripe.GetPayout(ctx, id)
	if err != nil {
		return fmt.Errorf("reading payout %s from Stripe: %w", id, err)
	}
	snap := &payout.Snapshot{Payout: po}
	if po.Automatic {
		if snap, err = e.Stripe.Snapshot(ctx, po); err != nil {
			return fmt.Errorf("reading payout %s from Stripe: %w", id, err)
		}
	}
	recs, err := e.Ledger.PayoutRecords(ctx, id)
	if err != nil {
		return err
	}
	x := &payoutExport{ctx: ctx, e: e, state: st, snap: snap, records: make(map[string]ledger.RecordRow, len(recs))}
	for _, r := range recs {
		x.records[r.ExternalID] = r
	}
	known := &ledgerKnown{ctx: ctx, l: e.Ledger, own: x.records, synced: chargeInvoices(snap)}
	x.plan = plan.Build(snap, e.Settings, known)
	if known.err != nil {
		return known.err
	}
	if err := x.header(); err != nil {
		return err
	}
	return x.write(w)
}

// ledgerKnown is the ledger as the planner saw it when it planned the
// payout: the records of other payouts exist, this payout's own were still
// to be made. It asks the ledger per ID so that memory does not grow with
// the ledger.
//
// synced are the external IDs of the invoices of the payout's charges: one
// the ledger has from no payout (made by invoices sync or the listener
// before the charge was paid out) is planned again, so the trail shows it
// beside the payment that settles it, with its internal ID.
type ledgerKnown struct {
	ctx    context.Context
	l      *ledger.Ledger
	own    map[string]ledger.RecordRow
	synced map[string]bool
	err    error
}

func (k *ledgerKnown) Has(id string) bool {
	if _, own := k.own[id]; own {
		return false
	}
	if k.err != nil {
		return false
	}
	if k.synced[id] {
		row, ok, err := k.l.Record(k.ctx, id)
		if err != nil {
			k.err = err
			return false
		}
		return ok && row.Status == ledger.RecordDone && row.PayoutID != ""
	}
	_, ok, err := k.l.InternalID(k.ctx, id)
	if err != nil {
		k.err = err
	}
	return ok
}

// chargeInvoices are the external IDs of the invoices the payout's charges
// pay.
func chargeInvoices(snap *payout.Snapshot) map[string]bool {
	out := map[string]bool{}
	for _, bt := range snap.Transactions {
		if ch := snap.Charges[bt.Source]; ch != nil && bt.Source == ch.ID && ch.Invoice != "" {
			out[plan.ExternalID(ch.Invoice)] = true
		}
	}
	return out
}

// problemCodes returns the distinct codes of the problems a ledger row
// keeps, in order.
func problemCodes(raw json.RawMessage) []string {
	var ps []outcome.Problem
	_ = json.Unmarshal(raw, &ps) // best effort: older rows may differ
	var out []string
	for _, p := range ps {
		if p.Code != "" && !slices.Contains(out, p.Code) {
			out = append(out, p.Code)
		}
	}
	return out
}

// header fills what every row of the payout shares: deposit, status,
// problems, run.
func (x *payoutExport) header() error {
	x.depositID = x.state.DepositID
	if x.depositID == "" {
		x.depositID = x.records[plan.ExternalID(x.snap.Payout.ID)].InternalID
	}
	x.problems = strings.Join(problemCodes(x.state.Problems), ";")
	if x.state.UpdatedAt.IsZero() {
		return nil
	}
	id, ok, err := x.e.Ledger.RunAt(x.ctx, x.state.UpdatedAt)
	if ok {
		x.runID = id
	}
	return err
}

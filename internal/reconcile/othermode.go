package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// otherMode holds a payout, before anything of it is written, when the
// ledger has records of it booked the other reconcile.mode's way: a summary
// journal entry beside the invoices and payments of a detailed run (or of
// the real-time listener) books the same sales twice, and so does a
// deposit beside a summary journal entry. Records done or pending (sent,
// no answer) count; a failed one counts when NetSuite has it (a write
// interrupted after it reached NetSuite is recorded as failed).
func (r *Runner) otherMode(ctx context.Context, snap *payout.Snapshot, s plan.Settings) ([]outcome.Problem, error) {
	if r.Ledger == nil || !snap.Payout.Automatic {
		return nil, nil
	}
	po := snap.Payout.ID
	var rows []ledger.RecordRow
	var err error
	if s.Mode == plan.ModeSummary {
		rows, err = r.Ledger.Booking(ctx, po, detailedIDs(snap))
	} else if rec, ok, rerr := r.Ledger.Record(ctx, plan.ExternalID(po)); ok {
		rows = []ledger.RecordRow{rec} // the journal entry's external ID is the deposit's
	} else {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	var other []ledger.RecordRow
	for _, rec := range rows {
		if otherModes(rec, po, s.Mode) {
			other = append(other, rec)
		}
	}
	if other, err = r.existing(ctx, other); err != nil || len(other) == 0 {
		return nil, err
	}
	if s.Mode == plan.ModeSummary {
		return []outcome.Problem{detailedBooked(po, other)}, nil
	}
	return []outcome.Problem{summaryBooked(po, other)}, nil
}

// otherModes reports whether rec, found for payout po, is a record the
// other mode than mode books: summary mode's journal entry, or detailed
// mode's transactions (a deposit only when it is po's own, not an earlier
// payout's a payout_reversal names).
func otherModes(rec ledger.RecordRow, po, mode string) bool {
	if mode != plan.ModeSummary {
		return rec.Type == netsuite.TypeJournalEntry
	}
	rt, ok := netsuite.LookupRecordType(rec.Type)
	return ok && rt.Transaction && rec.Type != netsuite.TypeJournalEntry && (rec.PayoutID == po || !rt.Commit)
}

// existing keeps the records that may be in NetSuite: done, pending, and
// failed ones NetSuite has (one lookup for all; without NetSuite to ask a
// failed record counts as absent).
func (r *Runner) existing(ctx context.Context, recs []ledger.RecordRow) ([]ledger.RecordRow, error) {
	var out []ledger.RecordRow
	var failed []string
	byExt := map[string]ledger.RecordRow{}
	for _, rec := range recs {
		if rec.Status != ledger.RecordFailed {
			out = append(out, rec)
			continue
		}
		failed = append(failed, rec.ExternalID)
		byExt[rec.ExternalID] = rec
	}
	v, ok := r.Records.(Verifier)
	if len(failed) == 0 || !ok {
		return out, nil
	}
	found, err := v.LookUp(ctx, netsuite.TableTransaction, nil, failed)
	if err != nil {
		return nil, fmt.Errorf("looking up records of the other reconcile.mode in NetSuite: %w", err)
	}
	for _, f := range found {
		rec := byExt[f.ExternalID]
		rec.Status, rec.InternalID = ledger.RecordDone, f.ID
		out = append(out, rec)
	}
	return out, nil
}

// detailedIDs are the external IDs detailed mode and the listener give the
// records of the payout's transactions: a charge's payment, a refund's or
// dispute's customer refund and credit memo.
func detailedIDs(snap *payout.Snapshot) []string {
	var out []string
	for _, bt := range snap.Transactions {
		if bt.Source == "" || bt.Source == snap.Payout.ID {
			continue
		}
		out = append(out, plan.ExternalID(bt.Source), plan.ExternalID("cm_"+bt.Source))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// detailedBooked is the problem of a summary run that finds records of a
// detailed run or of the listener.
func detailedBooked(po string, recs []ledger.RecordRow) outcome.Problem {
	return outcome.Problem{Code: outcome.CodeOtherMode, Object: po,
		Message: fmt.Sprintf("payout %s is already partly booked in detailed mode (by a detailed run or the real-time listener): "+
			"NetSuite has %d of its records (%s); a summary journal entry would book its sales a second time, and leave those payments in Undeposited Funds",
			po, len(recs), describeRecords(recs)),
		Fix: fmt.Sprintf("finish it in detailed mode: NSRECON_RECONCILE_MODE=detailed nsrecon reconcile --payout %s (it sends none of these again); "+
			"or delete them in NetSuite, book the payout by hand and record that with nsrecon ledger resolve %s --note TEXT", po, po)}
}

// summaryBooked is the problem of a detailed run that finds the payout's
// summary journal entry.
func summaryBooked(po string, je []ledger.RecordRow) outcome.Problem {
	return outcome.Problem{Code: outcome.CodeOtherMode, Object: po,
		Message: fmt.Sprintf("payout %s is already booked in summary mode: NetSuite has its journal entry (%s); "+
			"detailed mode's payments and deposit would book it a second time", po, describeRecords(je)),
		Fix: fmt.Sprintf("finish it in summary mode: NSRECON_RECONCILE_MODE=summary nsrecon reconcile --payout %s; "+
			"or delete the journal entry in NetSuite, book the payout by hand and record that with nsrecon ledger resolve %s --note TEXT", po, po)}
}

// describeRecords names up to five records ("invoice stripe_in_1 (812)",
// "maybe written" for a pending one), or counts more by type in the
// record-type table's order ("invoice 3, customerPayment 4").
func describeRecords(recs []ledger.RecordRow) string {
	if len(recs) <= 5 {
		var s []string
		for _, r := range recs {
			id := "maybe written: sent, no answer received"
			if r.Status == ledger.RecordDone {
				id = r.InternalID
			}
			s = append(s, fmt.Sprintf("%s %s (%s)", r.Type, r.ExternalID, id))
		}
		return strings.Join(s, ", ")
	}
	count := map[string]int{}
	for _, r := range recs {
		count[r.Type]++
	}
	var s []string
	for _, t := range netsuite.RecordTypes() {
		if count[t.Name] > 0 {
			s = append(s, fmt.Sprintf("%s %d", t.Name, count[t.Name]))
		}
	}
	return strings.Join(s, ", ")
}

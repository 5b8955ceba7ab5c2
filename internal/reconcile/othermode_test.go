package reconcile

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// runMode reconciles the first day in mode (reading Stripe as deep as the
// CLI does for it), through hc when set: a transport that may cancel ctx.
func (w *world) runMode(path, mode string, ctx context.Context, hc *http.Client) *report.Report {
	w.t.Helper()
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer l.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		w.t.Fatal(err)
	}
	ns := w.ns
	if hc != nil {
		a := w.cfg.NetSuite.Auth
		ns, err = netsuite.New(netsuite.Config{AccountID: w.cfg.NetSuite.AccountID, BaseURL: w.cfg.NetSuite.BaseURL, MaxAttempts: 1,
			Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
				TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, hc)
		if err != nil {
			w.t.Fatal(err)
		}
	}
	var stripe Stripe = reader
	s := plansettings.From(w.cfg)
	s.Mode = mode
	if mode == plan.ModeSummary {
		stripe = payout.View{Reader: reader, Options: payout.ReadOptions{Depth: payout.DepthSummary}}
	}
	r := &Runner{Stripe: stripe, Ledger: l, Push: push.New(ns, l, push.Options{}), Records: ns, Customers: ns}
	rep, _ := r.Run(ctx, Options{From: w.days[0], To: w.days[0], Settings: s})
	return rep
}

// otherModeHeld checks the run held its one payout for the other mode's
// records, naming each of want, and wrote nothing.
func (w *world) otherModeHeld(rep *report.Report, writesBefore int, want ...string) {
	w.t.Helper()
	if len(rep.Payouts) != 1 || rep.Payouts[0].Status != outcome.Held {
		w.t.Fatalf("statuses: %s", statuses(rep))
	}
	var pr *outcome.Problem
	for i, p := range rep.Payouts[0].Problems {
		if p.Code == outcome.CodeOtherMode {
			pr = &rep.Payouts[0].Problems[i]
		}
	}
	if pr == nil {
		w.t.Fatalf("no %s: %s", outcome.CodeOtherMode, statuses(rep))
	}
	for _, s := range want {
		if !strings.Contains(pr.Message, s) {
			w.t.Errorf("problem does not name %q: %s", s, pr.Message)
		}
	}
	if !strings.Contains(pr.Fix, "nsrecon reconcile --payout "+rep.Payouts[0].ID) || !strings.Contains(pr.Fix, "ledger resolve") {
		w.t.Errorf("fix: %s", pr.Fix)
	}
	if n := w.writes(); n != writesBefore {
		w.t.Errorf("held payout wrote %d records", n-writesBefore)
	}
}

// A detailed run refused partway (its deposit), then a summary run of the
// same payout: held before any write, naming the invoices and payments
// NetSuite has, no journal entry; finishing it in detailed mode works.
func TestSummaryAfterPartlyDetailedHeld(t *testing.T) {
	w := newWorld(t, "invoice_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	w.env.NetSuite.RefuseWrites("stripe_po_", "This period is locked (injected).")
	if rep := w.runMode(path, plan.ModeDetailed, context.Background(), nil); rep.Payouts[0].Status != outcome.Failed {
		t.Fatalf("detailed run: %s", statuses(rep))
	}
	w.env.NetSuite.AllowWrites()
	pays := len(w.env.NetSuite.Records(netsuite.TypeCustomerPayment))
	if pays == 0 || len(w.env.NetSuite.Records(netsuite.TypeInvoice)) == 0 {
		t.Fatal("the detailed run wrote no invoices or payments")
	}
	rep := w.runMode(path, plan.ModeSummary, context.Background(), nil)
	w.otherModeHeld(rep, w.writes(), netsuite.TypeInvoice, netsuite.TypeCustomerPayment)
	if n := len(w.env.NetSuite.Records(netsuite.TypeJournalEntry)); n != 0 {
		t.Errorf("%d journal entries beside %d payments", n, pays)
	}
	if got := statuses(w.runMode(path, plan.ModeDetailed, context.Background(), nil)); got != "reconciled" {
		t.Fatalf("finished in detailed mode: %s", got)
	}
	w.checkBooks(1)
}

// The listener booked a charge's payment (as nsrecon listen --events all
// does: its charge activity planned in real time and pushed); a summary
// run of its payout is held naming that payment.
func TestSummaryAfterListenerHeld(t *testing.T) {
	w := newWorld(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	ctx := context.Background()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		t.Fatal(err)
	}
	pos, err := reader.ListPayouts(ctx, payout.PayoutFilter{Status: "paid", ArrivalFrom: w.days[0], ArrivalTo: w.days[0]})
	if err != nil || len(pos) != 1 {
		t.Fatalf("payouts %v, %v", pos, err)
	}
	snap, err := reader.Snapshot(ctx, pos[0])
	if err != nil {
		t.Fatal(err)
	}
	var charge string
	for _, bt := range snap.Transactions {
		if bt.Type == "charge" {
			charge = bt.Source
			break
		}
	}
	act, err := reader.Fresh().ChargeActivity(ctx, charge)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	known, err := l.Known(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pl := plan.BuildRealtime(act.Snapshot, plansettings.From(w.cfg), known)
	if res, err := push.New(w.ns, l, push.Options{}).Push(ctx, pl); err != nil || res.Status != outcome.Synced {
		t.Fatalf("listener push: %+v, %v", res, err)
	}
	l.Close()
	rep := w.runMode(path, plan.ModeSummary, ctx, nil)
	w.otherModeHeld(rep, w.writes(), netsuite.TypeCustomerPayment+" "+plan.ExternalID(charge))
}

// cancelAfterWrite passes requests to the fakes and cancels the run once
// a write of a record of typ has reached NetSuite, before its answer
// arrives: the record exists, the ledger has it pending.
type cancelAfterWrite struct {
	typ    string
	cancel context.CancelFunc
}

func (c *cancelAfterWrite) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && req.Method == http.MethodPut && strings.Contains(req.URL.Path, "/record/v1/"+c.typ+"/") {
		resp.Body.Close()
		c.cancel()
		return nil, context.Canceled
	}
	return resp, err
}

// The reverse switch: a summary run interrupted once its journal entry
// reached NetSuite, then a detailed run of the same payout: held before
// any write, naming the journal entry; finishing it in summary mode works.
func TestDetailedAfterSummaryHeld(t *testing.T) {
	w := newWorld(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hc := &http.Client{Transport: &cancelAfterWrite{typ: netsuite.TypeJournalEntry, cancel: cancel}}
	if rep := w.runMode(path, plan.ModeSummary, ctx, hc); len(rep.Payouts) == 1 && rep.Payouts[0].Status == outcome.Reconciled {
		t.Fatalf("summary run was not interrupted: %s", statuses(rep))
	}
	if n := len(w.env.NetSuite.Records(netsuite.TypeJournalEntry)); n != 1 {
		t.Fatalf("%d journal entries in NetSuite, want 1", n)
	}
	rep := w.runMode(path, plan.ModeDetailed, context.Background(), nil)
	w.otherModeHeld(rep, w.writes(), netsuite.TypeJournalEntry+" "+plan.ExternalID(rep.Payouts[0].ID))
	if got := statuses(w.runMode(path, plan.ModeSummary, context.Background(), nil)); got != "reconciled" {
		t.Fatalf("finished in summary mode: %s", got)
	}
	if n := len(w.env.NetSuite.Records(netsuite.TypeJournalEntry)); n != 1 {
		t.Errorf("%d journal entries, want 1", n)
	}
}

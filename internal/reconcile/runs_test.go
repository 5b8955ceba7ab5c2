package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// world is a scenario served by the fakes, with the real clients.
type world struct {
	t    *testing.T
	env  *sandbox.Env
	sc   *stripefake.Scenario
	cfg  *config.Config
	ns   *netsuite.Client
	days []time.Time // payout arrival days, oldest first
}

func newWorld(t *testing.T, scenario string) *world {
	t.Helper()
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", scenario))
	if err != nil {
		t.Fatal(err)
	}
	return newWorldFrom(t, sandbox.Options{Scenario: sc})
}

// newWorldFrom serves opts.Scenario with the fakes as opts say.
func newWorldFrom(t *testing.T, opts sandbox.Options) *world {
	t.Helper()
	sc := opts.Scenario
	env, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	cfg, err := config.Load(config.New(), strings.NewReader(env.ConfigYAML()))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.NetSuite.Auth
	ns, err := netsuite.New(netsuite.Config{AccountID: cfg.NetSuite.AccountID, BaseURL: cfg.NetSuite.BaseURL,
		Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
			TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, env: env, sc: sc, cfg: cfg, ns: ns}
	seen := map[time.Time]bool{}
	for _, o := range sc.Objects {
		if o["object"] == "payout" && o["status"] == "paid" {
			n, _ := toInt(o["arrival_date"])
			d := time.Unix(n, 0).UTC()
			if !seen[d] {
				seen[d] = true
				w.days = append(w.days, d)
			}
		}
	}
	slices.SortFunc(w.days, time.Time.Compare)
	return w
}

// toInt reads a whole number from scenario JSON (a json.Number).
func toInt(v any) (int64, bool) {
	n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	return n, err == nil
}

// run reconciles [from, to] with a ledger at path.
func (w *world) run(ledgerPath string, from, to time.Time) *report.Report {
	w.t.Helper()
	return w.runWith(ledgerPath, from, to, plansettings.From(w.cfg))
}

func (w *world) runWith(ledgerPath string, from, to time.Time, settings plan.Settings) *report.Report {
	w.t.Helper()
	l, err := ledger.Open(context.Background(), ledgerPath)
	if err != nil {
		w.t.Fatal(err)
	}
	defer l.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		w.t.Fatal(err)
	}
	r := &Runner{Stripe: reader, Ledger: l, Push: push.New(w.ns, l, push.Options{}), Records: w.ns, Customers: w.ns}
	rep, err := r.Run(context.Background(), Options{From: from, To: to, Settings: settings})
	if err != nil {
		w.t.Fatal(err)
	}
	return rep
}

// checkBooks: every deposit equals its payout, no external ID twice.
func (w *world) checkBooks(wantDeposits int) {
	w.t.Helper()
	for _, typ := range []string{"customer", "serviceSaleItem", "discountItem", "invoice", "customerPayment", "creditMemo", "customerRefund", "deposit"} {
		seen := map[string]bool{}
		for _, r := range w.env.NetSuite.Records(typ) {
			if r.ExternalID != "" && seen[r.ExternalID] {
				w.t.Errorf("%s %s exists twice in NetSuite", typ, r.ExternalID)
			}
			seen[r.ExternalID] = true
		}
	}
	deps := w.env.NetSuite.Records("deposit")
	if len(deps) != wantDeposits {
		w.t.Errorf("%d deposits, want %d", len(deps), wantDeposits)
	}
	for _, d := range deps {
		po := w.sc.Objects[strings.TrimPrefix(d.ExternalID, "stripe_")]
		amount, _ := toInt(po["amount"])
		total, err := w.env.NetSuite.DepositTotal(d.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		got, _ := new(big.Rat).SetString(total)
		want, _ := new(big.Rat).SetString(money.Format(amount, fmt.Sprint(po["currency"])))
		if got.Cmp(want) != 0 {
			w.t.Errorf("deposit %s totals %s, payout is %s", d.ExternalID, total, want.FloatString(2))
		}
	}
}

func statuses(rep *report.Report) string {
	var s []string
	for _, p := range rep.Payouts {
		s = append(s, string(p.Status))
		for _, pr := range p.Problems {
			s = append(s, pr.Code+": "+pr.Message)
		}
	}
	return strings.Join(s, ", ")
}

// A refund paid out a day after its charge, reconciled by a run whose
// ledger was lost: the payment is found in NetSuite by external ID and
// nothing is created twice.
func TestRefundAfterLedgerLost(t *testing.T) {
	w := newWorld(t, "refunds_plain")
	dir := t.TempDir()
	if got := statuses(w.run(filepath.Join(dir, "first.db"), w.days[0], w.days[0])); got != "reconciled" {
		t.Fatalf("day 1: %s", got)
	}
	rep := w.run(filepath.Join(dir, "fresh.db"), w.days[1], w.days[1])
	if got := statuses(rep); got != "reconciled" {
		t.Fatalf("day 2 with a fresh ledger: %s", got)
	}
	w.checkBooks(2)
}

// A dispute withdrawn in one run and reinstated in a later one; each day
// is its own run on one ledger.
func TestDisputeAcrossRuns(t *testing.T) {
	w := newWorld(t, "disputes")
	path := filepath.Join(t.TempDir(), "l.db")
	for i, d := range w.days {
		if got := statuses(w.run(path, d, d)); got != "reconciled" {
			t.Fatalf("day %d: %s", i+1, got)
		}
	}
	w.checkBooks(len(w.days))
	if n := len(w.env.NetSuite.Records("customerRefund")); n != 2 {
		t.Errorf("%d customer refunds for 2 disputes", n)
	}
}

// A failed payout never gets a deposit; the payout that returns its funds
// carries its charges, each as a payment in that deposit.
func TestFailedPayoutCarried(t *testing.T) {
	w := newWorld(t, "payout_failure")
	rep := w.run(filepath.Join(t.TempDir(), "l.db"), w.days[0].AddDate(0, 0, -3), w.days[len(w.days)-1])
	if got := statuses(rep); got != "reconciled" {
		t.Fatalf("statuses: %s", got)
	}
	w.checkBooks(1)
	if n := len(w.env.NetSuite.Records("customerPayment")); n != 5 {
		t.Errorf("%d payments, want 5 (3 from the failed payout, 2 new)", n)
	}
}

// A payout reconciled by an earlier run is not read, planned or changed
// again, even when the config has changed since (here: its bank mapping is
// gone, which would hold it if it were re-planned).
func TestReconciledPayoutIsLeftAlone(t *testing.T) {
	w := newWorld(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	if got := statuses(w.run(path, w.days[0], w.days[0])); got != "reconciled" {
		t.Fatalf("first run: %s", got)
	}
	s := plansettings.From(w.cfg)
	s.BankAccounts = nil
	rep := w.runWith(path, w.days[0], w.days[0], s)
	if p := rep.Payouts[0]; p.Status != "reconciled" || p.Pushed != 0 || len(p.Notes) != 1 || p.DepositID == "" {
		t.Fatalf("second run: %+v", p)
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if st, _, _ := l.Payout(context.Background(), rep.Payouts[0].ID); st.Status != outcome.Reconciled {
		t.Errorf("ledger status %s after the second run", st.Status)
	}
	w.checkBooks(1)
}

// A held payout's ledger row is written by the pusher, the one writer of
// payout rows, with the problems the report shows.
func TestHeldPayoutRow(t *testing.T) {
	w := newWorld(t, "plain_charges")
	path := filepath.Join(t.TempDir(), "l.db")
	s := plansettings.From(w.cfg)
	s.BankAccounts = nil
	rep := w.runWith(path, w.days[0], w.days[0], s)
	if len(rep.Payouts) != 1 || rep.Payouts[0].Status != outcome.Held {
		t.Fatalf("run: %s", statuses(rep))
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	st, ok, err := l.Payout(context.Background(), rep.Payouts[0].ID)
	if err != nil || !ok || st.Status != outcome.Held {
		t.Fatalf("ledger row %+v, %v, %v", st, ok, err)
	}
	want, _ := json.Marshal(rep.Payouts[0].Problems)
	if string(st.Problems) != string(want) {
		t.Errorf("ledger problems %s, report %s", st.Problems, want)
	}
	w.checkBooks(0)
}

// The ledger's run row records the window a run listed, both days
// inclusive (the --to day, not the day after); a run of explicit payouts
// lists no window and records none, so it never claims days it did not
// list.
func TestRunWindowRecorded(t *testing.T) {
	w := newWorld(t, "refunds_plain")
	path := filepath.Join(t.TempDir(), "l.db")
	w.run(path, w.days[0], w.days[0])
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Stripe: reader, Ledger: l, Push: push.New(w.ns, l, push.Options{}), Records: w.ns, Customers: w.ns}
	pos, err := reader.ListPayouts(context.Background(), payout.PayoutFilter{ArrivalFrom: w.days[1], ArrivalTo: w.days[1]})
	if err != nil || len(pos) == 0 {
		t.Fatalf("payouts of day 2: %v, %v", pos, err)
	}
	if _, err := r.Run(context.Background(), Options{PayoutIDs: []string{pos[0].ID}, Settings: plansettings.From(w.cfg)}); err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(context.Background(), 0)
	l.Close()
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	byPayout, windowed := runs[0], runs[1] // newest first
	if !byPayout.WindowFrom.IsZero() || !byPayout.WindowTo.IsZero() {
		t.Errorf("--payout run recorded window %s … %s; want none", byPayout.WindowFrom, byPayout.WindowTo)
	}
	if !windowed.WindowFrom.Equal(w.days[0]) || !windowed.WindowTo.Equal(w.days[0]) {
		t.Errorf("window run recorded %s … %s; want %s … %s (inclusive)", windowed.WindowFrom, windowed.WindowTo, w.days[0], w.days[0])
	}
}

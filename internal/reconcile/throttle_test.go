package reconcile

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// NetSuite answering 429 past the client's backoff is throttling: the run
// stops with ErrNetSuiteThrottled and the payout's problem says so, not
// "did not answer" and not a refused record.
func TestThrottlingIsReportedAsThrottling(t *testing.T) {
	w := newWorld(t, "plain_charges")
	f := &faults{base: nil}
	f.throttleNS.Store(true)
	hc := newFaultClient(f)
	l, err := ledger.Open(context.Background(), filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		t.Fatal(err)
	}
	a := w.cfg.NetSuite.Auth
	ns, err := netsuite.New(netsuite.Config{AccountID: w.cfg.NetSuite.AccountID, BaseURL: w.cfg.NetSuite.BaseURL, MaxAttempts: 1,
		Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
			TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, hc)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Stripe: reader, Ledger: l, Push: push.New(ns, l, push.Options{}), Records: ns, Customers: ns,
		Now: func() time.Time { return w.days[0].Add(20 * time.Hour) }}
	rep, err := r.Run(context.Background(), Options{Settings: plansettings.From(w.cfg)})
	if !errors.Is(err, ErrNetSuiteThrottled) || errors.Is(err, ErrNetSuiteUnreachable) {
		t.Fatalf("run error %v, want ErrNetSuiteThrottled", err)
	}
	if len(rep.Payouts) != 1 || len(rep.Payouts[0].Problems) == 0 {
		t.Fatalf("report %+v", rep.Payouts)
	}
	for _, p := range rep.Payouts[0].Problems {
		if p.Code != outcome.CodeThrottled || !strings.Contains(p.Message, "429") || strings.Contains(p.Fix, "fix the cause") {
			t.Errorf("problem %+v", p)
		}
	}
}

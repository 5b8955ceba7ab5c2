package reconcile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// dryRunWith validates [from, to] as `reconcile --dry-run` with NetSuite
// credentials does: no ledger, NetSuite read but never written.
func (w *world) dryRunWith(settings plan.Settings) *report.Report {
	w.t.Helper()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: w.env.StripeURL})
	if err != nil {
		w.t.Fatal(err)
	}
	r := &Runner{Stripe: reader, Records: w.ns, Customers: w.ns}
	rep, err := r.Run(context.Background(), Options{DryRun: true, From: w.days[0], To: w.days[len(w.days)-1], Settings: settings})
	if err != nil {
		w.t.Fatal(err)
	}
	return rep
}

// A config internal ID NetSuite does not have, or has as the wrong kind of
// record, holds every payout that uses it before its first write, naming
// the key, in a dry run with NetSuite credentials as in the real run. A
// wrong ID costs no request per payout: what one payout learnt (found or
// not) answers the others.
func TestWrongConfigIDsHeldBeforeFirstWrite(t *testing.T) {
	cases := []struct {
		name, key, code string
		set             func(*plan.Settings)
	}{
		{"unknown fee account", "accounts.stripe_fees", outcome.CodeNotInNetSuite, func(s *plan.Settings) { s.StripeFees = "999" }},
		{"unknown bank account", "accounts.bank.usd", outcome.CodeNotInNetSuite, func(s *plan.Settings) { s.BankAccounts["usd"] = "999" }},
		{"expense account as bank", "accounts.bank.usd", outcome.CodeWrongKind, func(s *plan.Settings) { s.BankAccounts["usd"] = "300" }},
		{"unknown undeposited funds", "accounts.undeposited_funds", outcome.CodeNotInNetSuite, func(s *plan.Settings) { s.UndepositedFunds = "999" }},
		{"EUR as the USD currency", "currencies.usd", outcome.CodeWrongKind, func(s *plan.Settings) { s.Currencies["usd"] = "2" }},
	}
	base := newWorld(t, "refunds_plain")
	last := base.days[len(base.days)-1]
	if got := statuses(base.run(filepath.Join(t.TempDir(), "l.db"), base.days[0], last)); strings.Contains(got, "held") {
		t.Fatalf("correct config: %s", got)
	}
	baseline := base.env.NetSuite.Counts()["POST suiteql"]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, "refunds_plain")
			s := plansettings.From(w.cfg)
			c.set(&s)
			dry := statuses(w.dryRunWith(s))
			real := statuses(w.runWith(filepath.Join(t.TempDir(), "l.db"), w.days[0], last, s))
			if !strings.Contains(real, "held, "+c.code+": ") || !strings.Contains(real, c.key) {
				t.Fatalf("real run: %s", real)
			}
			if strings.Contains(real, "failed") || strings.Contains(real, outcome.CodePartlyWritten) {
				t.Errorf("real run wrote part of a payout: %s", real)
			}
			// Payouts that do not use the ID (no refund: no Undeposited
			// Funds) are reconciled; the others wrote nothing.
			if n := w.writes(); n != 0 && !strings.Contains(real, "reconciled") {
				t.Errorf("%d records written for payouts held by the config", n)
			}
			if strings.ReplaceAll(dry, "ready", "reconciled") != real {
				t.Errorf("dry run and real run disagree:\n dry:  %s\n real: %s", dry, real)
			}
			// The real run's SuiteQL: no more than with a correct config
			// (a dry run and a real run each ask once per table).
			if n := w.env.NetSuite.Counts()["POST suiteql"]; n > 2*baseline {
				t.Errorf("%d SuiteQL requests for a dry run and a real run; a correct real run makes %d", n, baseline)
			}
		})
	}
}

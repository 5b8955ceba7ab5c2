package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/report"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

var fixedNow = time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC)

// sandboxSettings are the planner settings of the sandbox config.
func sandboxSettings(t *testing.T) plan.Settings {
	t.Helper()
	cfg, err := config.Load(config.New(), strings.NewReader(sandbox.ConfigYAML("http://127.0.0.1:1", "http://127.0.0.1:2")))
	if err != nil {
		t.Fatal(err)
	}
	return plansettings.From(cfg)
}

// dryRun reads a scenario through the real stripe-go client and the fake
// Stripe, plans and validates every payout of its history.
func dryRun(t *testing.T, sc *stripefake.Scenario) (*report.Report, []*plan.Plan, *stripefake.Server) {
	t.Helper()
	srv := stripefake.New(sc, "sk_test_golden")
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: "sk_test_golden", APIBase: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	var plans []*plan.Plan
	from, to := sc.ArrivalWindow()
	r := &Runner{Stripe: reader, Now: func() time.Time { return fixedNow }, OnPlan: func(p *plan.Plan) { plans = append(plans, p) }}
	rep, err := r.Run(context.Background(), Options{DryRun: true, From: from, To: to, Settings: sandboxSettings(t)})
	if err != nil {
		t.Fatal(err)
	}
	return rep, plans, srv
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/reconcile -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the run produced; if the change is intended, run go test ./internal/reconcile -update and review the diff", path)
	}
}

// expect is what each scenario must show beyond its golden files: the
// statuses of its payouts (oldest first) and the problem codes of held ones.
var expect = map[string]struct {
	statuses []string
	codes    []string
}{
	"plain_charges":        {[]string{"ready"}, nil},
	"invoice_charges":      {[]string{"ready"}, nil},
	"refunds_plain":        {[]string{"ready", "ready"}, nil},
	"refunds_invoice":      {[]string{"ready", "ready"}, nil},
	"fees":                 {[]string{"ready"}, nil},
	"many_transactions":    {[]string{"ready"}, nil},
	"sum_mismatch":         {[]string{"held"}, []string{outcome.CodeSumMismatch}},
	"unsupported_category": {[]string{"held"}, []string{outcome.CodeMissingMapping}},
	"customer_no_email":    {[]string{"held"}, []string{outcome.CodeMissingField}},
	"manual_payout":        {[]string{"held"}, []string{outcome.CodeManualPayout}},
	"sandbox":              {[]string{"ready", "ready", "held", "held", "ready"}, []string{outcome.CodeManualPayout, outcome.CodeMissingField}},
	"disputes":             {[]string{"ready", "ready", "ready"}, nil},
	"multi_currency":       {[]string{"ready"}, nil},
	"jpy_payout":           {[]string{"ready"}, nil},
	"kwd_payout":           {[]string{"held"}, []string{outcome.CodePrecision}},
	"connect_platform":     {[]string{"ready"}, nil},
	"payout_failure":       {[]string{"ready"}, nil},
	"orphan_refund":        {[]string{"held"}, []string{outcome.CodeUnresolvedRef}},
	"unknown_category":     {[]string{"held"}, []string{outcome.CodeUnsupported}},
	"new_categories": {[]string{"held"}, []string{outcome.CodeMissingMapping, outcome.CodeMissingMapping, outcome.CodeMissingMapping,
		outcome.CodeMissingMapping, outcome.CodeMissingMapping, outcome.CodeMissingMapping, outcome.CodeMissingMapping,
		outcome.CodeMissingMapping, outcome.CodeMissingMapping, outcome.CodeMissingMapping}},
	"deleted_customer":      {[]string{"ready", "held"}, []string{outcome.CodeMissingField}},
	"refund_without_charge": {[]string{"held"}, []string{outcome.CodeUnresolvedRef}},
	"invoice_shipping":      {[]string{"held"}, []string{outcome.CodeMissingMapping}},
	"payout_in_progress":    {[]string{"ready", "waiting"}, nil},
	// issue 11. A dry run without NetSuite cannot verify customer 99999.
	"unknown_netsuite_customer": {[]string{"ready", "held"}, []string{outcome.CodeMalformed}},
	"refund_then_dispute":       {[]string{"ready", "ready", "held"}, []string{outcome.CodeOverRefund}},
	"dispute_then_refund":       {[]string{"ready", "ready", "held"}, []string{outcome.CodeOverRefund}},
	"credit_balance":            {[]string{"ready"}, nil},
	"credit_notes":              {[]string{"ready", "ready"}, nil},
}

func TestScenariosGolden(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "scenarios")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		name := d.Name()
		t.Run(name, func(t *testing.T) {
			sc, err := stripefake.LoadScenario(filepath.Join(root, name))
			if err != nil {
				t.Fatal(err)
			}
			rep, plans, _ := dryRun(t, sc)
			want, ok := expect[name]
			if !ok {
				t.Fatalf("scenario %s has no expectation in this test; add one", name)
			}
			var statuses, codes []string
			for _, p := range rep.Payouts {
				statuses = append(statuses, string(p.Status))
				for _, pr := range p.Problems {
					codes = append(codes, pr.Code)
				}
				if p.Status == outcome.Ready && p.DepositTotal != p.Amount {
					t.Errorf("%s ready but deposit %d ≠ amount %d", p.ID, p.DepositTotal, p.Amount)
				}
			}
			if strings.Join(statuses, ",") != strings.Join(want.statuses, ",") || strings.Join(codes, ",") != strings.Join(want.codes, ",") {
				t.Errorf("statuses %v codes %v; want %v %v", statuses, codes, want.statuses, want.codes)
			}
			dir := filepath.Join("..", "..", "testdata", "golden", name)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range []string{"json", "markdown"} {
				var buf bytes.Buffer
				if err := report.Write(&buf, rep, f); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join(dir, "report."+map[string]string{"json": "json", "markdown": "md"}[f]), buf.Bytes())
			}
			for _, p := range plans {
				raw, err := json.MarshalIndent(p, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join(dir, "plan_"+p.Payout.ID+".json"), append(raw, '\n'))
			}
		})
	}
}

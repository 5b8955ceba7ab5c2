package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// sample has one payout of each status, in a two-, zero- and three-decimal
// currency, so the goldens show every formatting case.
func sample() *Report {
	return &Report{
		Run: RunInfo{
			DryRun: false, Sandbox: true, From: "2024-03-01", To: "2024-03-31",
			StartedAt: time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC), Version: "1.2.3",
			StripeRequests: 14, NetSuiteRequests: 52, Complete: true,
		},
		Payouts: []Payout{
			{
				ID: "po_1OreadyUSD", Currency: "usd", Amount: 123456789, DepositTotal: 123456789,
				ArrivalDate: "2024-03-04", Status: outcome.Ready, Transactions: 45,
				Records: map[string]int{"customer": 3, "invoice": 2, "customerPayment": 40, "deposit": 1},
				Notes:   []string{"payout is in_transit: validated only, nothing is synced until it is paid"},
			},
			{
				ID: "po_1OheldJPY", Currency: "jpy", Amount: 150000, DepositTotal: 149000,
				ArrivalDate: "2024-03-05", Status: outcome.Held, Transactions: 7,
				Records: map[string]int{"customer": 2, "customerPayment": 5, "deposit": 1},
				Problems: []outcome.Problem{
					{
						Code: outcome.CodeMissingMapping, Object: "txn_1Oclimate",
						Message: `No account is configured for reporting category "climate_order" (¥1,000).`,
						Fix:     `Set accounts.categories.climate_order to the NetSuite account for Stripe Climate contributions.`,
					},
					{
						Code: outcome.CodeDepositMismatch, Object: "po_1OheldJPY",
						Message: "Planned deposit total 149,000 JPY does not equal the payout amount 150,000 JPY (difference 1,000 JPY).",
					},
				},
			},
			{
				ID: "po_1OreconKWD", Currency: "kwd", Amount: 12345, DepositTotal: 12345,
				ArrivalDate: "2024-03-06", Status: outcome.Reconciled, Transactions: 3,
				Records:   map[string]int{"customerPayment": 2, "customerRefund": 1, "creditMemo": 1, "deposit": 1},
				DepositID: "8812", Pushed: 5,
			},
			{
				ID: "po_1OfailUSD", Currency: "usd", Amount: -2500, DepositTotal: -2500,
				ArrivalDate: "2024-03-07", Status: outcome.Failed, Transactions: 2,
				Records: map[string]int{"customerRefund": 1, "deposit": 1, "vendorBill": 1}, Pushed: 1,
				Problems: []outcome.Problem{{
					Code: "INVALID_CONTENT", Object: "stripe_re_1Oabc",
					Message: "NetSuite: Invalid account reference key 999 for subsidiary 1 <US | Inc>.",
					Fix:     "Check that accounts.undeposited_funds belongs to subsidiary 1.",
				}},
			},
		},
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct{ format, file string }{
		{FormatTable, "report.txt"},
		{FormatJSON, "report.json"},
		{FormatMarkdown, "report.md"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, sample(), tc.format); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}
}

func TestGoldenEmpty(t *testing.T) {
	r := &Report{Run: RunInfo{DryRun: true, Version: "1.2.3", Complete: true}}
	for _, tc := range []struct{ format, file string }{
		{FormatTable, "empty.txt"},
		{FormatJSON, "empty.json"},
		{FormatMarkdown, "empty.md"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, r, tc.format); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
		})
	}
}

// A run an error stopped before every payout says so in every format,
// with what stopped it and the payouts it never reached: its totals are not
// the day's.
func TestGoldenIncomplete(t *testing.T) {
	r := sample()
	r.Payouts = r.Payouts[:2]
	r.Run.Complete = false
	r.Run.StoppedBy = "NetSuite refused the credentials: Invalid login attempt."
	r.Run.NotReached = []string{"po_1OnotReached1", "po_1OnotReached2"}
	for _, tc := range []struct{ format, file string }{
		{FormatTable, "incomplete.txt"},
		{FormatJSON, "incomplete.json"},
		{FormatMarkdown, "incomplete.md"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, r, tc.format); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, buf.Bytes())
			for _, want := range append([]string{"NetSuite refused the credentials"}, r.Run.NotReached...) {
				if tc.format == FormatMarkdown {
					want = mdEscape(want)
				}
				if !strings.Contains(buf.String(), want) {
					t.Errorf("%s: no %q", tc.format, want)
				}
			}
		})
	}
	var doc struct {
		Run struct {
			Complete   *bool    `json:"complete"`
			NotReached []string `json:"not_reached"`
		} `json:"run"`
	}
	if err := json.Unmarshal(mustJSON(t, r), &doc); err != nil || doc.Run.Complete == nil || *doc.Run.Complete || len(doc.Run.NotReached) != 2 {
		t.Errorf("run %+v, %v", doc.Run, err)
	}
}

func mustJSON(t *testing.T, r *Report) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden (go test ./internal/report -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestJSONShape(t *testing.T) {
	r := sample()
	r.Payouts[0].Problems = nil // must still be an array
	r.Payouts[0].Records = nil  // must still be an object
	r.Payouts[1].Notes = nil    // must still be an array
	var buf bytes.Buffer
	if err := Write(&buf, r, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion *int `json:"schema_version"`
		Payouts       []struct {
			Problems json.RawMessage `json:"problems"`
			Records  json.RawMessage `json:"records"`
			Notes    json.RawMessage `json:"notes"`
		} `json:"payouts"`
		Totals struct {
			Payouts    int              `json:"payouts"`
			ByCurrency map[string]int64 `json:"by_currency"`
		} `json:"totals"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion == nil || *doc.SchemaVersion != SchemaVersion {
		t.Errorf("schema_version = %v", doc.SchemaVersion)
	}
	if string(doc.Payouts[0].Problems) != "[]" || string(doc.Payouts[0].Records) != "{}" || string(doc.Payouts[1].Notes) != "[]" {
		t.Errorf("problems = %s, records = %s, notes = %s", doc.Payouts[0].Problems, doc.Payouts[0].Records, doc.Payouts[1].Notes)
	}
	// Write computed totals without being asked to, and left r alone.
	if doc.Totals.Payouts != 4 || doc.Totals.ByCurrency["usd"] != 123456789-2500 {
		t.Errorf("totals = %+v", doc.Totals)
	}
	if r.Totals.Payouts != 0 {
		t.Error("Write modified the report")
	}
	// Plain json.Marshal of a computed report gives the same document.
	r.Compute()
	direct, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(direct, &a)
	json.Unmarshal(buf.Bytes(), &b)
	if !jsonEqual(a, b) {
		t.Errorf("json.Marshal and Write disagree:\n%s\n%s", direct, buf.Bytes())
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestCompute(t *testing.T) {
	r := sample()
	r.Compute()
	want := Totals{Payouts: 4, Ready: 1, Held: 1, Reconciled: 1, Failed: 1, Pushed: 6,
		ByCurrency: map[string]int64{"usd": 123454289, "jpy": 150000, "kwd": 12345}}
	got := r.Totals
	if got.Payouts != want.Payouts || got.Ready != want.Ready || got.Held != want.Held ||
		got.Reconciled != want.Reconciled || got.Failed != want.Failed || got.Pushed != want.Pushed || len(got.ByCurrency) != 3 {
		t.Fatalf("Totals = %+v, want %+v", got, want)
	}
	for c, v := range want.ByCurrency {
		if got.ByCurrency[c] != v {
			t.Errorf("ByCurrency[%s] = %d, want %d", c, got.ByCurrency[c], v)
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		statuses []outcome.Status
		want     int
	}{
		{nil, outcome.ExitOK},
		{[]outcome.Status{outcome.Ready, outcome.Reconciled}, outcome.ExitOK},
		{[]outcome.Status{outcome.Ready, outcome.Held}, outcome.ExitHeld},
		{[]outcome.Status{outcome.Failed, outcome.Reconciled}, outcome.ExitError},
		{[]outcome.Status{outcome.Held, outcome.Failed}, outcome.ExitError}, // failed wins
		{[]outcome.Status{outcome.Ready, "bogus"}, outcome.ExitError},
	}
	for _, tt := range tests {
		r := &Report{}
		for _, s := range tt.statuses {
			r.Payouts = append(r.Payouts, Payout{Status: s})
		}
		if got := ExitCode(r); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.statuses, got, tt.want)
		}
	}
}

func TestFromPlan(t *testing.T) {
	p := &plan.Plan{
		Payout: payout.Payout{
			ID: "po_1", Amount: 5000, Currency: "eur",
			// 00:00 UTC; in a zone west of UTC this instant is the previous day.
			ArrivalDate: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC).In(time.FixedZone("EST", -5*3600)),
		},
		Records: []plan.Record{
			{Type: "customer"}, {Type: "customerPayment"}, {Type: "customerPayment"}, {Type: "deposit"},
		},
		DepositTotal: 5000,
	}
	got := FromPlan(p, 3)
	if got.ID != "po_1" || got.Currency != "eur" || got.Amount != 5000 || got.DepositTotal != 5000 ||
		got.ArrivalDate != "2024-03-05" || got.Status != outcome.Ready || got.Transactions != 3 ||
		got.Records["customerPayment"] != 2 || got.Problems == nil || len(got.Problems) != 0 || got.Notes == nil {
		t.Errorf("FromPlan = %+v", got)
	}

	p.Problems = []outcome.Problem{{Code: outcome.CodeNotPaid, Object: "po_1", Message: "in transit", Fix: "wait"}}
	got = FromPlan(p, 3)
	if got.Status != outcome.Held || len(got.Problems) != 1 ||
		got.Problems[0] != (outcome.Problem{Code: outcome.CodeNotPaid, Object: "po_1", Message: "in transit", Fix: "wait"}) {
		t.Errorf("FromPlan held = %+v", got)
	}
}

func TestAmountFormatting(t *testing.T) {
	tests := []struct {
		minor int64
		cur   string
		want  string
	}{
		{123456789, "usd", "1,234,567.89"},
		{-2500, "usd", "-25.00"},
		{5, "usd", "0.05"},
		{150000, "jpy", "150,000"},
		{999, "jpy", "999"},
		{12345, "kwd", "12.345"},
		{-1234567, "bhd", "-1,234.567"},
		{0, "eur", "0.00"},
	}
	for _, tt := range tests {
		if got := amount(tt.minor, tt.cur); got != tt.want {
			t.Errorf("amount(%d, %s) = %q, want %q", tt.minor, tt.cur, got, tt.want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, sample(), "yaml")
	if err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) {
		t.Errorf("err = %v", err)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	r := sample()
	var buf bytes.Buffer
	if err := Write(&buf, r, FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	// The pipe in the NetSuite message must not split anything, and the
	// angle brackets must not become HTML.
	if !strings.Contains(buf.String(), `\<US \| Inc\>`) {
		t.Errorf("message not escaped:\n%s", buf.String())
	}
}

package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/config/plansettings"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
	"github.com/nsrecon/nsrecon/internal/reconcile"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

var farFuture = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// reconciled is a scenario reconciled for real (real clients, fake Stripe
// and fake NetSuite, a ledger on disk), ready to export.
type reconciled struct {
	env      *sandbox.Env
	ledger   *ledger.Ledger
	exporter *Exporter
}

func reconcileScenario(t *testing.T, name string) *reconciled {
	t.Helper()
	return reconcileScenarioIn(t, name, config.ModeDetailed)
}

// reconcileScenarioIn reconciles a scenario in a reconcile.mode.
func reconcileScenarioIn(t *testing.T, name, mode string) *reconciled {
	t.Helper()
	return reconcileScenarioWith(t, name, mode, nil)
}

// reconcileScenarioWith reconciles a scenario after before, if set, has
// pushed what it likes with the same pusher (invoices sync).
func reconcileScenarioWith(t *testing.T, name, mode string, before func(*payout.Reader, *push.Pusher, plan.Settings)) *reconciled {
	t.Helper()
	return reconcileScenarioCfg(t, name, mode, nil, before)
}

// reconcileScenarioCfg is reconcileScenarioWith with the config changed by
// mutate, if set.
func reconcileScenarioCfg(t *testing.T, name, mode string, mutate func(*config.Config),
	before func(*payout.Reader, *push.Pusher, plan.Settings)) *reconciled {
	t.Helper()
	ctx := context.Background()
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", name))
	if err != nil {
		t.Fatal(err)
	}
	env, err := sandbox.Start(ctx, sandbox.Options{Scenario: sc})
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
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: sandbox.StripeKey, APIBase: env.StripeURL})
	if err != nil {
		t.Fatal(err)
	}
	// One request at a time: internal IDs come out the same every run.
	pusher := push.New(ns, l, push.Options{Concurrency: 1, Queue: -1})
	r := &reconcile.Runner{Stripe: reader, Ledger: l, Push: pusher, Records: ns, Customers: ns}
	from, to := sc.ArrivalWindow()
	cfg.Reconcile.Mode = mode
	if mutate != nil {
		mutate(cfg)
	}
	settings := plansettings.From(cfg)
	if before != nil {
		before(reader, pusher, settings)
	}
	if _, err := r.Run(ctx, reconcile.Options{From: from, To: to, Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return &reconciled{env: env, ledger: l, exporter: &Exporter{Stripe: reader, Ledger: l, Settings: settings}}
}

// export runs the export of every payout the ledger has.
func (rc *reconciled) export(t *testing.T, newW func(*bytes.Buffer) (Writer, error)) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w, err := newW(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.exporter.Export(context.Background(), Selection{To: farFuture}, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func newCSV(b *bytes.Buffer) (Writer, error)  { return NewCSV(b) }
func newXLSX(b *bytes.Buffer) (Writer, error) { return NewXLSX(b) }

var scenarios = []string{"plain_charges", "invoice_charges", "refunds_invoice", "disputes", "fees", "multi_currency",
	"customer_no_email", "payout_failure", "kwd_payout"}

// The export of each representative scenario, after a real reconcile, is
// its golden CSV; its rows net to each payout's amount and name only
// records that exist in NetSuite with the amounts exported.
func TestExportScenarios(t *testing.T) {
	for _, name := range scenarios {
		t.Run(name, func(t *testing.T) {
			rc := reconcileScenario(t, name)
			got := rc.export(t, newCSV)
			golden(t, filepath.Join("testdata", name+".csv"), got.Bytes())
			rows := readCSV(t, got.Bytes())
			checkNets(t, rc, rows)
			checkNetSuite(t, rc, rows)
			checkDepositLines(t, rc, rows)
		})
	}
}

// With rules.rounding: account, the KWD payout's deposit has a line to
// accounts.rounding no transaction caused; it has a row of its own (no
// Stripe side), so the rows' NetSuite amounts tie to the deposit.
func TestExportRoundingLine(t *testing.T) {
	rc := reconcileScenarioCfg(t, "kwd_payout", config.ModeDetailed,
		func(c *config.Config) { c.Rules.Rounding = config.RoundingAccount }, nil)
	got := rc.export(t, newCSV)
	golden(t, filepath.Join("testdata", "kwd_payout_rounding.csv"), got.Bytes())
	rows := readCSV(t, got.Bytes())
	checkNets(t, rc, rows)
	checkNetSuite(t, rc, rows)
	checkDepositLines(t, rc, rows)
	n := 0
	for _, r := range rows {
		if r["netsuite_account"] == "315" && r["balance_transaction_id"] == "" && r["net"] == "" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d rows carry the rounding line (account 315) with no Stripe side, want 1", n)
	}
}

// checkDepositLines: every line of every deposit in NetSuite has a row
// (its account and signed amount, under the deposit's internal ID).
func checkDepositLines(t *testing.T, rc *reconciled, rows []map[string]string) {
	t.Helper()
	have := map[string]int{}
	for _, r := range rows {
		if r["netsuite_record_type"] == "deposit" {
			have[r["netsuite_internal_id"]+"/"+r["netsuite_account"]+"/"+dec(t, r["netsuite_amount"]).RatString()]++
		}
	}
	for _, d := range rc.env.NetSuite.Records("deposit") {
		for list, sign := range map[string]int64{"other": 1, "cashback": -1} {
			sub, _ := d.Fields[list].(map[string]any)
			items, _ := sub["items"].([]any)
			for _, it := range items {
				line, _ := it.(map[string]any)
				acct, _ := line["account"].(map[string]any)
				a := new(big.Rat).Mul(dec(t, fmt.Sprint(line["amount"])), big.NewRat(sign, 1))
				key := d.ID + "/" + fmt.Sprint(acct["id"]) + "/" + a.RatString()
				if have[key] == 0 {
					t.Errorf("deposit %s: line %s to account %v has no export row", d.ID, a.FloatString(3), acct["id"])
					continue
				}
				have[key]--
			}
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the export; if the change is intended, run go test ./internal/export -update and review the diff\n%s", path, got)
	}
}

func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(Columns(), ",") {
		t.Fatalf("header %v", recs[0])
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func dec(t *testing.T, s string) *big.Rat {
	t.Helper()
	if s == "" {
		return new(big.Rat)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return r
}

// checkNets: each reconciled payout's rows net to its amount.
func checkNets(t *testing.T, rc *reconciled, rows []map[string]string) {
	t.Helper()
	nets := map[string]*big.Rat{}
	for _, r := range rows {
		if nets[r["automatic_payout_id"]] == nil {
			nets[r["automatic_payout_id"]] = new(big.Rat)
		}
		nets[r["automatic_payout_id"]].Add(nets[r["automatic_payout_id"]], dec(t, r["net"]))
	}
	for id, net := range nets {
		st, _, err := rc.ledger.Payout(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		want := dec(t, money.Format(st.Amount, st.Currency))
		if net.Cmp(want) != 0 && st.Status == "reconciled" {
			t.Errorf("payout %s: rows net %s, payout amount %s", id, net.FloatString(3), want.FloatString(3))
		}
	}
}

// checkNetSuite: every exported internal ID exists in the fake NetSuite as
// that record type with the amount exported; every deposit line exported
// is a line of that deposit.
func checkNetSuite(t *testing.T, rc *reconciled, rows []map[string]string) {
	t.Helper()
	byID := map[string]map[string]any{}
	for _, typ := range []string{"invoice", "customerPayment", "creditMemo", "customerRefund", "deposit"} {
		for _, r := range rc.env.NetSuite.Records(typ) {
			r.Fields["__type"], r.Fields["__eid"] = typ, r.ExternalID
			byID[typ+"/"+r.ID] = r.Fields
		}
	}
	field := map[string]string{"customerPayment": "payment"} // else total
	for _, r := range rows {
		id, typ := r["netsuite_internal_id"], r["netsuite_record_type"]
		if id == "" {
			if r["status"] == "reconciled" && typ != "" {
				t.Errorf("%s %s of a reconciled payout has no internal ID", typ, r["netsuite_external_id"])
			}
			continue
		}
		rec := byID[typ+"/"+id]
		if rec == nil || rec["__eid"] != r["netsuite_external_id"] {
			t.Errorf("%s %s (%s) is not in NetSuite", typ, id, r["netsuite_external_id"])
			continue
		}
		amount := dec(t, r["netsuite_amount"])
		if typ == "deposit" {
			if !hasLine(t, rec, r["netsuite_account"], amount) {
				t.Errorf("deposit %s has no line %s to account %s", id, amount.FloatString(3), r["netsuite_account"])
			}
			continue
		}
		f := field[typ]
		if f == "" {
			f = "total"
		}
		if got := dec(t, fmt.Sprint(rec[f])); got.Cmp(amount) != 0 {
			t.Errorf("%s %s: NetSuite has %s %s, export says %s", typ, id, f, got.FloatString(3), amount.FloatString(3))
		}
	}
}

func hasLine(t *testing.T, dep map[string]any, account string, amount *big.Rat) bool {
	list, sign := "other", 1
	if amount.Sign() < 0 {
		list, sign = "cashback", -1
	}
	sub, _ := dep[list].(map[string]any)
	items, _ := sub["items"].([]any)
	for _, it := range items {
		line, _ := it.(map[string]any)
		acct, _ := line["account"].(map[string]any)
		a := dec(t, fmt.Sprint(line["amount"]))
		if fmt.Sprint(acct["id"]) == account && a.Cmp(new(big.Rat).Mul(amount, big.NewRat(int64(sign), 1))) == 0 {
			return true
		}
	}
	return false
}

// The XLSX export, read back with excelize, holds the CSV's rows (amounts
// as numbers showing the same decimals) and one totals row per payout.
func TestXLSXMatchesCSV(t *testing.T) {
	rc := reconcileScenario(t, "refunds_invoice")
	want := readCSV(t, rc.export(t, newCSV).Bytes())
	f, err := excelize.OpenReader(rc.export(t, newXLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(SheetRows)
	if err != nil {
		t.Fatal(err)
	}
	if len(got)-1 != len(want) {
		t.Fatalf("%d XLSX rows, %d CSV rows", len(got)-1, len(want))
	}
	cols := Columns()
	for i, row := range got[1:] {
		for j, c := range cols {
			v := ""
			if j < len(row) {
				v = row[j]
			}
			w := want[i][c]
			if columns[j].amount != nil && w != "" {
				w = thousands(w)
			}
			if v != w {
				t.Errorf("row %d %s: XLSX %q, CSV %q", i+1, c, v, w)
			}
		}
	}
	if typ, err := f.GetCellType(SheetRows, "I2"); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("net is stored as %v (%v), want a number", typ, err)
	}
	totals, err := f.GetRows(SheetTotals)
	if err != nil || len(totals) != 3 { // header + 2 payouts
		t.Fatalf("totals sheet: %v %v", totals, err)
	}
	panes, err := f.GetPanes(SheetRows)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if tables, err := f.GetTables(SheetRows); err != nil || len(tables) != 1 {
		t.Errorf("no filter table on the rows: %v %v", tables, err)
	}
}

// thousands is how the #,##0.00 format shows a decimal.
func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

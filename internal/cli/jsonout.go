package cli

import (
	"encoding/json"
	"runtime"
	"time"

	"github.com/nsrecon/nsrecon/internal/invoicesync"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// The JSON documents of the commands other than reconcile (whose report is
// internal/report). Each is its own type with snake_case fields and a
// schema_version, documented in JSON.md, so the ledger's Go types can
// change without changing what scripts read.

// JSONSchemaVersion is the version of every document below; it changes
// only when a field is removed or changes meaning.
const JSONSchemaVersion = 1

type runsDoc struct {
	SchemaVersion int       `json:"schema_version"`
	Runs          []runJSON `json:"runs"`
}

type runJSON struct {
	ID                int64   `json:"id"`
	StartedAt         string  `json:"started_at"`
	EndedAt           *string `json:"ended_at"` // null: running, or killed
	WindowFrom        string  `json:"window_from"`
	WindowTo          string  `json:"window_to"`
	DryRun            bool    `json:"dry_run"`
	PayoutsTotal      int     `json:"payouts_total"`
	PayoutsReconciled int     `json:"payouts_reconciled"`
	PayoutsHeld       int     `json:"payouts_held"`
	PayoutsFailed     int     `json:"payouts_failed"`
	RecordsPushed     int     `json:"records_pushed"`
	Outcome           string  `json:"outcome"` // "" while running or when killed
}

func newRunsDoc(rows []ledger.RunRow) runsDoc {
	doc := runsDoc{SchemaVersion: JSONSchemaVersion, Runs: []runJSON{}}
	for _, r := range rows {
		doc.Runs = append(doc.Runs, runJSON{
			ID: r.ID, StartedAt: rfc3339(r.StartedAt), EndedAt: optTime(r.EndedAt),
			WindowFrom: day(r.WindowFrom), WindowTo: day(r.WindowTo), DryRun: r.DryRun,
			PayoutsTotal: r.PayoutsTotal, PayoutsReconciled: r.PayoutsReconciled,
			PayoutsHeld: r.PayoutsHeld, PayoutsFailed: r.PayoutsFailed,
			RecordsPushed: r.RecordsPushed, Outcome: r.Outcome,
		})
	}
	return doc
}

type payoutDoc struct {
	SchemaVersion int          `json:"schema_version"`
	Payout        payoutJSON   `json:"payout"`
	Records       []recordJSON `json:"records"`
}

type payoutJSON struct {
	ID          string            `json:"id"`
	Status      outcome.Status    `json:"status"` // "" when only records are known
	Currency    string            `json:"currency"`
	Amount      int64             `json:"amount"` // minor units
	DepositID   string            `json:"deposit_id"`
	ArrivalDate string            `json:"arrival_date"`
	Problems    []outcome.Problem `json:"problems"`
	UpdatedAt   *string           `json:"updated_at"`
}

type recordJSON struct {
	Type       string `json:"type"`
	ExternalID string `json:"external_id"`
	Source     string `json:"source"`
	InternalID string `json:"internal_id"`
	Status     string `json:"status"`
	// What the record booked, as the table shows it: null/"" when it
	// books nothing (customers, items) or the ledger does not know.
	Amount    *int64 `json:"amount"` // minor units of Currency
	Currency  string `json:"currency"`
	Account   string `json:"account"`
	Date      string `json:"date"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	UpdatedAt string `json:"updated_at"`
}

func newPayoutDoc(id string, ps ledger.PayoutState, problems []outcome.Problem, recs []ledger.RecordRow) payoutDoc {
	if problems == nil {
		problems = []outcome.Problem{}
	}
	doc := payoutDoc{SchemaVersion: JSONSchemaVersion, Records: []recordJSON{}, Payout: payoutJSON{
		ID: id, Status: ps.Status, Currency: ps.Currency, Amount: ps.Amount, DepositID: ps.DepositID,
		ArrivalDate: day(ps.ArrivalDate), Problems: problems, UpdatedAt: optTime(ps.UpdatedAt),
	}}
	for _, r := range recs {
		rec := recordJSON{
			Type: r.Type, ExternalID: r.ExternalID, Source: r.Source, InternalID: r.InternalID,
			Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, UpdatedAt: rfc3339(r.UpdatedAt),
		}
		if b := r.Booked; b.Known() {
			amount := b.Amount
			rec.Amount, rec.Currency, rec.Account, rec.Date = &amount, b.Currency, b.Account, b.Date
		}
		doc.Records = append(doc.Records, rec)
	}
	return doc
}

type invoicesDoc struct {
	SchemaVersion int                    `json:"schema_version"`
	Invoices      []invoicesync.Result   `json:"invoices"`
	Totals        map[outcome.Status]int `json:"totals"`
}

func newInvoicesDoc(results []invoicesync.Result) invoicesDoc {
	totals := map[outcome.Status]int{outcome.Synced: 0, outcome.Held: 0, outcome.Failed: 0}
	for _, r := range results {
		totals[r.Status]++
	}
	if results == nil {
		results = []invoicesync.Result{}
	}
	return invoicesDoc{SchemaVersion: JSONSchemaVersion, Invoices: results, Totals: totals}
}

type versionDoc struct {
	SchemaVersion int    `json:"schema_version"`
	Version       string `json:"version"`
	GoVersion     string `json:"go_version"`
	OS            string `json:"os"`
	Arch          string `json:"arch"`
}

func newVersionDoc(v string) versionDoc {
	return versionDoc{JSONSchemaVersion, v, runtime.Version(), runtime.GOOS, runtime.GOARCH}
}

// configDoc is config show's document: the config's sections, with
// schema_version beside them.
func configDoc(redacted map[string]any) map[string]any {
	redacted["schema_version"] = JSONSchemaVersion
	return redacted
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc3339(t)
	return &s
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// problemsOf decodes a ledger row's problems (best effort: older rows may
// differ).
func problemsOf(raw json.RawMessage) []outcome.Problem {
	var problems []outcome.Problem
	_ = json.Unmarshal(raw, &problems)
	return problems
}

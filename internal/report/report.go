// Package report renders the result of a reconcile run for people (table),
// machines (JSON, schema in SCHEMA.md) and CI step summaries (markdown), and
// decides the run's exit status from it.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// SchemaVersion is the version of the JSON document. It changes only when a
// field is removed or changes meaning; new fields do not bump it.
const SchemaVersion = 1

// Report is the outcome of one run.
type Report struct {
	Run     RunInfo  `json:"run"`
	Payouts []Payout `json:"payouts"`
	Totals  Totals   `json:"totals"`
}

// RunInfo describes the run itself.
type RunInfo struct {
	DryRun           bool      `json:"dry_run"`
	Sandbox          bool      `json:"sandbox"`
	From             string    `json:"from"` // YYYY-MM-DD, "" = open
	To               string    `json:"to"`   // YYYY-MM-DD, "" = open
	StartedAt        time.Time `json:"started_at"`
	Version          string    `json:"version"`
	StripeRequests   int       `json:"stripe_requests"`
	NetSuiteRequests int       `json:"netsuite_requests"`
	// Interrupted: the run was stopped (Ctrl-C, SIGTERM) before it
	// finished; a failed payout was cut short, not refused by NetSuite.
	Interrupted bool `json:"interrupted"`
	// Complete: the run covered every payout it set out to. False when an
	// error stopped it first (NetSuite refused the credentials, Stripe
	// went away, an interrupt): StoppedBy says what, NotReached lists the
	// payouts it never came to (when the listing got that far), and the
	// totals cover only the payouts listed.
	Complete   bool     `json:"complete"`
	StoppedBy  string   `json:"stopped_by,omitempty"`
	NotReached []string `json:"not_reached"`
}

// Payout is one payout's outcome. Amounts are minor units of Currency.
type Payout struct {
	ID           string         `json:"id"`
	Currency     string         `json:"currency"` // lower-case, as Stripe sends it
	Amount       int64          `json:"amount"`
	DepositTotal int64          `json:"deposit_total"`
	ArrivalDate  string         `json:"arrival_date"` // YYYY-MM-DD
	Status       outcome.Status `json:"status"`       // ready, held, reconciled or failed
	Transactions int            `json:"transactions"`
	Records      map[string]int `json:"records"` // NetSuite record type → count
	DepositID    string         `json:"deposit_id,omitempty"`
	// Pushed is how many records this run wrote to NetSuite (0 in a dry run
	// or when the ledger already had everything).
	Pushed   int               `json:"pushed"`
	Problems []outcome.Problem `json:"problems"`
	// Notes are facts worth telling a person that do not stop anything, e.g.
	// "payout is in_transit: validated only".
	Notes []string `json:"notes"`
}

// Totals summarises the payouts.
type Totals struct {
	Payouts    int              `json:"payouts"`
	Ready      int              `json:"ready"`
	Held       int              `json:"held"`
	Reconciled int              `json:"reconciled"`
	Waiting    int              `json:"waiting"`
	Failed     int              `json:"failed"`
	Pushed     int              `json:"pushed"`      // Σ payouts[].pushed
	ByCurrency map[string]int64 `json:"by_currency"` // Σ payout amount per currency, every status
}

// FromPlan is the report line for a planned payout: ready or held, with the
// planned record counts. transactions is the number of balance transactions
// in the payout (the plan does not keep the snapshot). The caller updates
// Status and DepositID after pushing.
func FromPlan(p *plan.Plan, transactions int) Payout {
	out := Payout{
		ID:           p.Payout.ID,
		Currency:     p.Payout.Currency,
		Amount:       p.Payout.Amount,
		DepositTotal: p.DepositTotal,
		Status:       p.Status(),
		Transactions: transactions,
		Records:      p.Counts(),
		Problems:     append([]outcome.Problem{}, p.Problems...),
		Notes:        []string{},
	}
	if !p.Payout.ArrivalDate.IsZero() {
		// Stripe's arrival_date is midnight UTC of the bank's date; a local
		// zone would move it to the previous day west of Greenwich.
		out.ArrivalDate = p.Payout.ArrivalDate.UTC().Format(time.DateOnly)
	}
	return out
}

// Compute fills Totals from Payouts.
func (r *Report) Compute() {
	t := Totals{Payouts: len(r.Payouts), ByCurrency: map[string]int64{}}
	for _, p := range r.Payouts {
		switch p.Status {
		case outcome.Ready:
			t.Ready++
		case outcome.Held:
			t.Held++
		case outcome.Reconciled:
			t.Reconciled++
		case outcome.Waiting:
			t.Waiting++
		default:
			// An unknown status is a bug upstream; counting it as failed keeps
			// it visible and, via ExitCode, non-zero.
			t.Failed++
		}
		t.ByCurrency[p.Currency] += p.Amount
		t.Pushed += p.Pushed
	}
	r.Totals = t
}

// ExitCode maps the payouts' statuses to the process exit status
// (outcome.ExitCode: failed wins over held).
func ExitCode(r *Report) int {
	statuses := make([]outcome.Status, len(r.Payouts))
	for i, p := range r.Payouts {
		statuses[i] = p.Status
	}
	return outcome.ExitCode(statuses...)
}

// Formats accepted by Write.
const (
	FormatTable    = "table"
	FormatJSON     = "json"
	FormatMarkdown = "markdown"
)

// Write renders r in format. Totals are recomputed from the payouts on a
// copy, so the output can never show stale totals and r is not modified.
func Write(w io.Writer, r *Report, format string) error {
	c := *r
	c.Compute()
	switch format {
	case FormatTable, "":
		return writeTable(w, &c)
	case FormatJSON:
		return writeJSON(w, &c)
	case FormatMarkdown:
		return writeMarkdown(w, &c)
	}
	return fmt.Errorf("report: unknown format %q (want table, json or markdown)", format)
}

// MarshalJSON adds schema_version and guarantees that arrays and objects are
// never null, so consumers (jq, CI scripts) need no null checks.
func (r Report) MarshalJSON() ([]byte, error) {
	type payout Payout // no methods: avoids recursion
	payouts := make([]payout, len(r.Payouts))
	for i, p := range r.Payouts {
		if p.Problems == nil {
			p.Problems = []outcome.Problem{}
		}
		if p.Notes == nil {
			p.Notes = []string{}
		}
		if p.Records == nil {
			p.Records = map[string]int{}
		}
		payouts[i] = payout(p)
	}
	run := r.Run
	if run.NotReached == nil {
		run.NotReached = []string{}
	}
	totals := r.Totals
	if totals.ByCurrency == nil {
		totals.ByCurrency = map[string]int64{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" in messages readable
	err := enc.Encode(struct {
		SchemaVersion int      `json:"schema_version"`
		Run           RunInfo  `json:"run"`
		Payouts       []payout `json:"payouts"`
		Totals        Totals   `json:"totals"`
	}{SchemaVersion, run, payouts, totals})
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

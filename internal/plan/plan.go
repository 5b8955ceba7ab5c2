// Package plan maps a payout Snapshot to the NetSuite records that represent
// it and validates that they add up to the payout to the cent. It is pure:
// no I/O, no clock, deterministic output for the same input.
package plan

import (
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Plan is the set of NetSuite records for one payout, in dependency order
// (every record comes after the records it references; the deposit is last).
type Plan struct {
	// Kind says whether the plan reconciles a payout or syncs one invoice
	// in real time. It is not serialized: the plan files show it by their
	// payout.
	Kind         Kind              `json:"-"`
	Payout       payout.Payout     `json:"payout"`
	Records      []Record          `json:"records"`
	DepositTotal int64             `json:"deposit_total"`
	Problems     []outcome.Problem `json:"problems,omitempty"`
	// CurrencyNeeds are currencies existing customers must have before
	// the records are written (see CurrencyNeed).
	CurrencyNeeds []CurrencyNeed `json:"currency_needs,omitempty"`
	// Notes are facts for a person that do not stop the payout.
	Notes []string `json:"notes,omitempty"`
	// Trace says which records and deposit lines each balance transaction
	// made (see trace.go); not serialized.
	Trace []Trace `json:"-"`
	// Refundable is, per charge this plan pays or reverses, what refunds
	// and disputes can still take back from it afterwards (charge
	// currency): a run remembers it for its later payouts (RunMemory).
	Refundable map[string]int64 `json:"-"`
}

// Kind is what a plan is for.
type Kind int

const (
	// KindPayout: the records of one payout, ending with its deposit
	// (Build). The zero value, so a Plan literal naming a payout is one.
	KindPayout Kind = iota
	// KindInvoice: the records of one finalized invoice, outside any
	// payout (BuildInvoice).
	KindInvoice
	// KindRealtime: the records of Stripe objects synced in real time
	// (a charge and its refunds, a dispute, a customer, a price), outside
	// any payout and without a deposit (BuildRealtime, BuildCustomer,
	// BuildPrice).
	KindRealtime
)

// Held reports whether validation found anything that stops the push.
func (p *Plan) Held() bool { return len(p.Problems) > 0 }

// Status is ready or held.
func (p *Plan) Status() outcome.Status {
	if p.Held() {
		return outcome.Held
	}
	return outcome.Ready
}

// Counts returns the number of planned records by NetSuite record type.
func (p *Plan) Counts() map[string]int {
	m := map[string]int{}
	for _, r := range p.Records {
		m[r.Type]++
	}
	return m
}

// Record is one NetSuite record to create (or upsert) for the payout.
type Record struct {
	Type       string `json:"type"`
	ExternalID string `json:"external_id"`
	// Source is the Stripe object the record represents (cus_…, ch_…, po_…).
	Source string `json:"source"`
	// Deps are the external IDs of nsrecon-made records this one references;
	// each is earlier in the plan or already exists (an earlier payout).
	Deps []string      `json:"deps,omitempty"`
	Body netsuite.Body `json:"body"`
}

// Known tells the planner which nsrecon-made records already exist in
// NetSuite (from the ledger, or planned earlier in the same run), so records
// of an earlier payout can be referenced without being planned again.
type Known interface {
	Has(externalID string) bool
}

// CustomerMatcher is implemented by a Known that can also name the existing
// NetSuite customer for an email address (customers.mode: match_email). The
// caller looks the addresses up before planning, so planning stays pure.
type CustomerMatcher interface {
	CustomerByEmail(email string) (internalID string, ok bool)
}

// KnownSet is a Known backed by a map.
type KnownSet map[string]bool

func (k KnownSet) Has(id string) bool { return k[id] }

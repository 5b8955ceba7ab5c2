package plan

import (
	"net/mail"
	"strings"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// Stripe data checked before planning: what the records would otherwise
// carry as empty or mangled fields is a held payout with a reason.

// wellFormedID reports whether s looks like a Stripe ID: a lower-case
// prefix, '_', then letters, digits and '_' (what NetSuite external IDs
// allow, so ExternalID keeps it as it is).
func wellFormedID(s string) bool {
	prefix, rest, ok := strings.Cut(s, "_")
	if !ok || prefix == "" || rest == "" {
		return false
	}
	for _, r := range prefix {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// checkPayout checks the payout's own fields; false holds it.
func (b *builder) checkPayout() bool {
	po := b.snap.Payout
	switch {
	case !wellFormedID(po.ID):
		b.problem(outcome.CodeMalformed, po.ID, "report this payout to the nsrecon maintainers with the raw Stripe object",
			"payout ID %q is not a Stripe ID", po.ID)
	case po.ArrivalDate.IsZero():
		b.problem(outcome.CodeMalformed, po.ID, "check the payout in the Stripe Dashboard; re-run once it has an arrival date",
			"payout %s has no arrival_date: its deposit would have no date", po.ID)
	default:
		return true
	}
	return false
}

// checkTxn checks a balance transaction's ID and the source its category
// needs; false holds the payout.
func (b *builder) checkTxn(bt *payout.BalanceTransaction) bool {
	if !wellFormedID(bt.ID) {
		b.problem(outcome.CodeMalformed, b.snap.Payout.ID, "report this payout to the nsrecon maintainers with the raw Stripe object",
			"payout %s has a balance transaction with ID %q, which is not a Stripe ID", b.snap.Payout.ID, bt.ID)
		return false
	}
	row, known := category.Lookup(bt.ReportingCategory)
	needsSource := known && (row.Booking == category.Charge || row.Booking == category.Refund || row.Booking == category.Dispute)
	switch {
	case needsSource && bt.Source == "":
		b.problem(outcome.CodeMalformed, bt.ID, "check the balance transaction in the Stripe Dashboard; it cannot be booked without its "+row.Name,
			"balance transaction %s (%s) has no source: a %s needs the Stripe object it books", bt.ID, bt.ReportingCategory, bt.ReportingCategory)
	case bt.Source != "" && !wellFormedID(bt.Source):
		b.problem(outcome.CodeMalformed, bt.ID, "report this payout to the nsrecon maintainers with the raw Stripe object",
			"balance transaction %s has source %q, which is not a Stripe ID", bt.ID, bt.Source)
	default:
		return true
	}
	return false
}

// normEmail is an email address as customers are matched by it: trimmed
// and lower-case.
func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// validEmail reports whether e (trimmed) is a plain address NetSuite takes:
// local@domain, no display name, no spaces.
func validEmail(e string) bool {
	e = strings.TrimSpace(e)
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && a.Name == "" && strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".")
}

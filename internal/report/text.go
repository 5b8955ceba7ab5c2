package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// Helpers shared by the table and markdown renderers. Everything here is
// plain ASCII on purpose: characters such as "·" or box-drawing lines have
// "ambiguous" East Asian width, so terminals in CJK locales draw them double
// wide and column alignment breaks.

// amount renders minor units as a grouped decimal, e.g. 123456789 usd →
// "1,234,567.89", 5000 jpy → "5,000", 12345 kwd → "12.345".
func amount(minor int64, currency string) string {
	s := money.Format(minor, currency)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// withCurrency renders an amount with its currency for prose: "USD 1,234.56".
func withCurrency(minor int64, currency string) string {
	return strings.ToUpper(currency) + " " + amount(minor, currency)
}

// recordOrder names NetSuite record types briefly, in dependency order, so
// the records column reads in the order records are created
// (netsuite.RecordTypes).
func recordOrder() []struct{ typ, abbrev string } {
	var out []struct{ typ, abbrev string }
	for _, t := range netsuite.RecordTypes() {
		out = append(out, struct{ typ, abbrev string }{t.Name, t.Abbrev})
	}
	return out
}

// records renders counts compactly: "cust 3, inv 2, pay 40, dep 1". Types
// without an abbreviation follow, sorted, under their own name so nothing is
// hidden.
func records(counts map[string]int) string {
	var parts []string
	seen := map[string]bool{}
	for _, r := range recordOrder() {
		seen[r.typ] = true
		if n := counts[r.typ]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r.abbrev, n))
		}
	}
	var rest []string
	for typ, n := range counts {
		if !seen[typ] && n > 0 {
			rest = append(rest, fmt.Sprintf("%s %d", typ, n))
		}
	}
	sort.Strings(rest)
	parts = append(parts, rest...)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// depositAmount is the planned deposit's total, or "-" when nothing was
// planned (a manual payout, one an earlier run reconciled).
func depositAmount(p Payout) string {
	if p.DepositTotal == 0 && p.Transactions == 0 {
		return "-"
	}
	return amount(p.DepositTotal, p.Currency)
}

// orDash keeps empty cells visible as empty rather than as a layout glitch.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// statusNote says, for a person, what a status means for them. In an
// interrupted run a failed payout was cut short, not refused.
func statusNote(status outcome.Status, interrupted bool) string {
	switch {
	case status == outcome.Held:
		return "held: nothing was pushed; fix the problems below and run again"
	case status == outcome.Failed && interrupted:
		return "interrupted: what was pushed is kept; run again to finish"
	case status == outcome.Failed:
		return "failed: NetSuite rejected a record; the next run retries it"
	}
	return string(status)
}

// needsAttention lists the payouts to explain in the problems section: every
// held or failed payout, and any other payout that carries problems.
func needsAttention(r *Report) []Payout {
	var out []Payout
	for _, p := range r.Payouts {
		if p.Status == outcome.Held || p.Status == outcome.Failed || len(p.Problems) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// runLine is the one-line description of the run.
func runLine(ri RunInfo) string {
	parts := []string{"nsrecon " + orDefault(ri.Version, "(devel)")}
	switch {
	case ri.DryRun && ri.Sandbox:
		parts = append(parts, "dry run in the sandbox")
	case ri.DryRun:
		parts = append(parts, "dry run (nothing pushed)")
	case ri.Sandbox:
		parts = append(parts, "sandbox")
	}
	switch {
	case ri.From != "" && ri.To != "":
		parts = append(parts, fmt.Sprintf("payouts arriving %s to %s", ri.From, ri.To))
	case ri.From != "":
		parts = append(parts, "payouts arriving from "+ri.From)
	case ri.To != "":
		parts = append(parts, "payouts arriving up to "+ri.To)
	}
	if !ri.StartedAt.IsZero() {
		parts = append(parts, "started "+ri.StartedAt.UTC().Format(time.DateTime)+" UTC")
	}
	return strings.Join(parts, ", ")
}

// incompleteLine says that the run stopped before covering every payout,
// what stopped it and which payouts it did not reach ("" for a complete
// run).
func incompleteLine(ri RunInfo) string {
	if ri.Complete {
		return ""
	}
	msg := "INCOMPLETE: the run stopped before covering every payout"
	if ri.StoppedBy != "" {
		msg += " (" + ri.StoppedBy + ")"
	}
	msg += "; the totals count only the payouts listed."
	if n := len(ri.NotReached); n > 0 {
		msg += fmt.Sprintf(" Not reached (%d): %s.", n, strings.Join(ri.NotReached, ", "))
	}
	return msg + " Run again to cover the rest."
}

// totalsLine is the one-line summary: counts, amounts per currency, requests.
func totalsLine(r *Report) string {
	t := r.Totals
	var b strings.Builder
	fmt.Fprintf(&b, "%d payout%s: %d ready, %d held, %d reconciled, %d failed.",
		t.Payouts, plural(t.Payouts), t.Ready, t.Held, t.Reconciled, t.Failed)
	if t.Waiting > 0 {
		fmt.Fprintf(&b, " %d waiting for Stripe.", t.Waiting)
	}
	if len(t.ByCurrency) > 0 {
		curs := make([]string, 0, len(t.ByCurrency))
		for c := range t.ByCurrency {
			curs = append(curs, c)
		}
		sort.Strings(curs)
		amounts := make([]string, len(curs))
		for i, c := range curs {
			amounts[i] = withCurrency(t.ByCurrency[c], c)
		}
		fmt.Fprintf(&b, " Total %s.", strings.Join(amounts, "; "))
	}
	fmt.Fprintf(&b, " Records pushed: %d. Requests: Stripe %d, NetSuite %d.", t.Pushed, r.Run.StripeRequests, r.Run.NetSuiteRequests)
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func attentionHeading(n int) string {
	if n == 1 {
		return "1 payout needs attention"
	}
	return fmt.Sprintf("%d payouts need attention", n)
}

// withNotes lists the payouts that carry notes, for the notes section.
func withNotes(r *Report) []Payout {
	var out []Payout
	for _, p := range r.Payouts {
		if len(p.Notes) > 0 {
			out = append(out, p)
		}
	}
	return out
}

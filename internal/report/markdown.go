package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsrecon/nsrecon/internal/outcome"
)

// writeMarkdown renders GitHub-flavoured markdown for a CI step summary
// ($GITHUB_STEP_SUMMARY): a heading with the run, a table of payouts, the
// problems of each payout that needs attention, and the totals.
func writeMarkdown(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "### nsrecon reconcile\n\n%s\n\n", mdEscape(runLine(r.Run)))
	if msg := incompleteLine(r.Run); msg != "" {
		fmt.Fprintf(ew, "> **%s**\n\n", mdEscape(msg))
	}

	if len(r.Payouts) == 0 {
		fmt.Fprint(ew, "No payouts in range.\n\n")
	} else {
		fmt.Fprint(ew, "| Payout | Arrival | Currency | Amount | Deposit | NetSuite ID | Status | Records |\n")
		fmt.Fprint(ew, "|---|---|---|---:|---:|---|---|---|\n")
		for _, p := range r.Payouts {
			fmt.Fprintf(ew, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n",
				mdCode(p.ID), orDash(p.ArrivalDate), strings.ToUpper(mdEscape(p.Currency)),
				amount(p.Amount, p.Currency), depositAmount(p), mdEscape(orDash(p.DepositID)), mdStatus(p.Status), mdEscape(records(p.Records)))
		}
		fmt.Fprintln(ew)
	}

	if att := needsAttention(r); len(att) > 0 {
		fmt.Fprintf(ew, "#### %s\n\n", attentionHeading(len(att)))
		for _, p := range att {
			fmt.Fprintf(ew, "- **`%s`** (%s, arriving %s) %s\n",
				mdCode(p.ID), withCurrency(p.Amount, p.Currency), orDash(p.ArrivalDate), mdEscape(statusNote(p.Status, r.Run.Interrupted)))
			for _, pr := range p.Problems {
				fmt.Fprintf(ew, "  - `%s`", mdCode(pr.Code))
				if pr.Object != "" {
					fmt.Fprintf(ew, " on `%s`", mdCode(pr.Object))
				}
				fmt.Fprintf(ew, ": %s", mdEscape(pr.Message))
				if pr.Fix != "" {
					fmt.Fprintf(ew, "<br>**Fix:** %s", mdEscape(pr.Fix))
				}
				fmt.Fprintln(ew)
			}
		}
		fmt.Fprintln(ew)
	}

	if noted := withNotes(r); len(noted) > 0 {
		fmt.Fprint(ew, "#### Notes\n\n")
		for _, p := range noted {
			for _, n := range p.Notes {
				fmt.Fprintf(ew, "- `%s`: %s\n", mdCode(p.ID), mdEscape(n))
			}
		}
		fmt.Fprintln(ew)
	}

	fmt.Fprintln(ew, mdEscape(totalsLine(r)))
	return ew.err
}

// mdStatus makes the statuses that need a person stand out.
func mdStatus(s outcome.Status) string {
	switch s {
	case outcome.Held, outcome.Failed:
		return "**" + mdEscape(string(s)) + "**"
	}
	return mdEscape(string(s))
}

// mdEscape neutralises characters that would change the markdown's
// structure (table cells, emphasis, links, HTML) in free text such as Stripe
// descriptions quoted in problem messages. Newlines become <br> so a
// message stays in its table cell or list item.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString("<br>")
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode makes s safe inside a single-backtick code span: backticks cannot
// be escaped there, and a pipe would still split a table cell.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

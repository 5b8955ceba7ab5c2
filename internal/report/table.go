package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// writeTable renders the report for a person at a terminal or in a log:
// a header line, one row per payout, what to fix for each payout that needs
// attention, and a totals line. No colour: the writer may be a file or pipe.
func writeTable(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	fmt.Fprintln(ew, runLine(r.Run))
	if msg := incompleteLine(r.Run); msg != "" {
		fmt.Fprintln(ew, msg)
	}
	fmt.Fprintln(ew)

	if len(r.Payouts) == 0 {
		fmt.Fprintln(ew, "No payouts in range.")
	} else {
		if ew.err != nil {
			return ew.err
		}
		if err := payoutTable(w, r.Payouts); err != nil {
			return err
		}
	}

	if att := needsAttention(r); len(att) > 0 {
		fmt.Fprintln(ew)
		fmt.Fprintln(ew, attentionHeading(len(att))+":")
		for _, p := range att {
			fmt.Fprintln(ew)
			fmt.Fprintf(ew, "%s  %s, arriving %s\n", p.ID, withCurrency(p.Amount, p.Currency), orDash(p.ArrivalDate))
			fmt.Fprintf(ew, "  %s\n", statusNote(p.Status, r.Run.Interrupted))
			for i, pr := range p.Problems {
				fmt.Fprintf(ew, "  %d. %s", i+1, pr.Code)
				if pr.Object != "" {
					fmt.Fprintf(ew, " on %s", pr.Object)
				}
				fmt.Fprintln(ew)
				fmt.Fprintf(ew, "     %s\n", indentLines(pr.Message, "     "))
				if pr.Fix != "" {
					fmt.Fprintf(ew, "     Fix: %s\n", indentLines(pr.Fix, "          "))
				}
			}
		}
	}

	if noted := withNotes(r); len(noted) > 0 {
		fmt.Fprintln(ew)
		fmt.Fprintln(ew, "Notes:")
		for _, p := range noted {
			for _, n := range p.Notes {
				fmt.Fprintf(ew, "  %s: %s\n", p.ID, indentLines(n, "    "))
			}
		}
	}

	fmt.Fprintln(ew)
	fmt.Fprintln(ew, totalsLine(r))
	return ew.err
}

// NewTable is nsrecon's table style for every command: ASCII borders
// (box-drawing characters are drawn double-width in CJK locales and break
// the columns) and no wrapping (a wrapped payout ID or amount is worse than
// a wide table).
func NewTable(w io.Writer, opts ...tablewriter.Option) *tablewriter.Table {
	return tablewriter.NewTable(w, append([]tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleASCII),
		})),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	}, opts...)...)
}

func payoutTable(w io.Writer, payouts []Payout) error {
	left, right := tw.AlignLeft, tw.AlignRight
	align := []tw.Align{left, left, left, right, right, left, left, left}
	// Amounts line up on the decimal point only when right-aligned.
	t := NewTable(w,
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	// Deposit is the planned deposit's amount, beside the payout's: they
	// differ exactly when a held payout's plan does not add up. The
	// deposit's NetSuite internal ID has its own, named column (in capitals:
	// the table would split "NetSuite" into NET SUITE).
	t.Header("Payout", "Arrival", "Currency", "Amount", "Deposit", "NETSUITE ID", "Status", "Records")
	for _, p := range payouts {
		if err := t.Append([]string{
			p.ID,
			orDash(p.ArrivalDate),
			strings.ToUpper(p.Currency),
			amount(p.Amount, p.Currency),
			depositAmount(p),
			orDash(p.DepositID),
			string(p.Status),
			records(p.Records),
		}); err != nil {
			return err
		}
	}
	return t.Render()
}

// indentLines keeps multi-line messages under their bullet.
func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

// errWriter remembers the first write error so rendering code can print
// freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/nsrecon/nsrecon/internal/money"
)

// Sheet names of the XLSX export.
const (
	SheetRows   = "Transactions"
	SheetTotals = "Payouts"
)

// xlsxWriter streams rows into the first sheet (excelize's StreamWriter
// keeps no row in memory) and the per-payout totals into the second at
// Close. Amounts are numbers formatted to their currency's decimals.
type xlsxWriter struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	n      int         // rows written, header included
	styles map[int]int // currency exponent → style ID
	totals []Total
}

// NewXLSX returns a Writer of an XLSX workbook, written to out on Close.
func NewXLSX(out io.Writer) (Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SheetRows); err != nil {
		return nil, err
	}
	x := &xlsxWriter{out: out, f: f, styles: map[int]int{}}
	sw, err := x.startSheet(SheetRows, Columns())
	if err != nil {
		return nil, err
	}
	x.sw, x.n = sw, 1
	return x, nil
}

// startSheet opens a stream on sheet with a frozen, bold header row.
func (x *xlsxWriter) startSheet(sheet string, header []string) (*excelize.StreamWriter, error) {
	sw, err := x.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return sw, sw.SetRow("A1", cells)
}

// amountCell is minor units as a number in major units. excelize writes a
// float64 as its shortest round-trip decimal, so 1234 cents is the text
// 12.34 in the file, exactly the decimal Stripe reports.
func (x *xlsxWriter) amountCell(minor int64, currency string) (excelize.Cell, error) {
	v, err := strconv.ParseFloat(money.Format(minor, currency), 64)
	if err != nil {
		return excelize.Cell{}, err
	}
	exp := money.Exponent(currency)
	style, ok := x.styles[exp]
	if !ok {
		format := "#,##0"
		if exp > 0 {
			format += "." + fmt.Sprintf("%0*d", exp, 0)
		}
		if style, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
			return excelize.Cell{}, err
		}
		x.styles[exp] = style
	}
	return excelize.Cell{StyleID: style, Value: v}, nil
}

func (x *xlsxWriter) Row(r *Row) error {
	cells := make([]any, len(columns))
	for i, c := range columns {
		if c.amount == nil {
			cells[i] = c.text(r)
			continue
		}
		minor, ccy, ok := c.amount(r)
		if !ok {
			cells[i] = nil
			continue
		}
		cell, err := x.amountCell(minor, ccy)
		if err != nil {
			return err
		}
		cells[i] = cell
	}
	x.n++
	return x.sw.SetRow("A"+strconv.Itoa(x.n), cells)
}

func (x *xlsxWriter) Payout(t *Total) error {
	x.totals = append(x.totals, *t)
	return nil
}

// Close ends the rows sheet (with a filter on every column), writes the
// totals sheet and the workbook.
func (x *xlsxWriter) Close() error {
	if err := x.finish(x.sw, x.n, len(columns), "transactions"); err != nil {
		return err
	}
	if _, err := x.f.NewSheet(SheetTotals); err != nil {
		return err
	}
	header := make([]string, len(totalColumns))
	for i, c := range totalColumns {
		header[i] = c.name
	}
	sw, err := x.startSheet(SheetTotals, header)
	if err != nil {
		return err
	}
	for i := range x.totals {
		if err := x.totalRow(sw, i+2, &x.totals[i]); err != nil {
			return err
		}
	}
	if err := x.finish(sw, len(x.totals)+1, len(totalColumns), "payouts"); err != nil {
		return err
	}
	if _, err := x.f.WriteTo(x.out); err != nil {
		return err
	}
	return x.f.Close()
}

func (x *xlsxWriter) totalRow(sw *excelize.StreamWriter, n int, t *Total) error {
	cells := make([]any, len(totalColumns))
	for j, c := range totalColumns {
		if c.amount == nil {
			cells[j] = c.text(t)
			continue
		}
		cell, err := x.amountCell(c.amount(t), t.Currency)
		if err != nil {
			return err
		}
		cells[j] = cell
	}
	return sw.SetRow("A"+strconv.Itoa(n), cells)
}

// finish adds a table (which carries the header filters) over the sheet's
// rows and flushes it.
func (x *xlsxWriter) finish(sw *excelize.StreamWriter, rows, cols int, name string) error {
	last, err := excelize.CoordinatesToCellName(cols, max(rows, 2))
	if err != nil {
		return err
	}
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: name, StyleName: "TableStyleLight9"}); err != nil {
		return err
	}
	return sw.Flush()
}

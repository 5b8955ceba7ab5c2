package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"

	"github.com/nsrecon/nsrecon/internal/money"
)

// csvWriter writes the rows as CSV with a header; totals are left out
// (each payout's rows sum to it; the XLSX and JSON formats carry them).
type csvWriter struct {
	w   *csv.Writer
	buf []string
}

// NewCSV returns a Writer of CSV rows to w.
func NewCSV(w io.Writer) (Writer, error) {
	c := &csvWriter{w: csv.NewWriter(w)}
	return c, c.w.Write(Columns())
}

func (c *csvWriter) Row(r *Row) error {
	c.buf = values(r, c.buf)
	return c.w.Write(c.buf)
}

func (c *csvWriter) Payout(*Total) error {
	c.w.Flush() // one payout at a time reaches the output
	return c.w.Error()
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter streams {"rows":[…],"payouts":[…]}: each row an object keyed
// by column name, amounts as decimal strings. Totals are kept until the
// end (one small struct per payout).
type jsonWriter struct {
	w      *bufio.Writer
	n      int
	totals []map[string]string
}

// NewJSON returns a Writer of a JSON document to w.
func NewJSON(w io.Writer) (Writer, error) {
	j := &jsonWriter{w: bufio.NewWriter(w)}
	_, err := j.w.WriteString(`{"rows":[`)
	return j, err
}

func (j *jsonWriter) Row(r *Row) error {
	m := make(map[string]string, len(columns))
	for _, c := range columns {
		m[c.name] = c.value(r)
	}
	return j.object(m)
}

func (j *jsonWriter) object(m map[string]string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if j.n > 0 {
		j.w.WriteByte(',')
	}
	j.n++
	j.w.WriteString("\n")
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) Payout(t *Total) error {
	m := make(map[string]string, len(totalColumns))
	for _, c := range totalColumns {
		if c.amount != nil {
			m[c.name] = money.Format(c.amount(t), t.Currency)
		} else {
			m[c.name] = c.text(t)
		}
	}
	j.totals = append(j.totals, m)
	return j.w.Flush()
}

func (j *jsonWriter) Close() error {
	j.w.WriteString("\n],\"payouts\":[")
	j.n = 0
	for _, m := range j.totals {
		if err := j.object(m); err != nil {
			return err
		}
	}
	j.w.WriteString("\n]}\n")
	return j.w.Flush()
}

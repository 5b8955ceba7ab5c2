package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
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

// JSONSchemaVersion is the version of the export's JSON document
// (internal/cli/JSON.md); it changes only when a field is removed or
// changes meaning.
const JSONSchemaVersion = 1

// jsonWriter streams {"schema_version":1,"rows":[…],"payouts":[…]}: each
// row an object keyed by column name, amounts as decimal strings, run IDs,
// counts and flags as JSON numbers and booleans. Totals are kept until the
// end (one small map per payout).
type jsonWriter struct {
	w      *bufio.Writer
	n      int
	totals []map[string]any
}

// NewJSON returns a Writer of a JSON document to w.
func NewJSON(w io.Writer) (Writer, error) {
	j := &jsonWriter{w: bufio.NewWriter(w)}
	_, err := fmt.Fprintf(j.w, `{"schema_version":%d,"rows":[`, JSONSchemaVersion)
	return j, err
}

func (j *jsonWriter) Row(r *Row) error {
	m := make(map[string]any, len(columns))
	for _, c := range columns {
		if c.json != nil {
			m[c.name] = c.json(r)
		} else {
			m[c.name] = c.value(r)
		}
	}
	return j.object(m)
}

func (j *jsonWriter) object(m map[string]any) error {
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
	m := make(map[string]any, len(totalColumns))
	for _, c := range totalColumns {
		switch {
		case c.json != nil:
			m[c.name] = c.json(t)
		case c.amount != nil:
			m[c.name] = money.Format(c.amount(t), t.Currency)
		default:
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

package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/push"
)

func TestStatusLineStaysBelowLogs(t *testing.T) {
	var buf bytes.Buffer
	sw := &statusWriter{w: &buf}
	p := &progress{sw: sw}
	p.payout(2, 5, "po_1")
	p.push(push.Progress{Done: 40, Total: 100, Pushed: 30, Skipped: 10, Elapsed: 3 * time.Second})
	sw.Write([]byte("log line\n"))
	p.done()
	want := clearLine + "payout 2/5 po_1" +
		clearLine + "payout 2/5 po_1: 40/100 records, 10.0/s, ETA 6s" +
		clearLine + "log line\n" + "payout 2/5 po_1: 40/100 records, 10.0/s, ETA 6s" +
		clearLine
	if got := buf.String(); got != want {
		t.Errorf("terminal output\n got %q\nwant %q", got, want)
	}
}

// A status line that wraps cannot be cleared: \r reaches only its last
// row. So it is cut to the terminal's width, whatever the ID and counts.
func TestStatusLineFitsTheTerminal(t *testing.T) {
	for _, cols := range []int{0, 20, 40, 80} {
		var buf bytes.Buffer
		sw := &statusWriter{w: &buf, width: func() int { return cols }}
		p := &progress{sw: sw}
		p.payout(12, 345, "po_19euZS9iMd7tJj2rSueSRCRS")
		p.push(push.Progress{Done: 123456, Total: 234567, Pushed: 123456, Skipped: 0, Elapsed: 3 * time.Second})
		limit := cols
		if limit == 0 {
			limit = 80
		}
		for _, line := range strings.Split(buf.String(), clearLine) {
			if n := len([]rune(line)); n >= limit {
				t.Errorf("width %d: status line of %d columns: %q", cols, n, line)
			}
		}
	}
}

// Off a terminal nothing is drawn; a long push logs its progress every
// interval instead.
func TestProgressOffTerminalLogs(t *testing.T) {
	var logs bytes.Buffer
	p := &progress{log: slog.New(slog.NewTextHandler(&logs, nil)), every: time.Nanosecond}
	p.payout(1, 1, "po_1")
	p.push(push.Progress{Done: 10, Total: 100, Pushed: 10, Elapsed: time.Second})
	p.push(push.Progress{Done: 100, Total: 100, Pushed: 100, Elapsed: time.Second}) // the end: the report says it
	p.done()
	if got := strings.Count(logs.String(), `msg="push progress" payout=po_1 done=10 total=100`); got != 1 {
		t.Errorf("logs:\n%s\nwant one push progress line", logs.String())
	}
	p = &progress{log: slog.New(slog.NewTextHandler(&logs, nil)), every: time.Hour, last: time.Now()}
	logs.Reset()
	p.push(push.Progress{Done: 10, Total: 100})
	if logs.Len() != 0 {
		t.Errorf("logged before the interval: %s", logs.String())
	}
}

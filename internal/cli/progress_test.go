package cli

import (
	"bytes"
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
		clearLine + "payout 2/5 po_1: records 40/100 (10 already done)  10.0/s  ETA 6s" +
		clearLine + "log line\n" + "payout 2/5 po_1: records 40/100 (10 already done)  10.0/s  ETA 6s" +
		clearLine
	if got := buf.String(); got != want {
		t.Errorf("terminal output\n got %q\nwant %q", got, want)
	}
	// Off a terminal there is no status writer and nothing is drawn.
	quiet := &progress{}
	quiet.payout(1, 1, "po_1")
	quiet.push(push.Progress{Done: 1, Total: 1})
	quiet.done()
}

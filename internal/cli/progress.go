package cli

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/nsrecon/nsrecon/internal/push"
)

// statusWriter is stderr on a terminal: log lines scroll above one status
// line that is cleared before each write and drawn again after it.
type statusWriter struct {
	mu   sync.Mutex
	w    io.Writer
	line string
	// width is the terminal's width in columns (nil or 0: 80). A status
	// line longer than the terminal wraps, and \r then clears only its
	// last row, leaving the others on screen above the report.
	width func() int
}

const clearLine = "\r\033[K"

func (s *statusWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line != "" {
		io.WriteString(s.w, clearLine)
	}
	n, err := s.w.Write(p)
	if s.line != "" {
		io.WriteString(s.w, s.line)
	}
	return n, err
}

// status replaces the status line ("" removes it), cut to fit the
// terminal.
func (s *statusWriter) status(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line = fitWidth(line, s.cols())
	io.WriteString(s.w, clearLine+line)
	s.line = line
}

func (s *statusWriter) cols() int {
	if s.width != nil {
		if w := s.width(); w > 0 {
			return w
		}
	}
	return 80
}

// fitWidth cuts line to fewer than cols runes: writing into the last
// column makes some terminals wrap at once.
func fitWidth(line string, cols int) string {
	r := []rune(line)
	if len(r) < cols {
		return line
	}
	return string(r[:max(cols-1, 0)])
}

// progress shows, on a terminal, which payout is being pushed and its
// records done of total, rate and ETA. Off a terminal (cron, a
// container) it logs the same as one "push progress" line every
// interval, so a long push shows it is alive.
type progress struct {
	sw       *statusWriter // nil off a terminal
	log      *slog.Logger
	every    time.Duration // off a terminal: how often to log
	mu       sync.Mutex
	last     time.Time
	index, p string
}

// DefaultProgressEvery is how often a push off a terminal logs its
// progress.
const DefaultProgressEvery = 30 * time.Second

func newProgress(f *Factory, log *slog.Logger) *progress {
	return &progress{sw: f.status, log: log, every: cmp.Or(f.ProgressEvery, DefaultProgressEvery), last: time.Now()}
}

// payout is called as payout n of total starts.
func (p *progress) payout(n, total int, id string) {
	p.mu.Lock()
	p.index, p.p = fmt.Sprintf("payout %d/%d", n, total), id
	p.mu.Unlock()
	if p.sw != nil {
		p.sw.status(fmt.Sprintf("payout %d/%d %s", n, total, id))
	}
}

func (p *progress) push(pr push.Progress) {
	p.mu.Lock()
	now := time.Now()
	interval := 200 * time.Millisecond
	if p.sw == nil {
		interval = p.every
	}
	if now.Sub(p.last) < interval || (p.sw == nil && pr.Done >= pr.Total) {
		p.mu.Unlock()
		return
	}
	p.last = now
	rate, eta := 0.0, "-"
	if s := pr.Elapsed.Seconds(); s > 0 && pr.Pushed > 0 {
		rate = float64(pr.Pushed) / s
		eta = (time.Duration(float64(pr.Total-pr.Done)/rate*float64(time.Second)) + time.Second/2).Truncate(time.Second).String()
	}
	index, id := p.index, p.p
	p.mu.Unlock()
	if p.sw == nil {
		if p.log != nil {
			p.log.Info("push progress", "payout", id, "done", pr.Done, "total", pr.Total,
				"already_done", pr.Skipped, "per_second", math.Round(rate*10)/10, "eta", eta)
		}
		return
	}
	p.sw.status(fmt.Sprintf("%s %s: %d/%d records, %.1f/s, ETA %s", index, id, pr.Done, pr.Total, rate, eta))
}

func (p *progress) done() {
	if p.sw != nil {
		p.sw.status("")
	}
}

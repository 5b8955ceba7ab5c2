package cli

import (
	"fmt"
	"io"
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

// status replaces the status line ("" removes it).
func (s *statusWriter) status(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	io.WriteString(s.w, clearLine+line)
	s.line = line
}

// progress shows, on a terminal, which payout is being pushed and its
// records done of total, rate and ETA. Off a terminal it is silent: the
// logs tell the story there.
type progress struct {
	sw       *statusWriter // nil off a terminal
	mu       sync.Mutex
	last     time.Time
	index, p string
}

func newProgress(f *Factory) *progress {
	return &progress{sw: f.status}
}

// payout is called as payout n of total starts.
func (p *progress) payout(n, total int, id string) {
	if p.sw == nil {
		return
	}
	p.mu.Lock()
	p.index, p.p = fmt.Sprintf("payout %d/%d", n, total), id
	p.mu.Unlock()
	p.sw.status(fmt.Sprintf("%s %s", p.index, id))
}

func (p *progress) push(pr push.Progress) {
	if p.sw == nil {
		return
	}
	p.mu.Lock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && pr.Done < pr.Total {
		p.mu.Unlock()
		return
	}
	p.last = now
	rate, eta := 0.0, "-"
	if s := pr.Elapsed.Seconds(); s > 0 && pr.Pushed > 0 {
		rate = float64(pr.Pushed) / s
		eta = (time.Duration(float64(pr.Total-pr.Done)/rate*float64(time.Second)) + time.Second/2).Truncate(time.Second).String()
	}
	line := fmt.Sprintf("%s %s: records %d/%d (%d already done)  %.1f/s  ETA %s", p.index, p.p, pr.Done, pr.Total, pr.Skipped, rate, eta)
	p.mu.Unlock()
	p.sw.status(line)
}

func (p *progress) done() {
	if p.sw != nil {
		p.sw.status("")
	}
}

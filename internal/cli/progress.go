package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/nsrecon/nsrecon/internal/push"
)

// progress draws one status line on a terminal's stderr: records done of
// total, rate and ETA for the payout being pushed. Off a terminal it is
// silent (logs carry the story there).
type progress struct {
	f     *Factory
	on    bool
	mu    sync.Mutex
	last  time.Time
	po    string
	index string
}

func newProgress(f *Factory) *progress {
	return &progress{f: f, on: f.IsTerminal(f.Stderr)}
}

func (p *progress) payout(done, total int, id string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.po, p.index = id, fmt.Sprintf("%d/%d", done, total)
}

func (p *progress) push(pr push.Progress) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && pr.Done+pr.Skipped+pr.Failed < pr.Total {
		return
	}
	p.last = now
	done := pr.Done + pr.Skipped + pr.Failed
	rate := 0.0
	if s := pr.Elapsed.Seconds(); s > 0 {
		rate = float64(pr.Done) / s
	}
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(pr.Total-done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.f.Stderr, "\r\033[K%s records %d/%d  %.1f/s  ETA %s", p.index, done, pr.Total, rate, eta)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.f.Stderr, "\r\033[K")
	}
}

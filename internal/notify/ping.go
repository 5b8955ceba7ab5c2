// Package notify tells a monitor that a run started and how it ended, by
// the healthchecks.io ping convention: GET/POST <url>/start when the run
// starts, <url> when it succeeds, <url>/<exit code> when it does not.
// A ping is best effort: a monitor that is down must never fail the run.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Timeout bounds one ping, so an unreachable monitor delays the run by at
// most this much at each end.
const Timeout = 10 * time.Second

// Pinger pings one URL. The zero URL pings nothing.
type Pinger struct {
	URL    string
	Client *http.Client // nil: http.DefaultClient
	Log    *slog.Logger // nil: discard
}

// Start pings <url>/start.
func (p *Pinger) Start(ctx context.Context) {
	p.ping(ctx, "/start", "")
}

// Finish pings <url> when code is 0, else <url>/<code>, with body (the
// run's summary) as the request body, which healthchecks.io shows.
// It is sent even when ctx was cancelled (an interrupted run still tells
// the monitor it ended, with exit code 130).
func (p *Pinger) Finish(ctx context.Context, code int, body string) {
	suffix := ""
	if code != 0 {
		suffix = fmt.Sprintf("/%d", code)
	}
	p.ping(context.WithoutCancel(ctx), suffix, body)
}

func (p *Pinger) ping(ctx context.Context, suffix, body string) {
	if p == nil || p.URL == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	url := strings.TrimRight(p.URL, "/") + suffix
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		p.warn(suffix, err)
		return
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		p.warn(suffix, err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		p.warn(suffix, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
}

// warn logs a failed ping without the URL, which is a secret; the error
// text of a failed request names it, so only the kind of failure is kept.
func (p *Pinger) warn(suffix string, err error) {
	if p.Log == nil {
		return
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, p.URL) {
		msg = msg[i+2:]
	}
	p.Log.Warn("healthcheck ping failed; the run goes on", "ping", firstNonEmpty(suffix, "/"), "error", msg)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

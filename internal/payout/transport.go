package payout

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
)

// slogLeveled routes stripe-go's own logging to slog at debug level: its
// "request error" lines duplicate the errors we return.
type slogLeveled struct{ l *slog.Logger }

// Debugf is dropped: stripe-go logs whole response bodies there (customer
// names and emails), which do not belong in logs.
func (s slogLeveled) Debugf(string, ...any)     {}
func (s slogLeveled) Infof(f string, v ...any)  { s.l.Debug(fmt.Sprintf(f, v...)) }
func (s slogLeveled) Warnf(f string, v ...any)  { s.l.Debug(fmt.Sprintf(f, v...)) }
func (s slogLeveled) Errorf(f string, v ...any) { s.l.Debug(fmt.Sprintf(f, v...)) }

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// requestCounter counts requests per route at the transport, so retries by
// stripe-go and by us are all seen.
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *requestCounter) wrap(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.counts[route(req.Method, req.URL.Path)]++
		c.mu.Unlock()
		res, err := base.RoundTrip(req)
		if err != nil {
			return res, err
		}
		return sanitize(res)
	})
}

func (c *requestCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// route names a request by method and path pattern: IDs become ":id", as
// in stripefake.Route (a test keeps the two in step).
func route(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "v1" {
		parts[2] = ":id"
	}
	return method + " /" + strings.Join(parts, "/")
}

package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// pingServers are the healthcheck servers of the running scripts.
var pingServers sync.Map // *testscript.TestScript → *pingLog

type pingLog struct {
	mu   sync.Mutex
	reqs []string
}

// pingserver starts a local healthcheck server that records every request
// (method, path, first line of the body) and exports PING_URL (with a
// check's UUID in the path, as at healthchecks.io).
func cmdPingServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: pingserver")
	}
	pl := &pingLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		first, _, _ := strings.Cut(string(body), "\n")
		pl.mu.Lock()
		pl.reqs = append(pl.reqs, fmt.Sprintf("%s %s %s", r.Method, r.URL.Path, first))
		pl.mu.Unlock()
		fmt.Fprintln(w, "OK")
	}))
	ts.Defer(srv.Close)
	pingServers.Store(ts, pl)
	ts.Setenv("PING_URL", srv.URL+"/5f0c6a1e-check")
}

// pings prints the requests the ping server received, one a line, in
// order, and forgets them.
func cmdPings(ts *testscript.TestScript, neg bool, args []string) {
	v, ok := pingServers.Load(ts)
	if !ok {
		ts.Fatalf("pings: run pingserver first")
	}
	pl := v.(*pingLog)
	pl.mu.Lock()
	defer pl.mu.Unlock()
	out := ts.Stdout() // even with no request: stdout is then empty, not the last exec's
	for _, r := range pl.reqs {
		fmt.Fprintln(out, r)
	}
	pl.reqs = nil
}

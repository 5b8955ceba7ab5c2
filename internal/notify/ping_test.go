package notify

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestPingsInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
	}))
	defer srv.Close()
	for _, c := range []struct {
		code int
		want string
	}{{0, "POST /uuid done"}, {3, "POST /uuid/3 done"}, {130, "POST /uuid/130 done"}} {
		got = nil
		p := &Pinger{URL: srv.URL + "/uuid/", Client: srv.Client()}
		ctx, cancel := context.WithCancel(context.Background())
		p.Start(ctx)
		cancel() // an interrupted run still reports its end
		p.Finish(ctx, c.code, "done")
		if len(got) != 2 || got[0] != "POST /uuid/start " || got[1] != c.want {
			t.Errorf("exit %d: pings %q, want start then %q", c.code, got, c.want)
		}
	}
}

func TestFailedPingOnlyWarnsWithoutTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL + "/secret-uuid"
	srv.Close() // nothing listens: the ping fails
	var logs bytes.Buffer
	p := &Pinger{URL: url, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	p.Start(context.Background())
	p.Finish(context.Background(), 1, "")
	if !strings.Contains(logs.String(), "healthcheck ping failed") || strings.Contains(logs.String(), "secret-uuid") {
		t.Errorf("logs = %s; want a warning that does not show the URL", logs.String())
	}
	(*Pinger)(nil).Start(context.Background()) // no URL configured: nothing, no panic
}

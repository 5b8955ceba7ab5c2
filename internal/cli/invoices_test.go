package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// TestInvoicesListenScript runs the listener end to end as its own process
// (testdata/listen/*.txtar), with commands that deliver signed events.
func TestInvoicesListenScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/listen",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakes":      cmdFakes,
			"nscheck":    cmdNSCheck,
			"freeport":   cmdFreePort,
			"sendevent":  cmdSendEvent,
			"healthz":    func(ts *testscript.TestScript, neg bool, args []string) { healthz(ts, nil) },
			"waitsynced": cmdWaitSynced,
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("XDG_CONFIG_HOME", filepath.Join(e.WorkDir, ".config"))
			return nil
		},
	})
}

// freeport sets ADDR to a free loopback address.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv("ADDR", ln.Addr().String())
	ts.Check(ln.Close())
}

// sendevent [-badsig] EVENT_ID TYPE OBJECT_ID posts a Stripe event about a
// scenario object to http://$ADDR/webhook, signed with
// $NSRECON_WEBHOOK_SECRET (or another secret with -badsig), and prints
// "STATUS BODY". It fails unless the status is 200.
func cmdSendEvent(ts *testscript.TestScript, neg bool, args []string) {
	secret := ts.Getenv("NSRECON_WEBHOOK_SECRET")
	if len(args) > 0 && args[0] == "-badsig" {
		secret, args = "whsec_not_this_one", args[1:]
	}
	if len(args) != 3 {
		ts.Fatalf("usage: sendevent [-badsig] EVENT_ID TYPE OBJECT_ID")
	}
	envsMu.Lock()
	env := envs[ts]
	envsMu.Unlock()
	if env.Env == nil {
		ts.Fatalf("sendevent: run fakes first")
	}
	obj := env.scenario.Objects[args[2]]
	if obj == nil {
		ts.Fatalf("sendevent: no object %s in the scenario", args[2])
	}
	body, err := json.Marshal(map[string]any{
		"id": args[0], "object": "event", "type": args[1], "api_version": "2023-10-16",
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": obj},
	})
	ts.Check(err)
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, err := http.NewRequest(http.MethodPost, "http://"+ts.Getenv("ADDR")+"/webhook", bytes.NewReader(body))
	ts.Check(err)
	req.Header.Set("Stripe-Signature", sp.Header)
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(ts.Stdout(), "%d %s", resp.StatusCode, b)
	if (resp.StatusCode == http.StatusOK) == neg {
		ts.Fatalf("sendevent: status %d", resp.StatusCode)
	}
}

// healthz waits (up to 10 s) for the listener and prints GET /healthz; with
// until, it also waits for until to accept the document.
func healthz(ts *testscript.TestScript, until func(map[string]any) bool) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + ts.Getenv("ADDR") + "/healthz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var doc map[string]any
			if json.Unmarshal(b, &doc) == nil && (until == nil || until(doc)) {
				fmt.Fprintf(ts.Stdout(), "%s", b)
				return
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("healthz: not ready after 10s (last error %v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitsynced waits until the queue is empty and a sync has succeeded.
func cmdWaitSynced(ts *testscript.TestScript, neg bool, args []string) {
	healthz(ts, func(doc map[string]any) bool {
		return doc["queue_depth"] == float64(0) && doc["last_success_at"] != nil
	})
}

// TestInvoicesSyncHeld: an invoice whose customer has no email is held,
// reported with the fix, nothing is pushed, and the exit status is 3.
func TestInvoicesSyncHeld(t *testing.T) {
	b := stripefake.NewBuilder(3, time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC))
	cust := b.Customer(stripefake.CustomerSpec{Name: "Nomail Ltd"})
	ok := b.Customer(stripefake.CustomerSpec{Name: "Mail Ltd", Email: "ap@mail.example"})
	held, _ := b.Invoice(stripefake.InvoiceSpec{Customer: cust, Lines: []stripefake.LineSpec{{Amount: 5000, Description: "Audit"}}})
	good, _ := b.Invoice(stripefake.InvoiceSpec{Customer: ok, Lines: []stripefake.LineSpec{{Amount: 7000, Description: "Audit"}}})
	ctx := context.Background()
	env, err := sandbox.Start(ctx, sandbox.Options{Scenario: b.Scenario()})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "nsrecon.yaml")
	if err := os.WriteFile(cfgPath, []byte(env.ConfigYAML()+"ledger:\n  path: "+filepath.Join(dir, "l.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := Main(ctx, []string{"invoices", "sync", "--config", cfgPath, held, good}, &Factory{Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }})
	if code != outcome.ExitHeld {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, outcome.ExitHeld, &out, &errOut)
	}
	for _, want := range []string{held + " ", " held ", good + " ", " synced ", "MISSING_FIELD", "fix: add the email to " + cust} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, &out)
		}
	}
	if n := len(env.NetSuite.Records("invoice")); n != 1 {
		t.Errorf("NetSuite has %d invoices, want 1 (the held one is not pushed)", n)
	}
}

// The listener refuses to start without a signing secret, naming the key.
func TestInvoicesListenNeedsSecret(t *testing.T) {
	ctx := context.Background()
	env, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "nsrecon.yaml")
	if err := os.WriteFile(cfgPath, []byte(env.ConfigYAML()+"ledger:\n  path: "+filepath.Join(dir, "l.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	code := Main(ctx, []string{"invoices", "listen", "--config", cfgPath, "--addr", "127.0.0.1:0"},
		&Factory{Stderr: &errOut, Getenv: func(string) string { return "" }})
	if code != outcome.ExitUsage || !strings.Contains(errOut.String(), "webhook.secret") {
		t.Errorf("exit %d, stderr %q; want %d naming webhook.secret", code, errOut.String(), outcome.ExitUsage)
	}
}

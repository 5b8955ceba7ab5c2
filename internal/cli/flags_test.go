package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// parseArgs runs args (a command path, then flags and arguments) through
// a root that has the real global flags and flag-error handling, with sub
// (under its parent, when the path has one) as the only command.
func parseArgs(f *Factory, sub *cobra.Command, args []string) error {
	root := &cobra.Command{Use: "nsrecon", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(flagError)
	f.addGlobalFlags(root.PersistentFlags())
	parent := root
	switch args[0] {
	case "ledger", "config", "invoices", "sandbox":
		parent = &cobra.Command{Use: args[0]}
		if args[0] == "ledger" {
			addLedgerFlags(parent)
		}
		root.AddCommand(parent)
	}
	parent.AddCommand(sub)
	root.SetArgs(args)
	return root.Execute()
}

// flagCase is one command line and the options it must parse into; with
// flagErr, it must fail as a FlagError instead.
type flagCase[T any] struct {
	name    string
	args    []string
	want    T
	flagErr bool
}

// testFlags parses each case with a runF that captures the options, and
// compares them (Factory aside) with the case's.
func testFlags[T any](t *testing.T, newCmd func(*Factory, func(*T) error) *cobra.Command, factoryOf func(*T) **Factory, cases []flagCase[T]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &Factory{}
			var got *T
			err := parseArgs(f, newCmd(f, func(o *T) error { got = o; return nil }), c.args)
			if c.flagErr {
				var fe *FlagError
				if !errors.As(err, &fe) || got != nil {
					t.Fatalf("err %v (%T), ran %v; want a FlagError and no run", err, err, got != nil)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err %v, ran %v", err, got != nil)
			}
			if fp := factoryOf(got); *fp == nil {
				t.Errorf("options have no Factory")
			} else {
				*fp = nil
			}
			if !reflect.DeepEqual(*got, c.want) {
				t.Errorf("parsed\n %+v\nwant\n %+v", *got, c.want)
			}
		})
	}
}

func TestReconcileFlags(t *testing.T) {
	cmd := func(args ...string) []string { return append([]string{"reconcile"}, args...) }
	testFlags(t, NewCmdReconcile, func(o *ReconcileOptions) **Factory { return &o.Factory }, []flagCase[ReconcileOptions]{
		{name: "defaults", args: cmd(), want: ReconcileOptions{Format: "table"}},
		{name: "dry run markdown", args: cmd("--dry-run", "--format", "markdown"), want: ReconcileOptions{DryRun: true, Format: "markdown"}},
		{name: "window", args: cmd("--from", "2026-07-01", "--to", "2026-07-31"), want: ReconcileOptions{From: "2026-07-01", To: "2026-07-31", Format: "table"}},
		{name: "payouts", args: cmd("--payout", "po_1", "--payout", "po_2,po_3"), want: ReconcileOptions{Payouts: []string{"po_1", "po_2", "po_3"}, Format: "table"}},
		{name: "in transit", args: cmd("--dry-run", "--include-in-transit"), want: ReconcileOptions{DryRun: true, IncludeInTransit: true, Format: "table"}},
		{name: "cron", args: cmd("-q", "--wait-lock", "30m"), want: ReconcileOptions{Quiet: true, WaitLock: 30 * time.Minute, Format: "table"}},
		{name: "quiet long", args: cmd("--quiet"), want: ReconcileOptions{Quiet: true, Format: "table"}},
		{name: "bad wait", args: cmd("--wait-lock", "30"), flagErr: true},
		{name: "sandbox", args: cmd("--sandbox"), want: ReconcileOptions{Sandbox: true, Format: "table"}},
		{name: "global ledger", args: cmd("--ledger", "l.db", "--log-level", "debug"), want: ReconcileOptions{LedgerFlag: true, Format: "table"}},
		{name: "misspelt flag", args: cmd("--frm", "2026-07-01"), flagErr: true},
		{name: "argument", args: cmd("po_1"), flagErr: true},
		{name: "flag without value", args: cmd("--from"), flagErr: true},
	})
}

// --sandbox hands the run a Factory whose constructors are the sandbox's.
func TestReconcileSandboxIsAFactoryVariant(t *testing.T) {
	for _, args := range [][]string{{"reconcile"}, {"reconcile", "--sandbox"}} {
		f := &Factory{}
		var got *ReconcileOptions
		if err := parseArgs(f, NewCmdReconcile(f, func(o *ReconcileOptions) error { got = o; return nil }), args); err != nil {
			t.Fatal(err)
		}
		sandboxed := len(args) == 2
		if (got.Factory != f) != sandboxed || (got.Factory.DefaultWindow != nil) != sandboxed {
			t.Errorf("%v: Factory swapped %v, default window %v; want both %v", args, got.Factory != f, got.Factory.DefaultWindow != nil, sandboxed)
		}
	}
}

func TestLedgerFlags(t *testing.T) {
	testFlags(t, NewCmdLedgerRuns, func(o *LedgerRunsOptions) **Factory { return &o.Factory }, []flagCase[LedgerRunsOptions]{
		{name: "defaults", args: []string{"ledger", "runs"}, want: LedgerRunsOptions{Format: "table", Limit: 20}},
		{name: "json before", args: []string{"ledger", "--format", "json", "runs", "--limit", "5"}, want: LedgerRunsOptions{Format: "json", Limit: 5}},
		{name: "json after", args: []string{"ledger", "runs", "--format", "json"}, want: LedgerRunsOptions{Format: "json", Limit: 20}},
		{name: "bad limit", args: []string{"ledger", "runs", "--limit", "many"}, flagErr: true},
		{name: "argument", args: []string{"ledger", "runs", "7"}, flagErr: true},
	})
	testFlags(t, NewCmdLedgerShow, func(o *LedgerShowOptions) **Factory { return &o.Factory }, []flagCase[LedgerShowOptions]{
		{name: "payout", args: []string{"ledger", "show", "po_1"}, want: LedgerShowOptions{Format: "table", Payout: "po_1"}},
		{name: "json", args: []string{"ledger", "show", "po_1", "--format", "json"}, want: LedgerShowOptions{Format: "json", Payout: "po_1"}},
		{name: "no payout", args: []string{"ledger", "show"}, flagErr: true},
		{name: "two payouts", args: []string{"ledger", "show", "po_1", "po_2"}, flagErr: true},
	})
	testFlags(t, NewCmdLedgerResolve, func(o *LedgerResolveOptions) **Factory { return &o.Factory }, []flagCase[LedgerResolveOptions]{
		{name: "note", args: []string{"ledger", "resolve", "po_1", "--note", "deposit 4711 by hand"}, want: LedgerResolveOptions{Payout: "po_1", Note: "deposit 4711 by hand"}},
		// A missing note is the run's to refuse, with its own hint.
		{name: "no note", args: []string{"ledger", "resolve", "po_1"}, want: LedgerResolveOptions{Payout: "po_1"}},
		{name: "no payout", args: []string{"ledger", "resolve", "--note", "x"}, flagErr: true},
	})
}

func TestInvoicesFlags(t *testing.T) {
	testFlags(t, NewCmdInvoicesSync, func(o *InvoicesSyncOptions) **Factory { return &o.Factory }, []flagCase[InvoicesSyncOptions]{
		{name: "one", args: []string{"invoices", "sync", "in_1"}, want: InvoicesSyncOptions{IDs: []string{"in_1"}, Format: "table"}},
		{name: "two json", args: []string{"invoices", "sync", "in_1", "--format", "json", "in_2"}, want: InvoicesSyncOptions{IDs: []string{"in_1", "in_2"}, Format: "json"}},
		{name: "none", args: []string{"invoices", "sync"}, flagErr: true},
	})
	testFlags(t, NewCmdInvoicesListen, func(o *InvoicesListenOptions) **Factory { return &o.Factory }, []flagCase[InvoicesListenOptions]{
		{name: "defaults", args: []string{"invoices", "listen"}, want: InvoicesListenOptions{}},
		{name: "addr", args: []string{"invoices", "listen", "--addr", "127.0.0.1:9999"}, want: InvoicesListenOptions{Addr: "127.0.0.1:9999"}},
		{name: "argument", args: []string{"invoices", "listen", "now"}, flagErr: true},
	})
}

// --addr is the config key webhook.addr, which is what the listener reads.
func TestListenAddrSetsConfig(t *testing.T) {
	f := &Factory{}
	if err := parseArgs(f, NewCmdInvoicesListen(f, func(*InvoicesListenOptions) error { return nil }), []string{"invoices", "listen", "--addr", "127.0.0.1:9999"}); err != nil {
		t.Fatal(err)
	}
	if got := f.viper().GetString("webhook.addr"); got != "127.0.0.1:9999" {
		t.Errorf("webhook.addr = %q", got)
	}
}

func TestConfigFlags(t *testing.T) {
	testFlags(t, NewCmdConfigCheck, func(o *ConfigCheckOptions) **Factory { return &o.Factory }, []flagCase[ConfigCheckOptions]{
		{name: "plain", args: []string{"config", "check", "--config", "x.yaml"}, want: ConfigCheckOptions{}},
		{name: "argument", args: []string{"config", "check", "x.yaml"}, flagErr: true},
	})
	testFlags(t, NewCmdConfigShow, func(o *ConfigShowOptions) **Factory { return &o.Factory }, []flagCase[ConfigShowOptions]{
		{name: "plain", args: []string{"config", "show"}, want: ConfigShowOptions{}},
		{name: "unknown flag", args: []string{"config", "show", "--redact=false"}, flagErr: true},
	})
	testFlags(t, NewCmdConfigInit, func(o *ConfigInitOptions) **Factory { return &o.Factory }, []flagCase[ConfigInitOptions]{
		{name: "default path", args: []string{"config", "init"}, want: ConfigInitOptions{}},
		{name: "file, force", args: []string{"config", "init", "x.yaml", "--force"}, want: ConfigInitOptions{Path: "x.yaml", Force: true}},
		{name: "two files", args: []string{"config", "init", "a", "b"}, flagErr: true},
	})
	testFlags(t, NewCmdVersion, func(o *VersionOptions) **Factory { return &o.Factory }, []flagCase[VersionOptions]{
		{name: "plain", args: []string{"version"}, want: VersionOptions{Format: "text"}},
		{name: "json", args: []string{"version", "--format", "json"}, want: VersionOptions{Format: "json"}},
		{name: "argument", args: []string{"version", "2"}, flagErr: true},
	})
}

func TestSandboxServeFlags(t *testing.T) {
	serve := func(args ...string) []string { return append([]string{"sandbox", "serve"}, args...) }
	defaults := sandbox.Options{StripeAddr: "127.0.0.1:0", NetSuiteAddr: "127.0.0.1:0", Concurrency: 5, Seed: 1}
	all := sandbox.Options{StripeAddr: "127.0.0.1:7001", NetSuiteAddr: "localhost:7002", Concurrency: 2,
		Latency: 5 * time.Millisecond, Jitter: time.Millisecond, Rate429: 0.1, Rate5xx: 0.2, RateDrop: 0.05, Seed: 9}
	testFlags(t, NewCmdSandboxServe, func(o *SandboxServeOptions) **Factory { return &o.Factory }, []flagCase[SandboxServeOptions]{
		{name: "defaults", args: serve(), want: SandboxServeOptions{Options: defaults}},
		{name: "all", args: serve("--stripe-addr", "127.0.0.1:7001", "--netsuite-addr", "localhost:7002", "--concurrency-limit", "2",
			"--latency", "5ms", "--jitter", "1ms", "--rate-429", "0.1", "--rate-5xx", "0.2", "--rate-drop", "0.05", "--seed", "9",
			"--write-config", "s.yaml"), want: SandboxServeOptions{Options: all, WriteConfig: "s.yaml"}},
		{name: "bad duration", args: serve("--latency", "5"), flagErr: true},
		{name: "bad rate", args: serve("--rate-429", "often"), flagErr: true},
	})
}

// Constructors are lazy: a command builds only what it asks for, once.
func TestFactoryBuildsOnlyWhatIsAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("ledger:\n  path: /nonexistent/l.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	parsed := 0
	var out strings.Builder
	f := &Factory{Stdout: &out, Getenv: func(string) string { return "" }}
	f.defaults(context.Background())
	real := f.ParsedConfig
	f.ParsedConfig = memo(func() (*config.Config, error) { parsed++; return real() })
	f.Ledger = func() (*ledger.Ledger, error) { t.Error("config show opened the ledger"); return nil, nil }
	root := NewRootCmd(f)
	root.SetArgs([]string{"config", "show", "--config", path})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ParsedConfig(); err != nil || parsed != 1 {
		t.Errorf("parsed the config %d times (err %v), want once", parsed, err)
	}
	if !strings.Contains(out.String(), "/nonexistent/l.db") {
		t.Errorf("config show printed:\n%s", out.String())
	}
}

// Every command line cobra rejects exits 2 with the same hint, whether
// cobra types it through the Factory's hooks or not (the root's unknown
// command).
func TestCommandLineErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"}, {"reconcile", "--frm", "x"}, {"ledger", "runs", "--limit", "many"},
		{"version", "extra"}, {"ledger", "show"}, {"invoices", "sync"}, {"completion", "bash", "extra"},
	} {
		var errb strings.Builder
		code := Main(context.Background(), args, &Factory{Stderr: &errb, Getenv: func(string) string { return "" }})
		if code != outcome.ExitUsage || !strings.Contains(errb.String(), "Try: see nsrecon --help") {
			t.Errorf("%v: exit %d, stderr %q; want %d and the help hint", args, code, errb.String(), outcome.ExitUsage)
		}
	}
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

var update = flag.Bool("update", false, "update testscript golden sections and golden files")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"nsrecon": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := Main(ctx, os.Args[1:], &Factory{
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: "test",
				ProgressEvery: progressEvery(),
			})
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the CLI end to end (testdata/script/*.txtar) against the
// fake Stripe and fake NetSuite, as a separate process per command.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakes":      cmdFakes,
			"nscheck":    cmdNSCheck,
			"pingserver": cmdPingServer,
			"pings":      cmdPings,
			"jsondoc":    cmdJSONDoc,
			"waitfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: waitfile FILE")
				}
				for range 200 { // bounded: 10 s
					if st, err := os.Stat(ts.MkAbs(args[0])); err == nil && st.Size() > 0 {
						time.Sleep(50 * time.Millisecond) // let the writer finish
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
				ts.Fatalf("waitfile: %s did not appear", args[0])
			},
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: sleep DURATION")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("XDG_CONFIG_HOME", filepath.Join(e.WorkDir, ".config"))
			jsonMD, err := filepath.Abs("JSON.md")
			if err != nil {
				return err
			}
			e.Setenv("JSON_MD", jsonMD)
			return nil
		},
	})
}

// progressEvery is TEST_PROGRESS_EVERY: scripts shorten the interval of
// the off-terminal progress log.
func progressEvery() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("TEST_PROGRESS_EVERY"))
	return d
}

var (
	envsMu sync.Mutex
	envs   = map[*testscript.TestScript]fakeEnv{}
)

type fakeEnv struct {
	*sandbox.Env
	scenario *stripefake.Scenario
}

// fakes SCENARIO [latency=DUR] [limit=N] [drop=RATE] [r429=RATE] [r5xx=RATE]
// starts the fake Stripe serving testdata/scenarios/SCENARIO and a fake
// NetSuite, writes $WORK/nsrecon.yaml pointing at them (ledger in $WORK)
// and exports NSRECON_CONFIG, FROM and TO (the scenario's arrival window).
func cmdFakes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fakes SCENARIO [latency=DUR] [limit=N] [drop=RATE] [r429=RATE] [r5xx=RATE]")
	}
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", args[0]))
	ts.Check(err)
	opts := sandbox.Options{Scenario: sc, Seed: 7}
	for _, kv := range args[1:] {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "latency":
			opts.Latency, err = time.ParseDuration(v)
		case "limit":
			opts.Concurrency, err = strconv.Atoi(v)
		case "drop":
			opts.RateDrop, err = strconv.ParseFloat(v, 64)
		case "r429":
			opts.Rate429, err = strconv.ParseFloat(v, 64)
		case "r5xx":
			opts.Rate5xx, err = strconv.ParseFloat(v, 64)
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		ts.Check(err)
	}
	env, err := sandbox.Start(context.Background(), opts)
	ts.Check(err)
	ts.Defer(env.Close)
	envsMu.Lock()
	envs[ts] = fakeEnv{env, sc}
	envsMu.Unlock()
	cfg := env.ConfigYAML() + "ledger:\n  path: " + ts.MkAbs("ledger.db") + "\n"
	ts.Check(os.WriteFile(ts.MkAbs("nsrecon.yaml"), []byte(cfg), 0o600))
	ts.Setenv("NSRECON_CONFIG", ts.MkAbs("nsrecon.yaml"))
	from, to := sc.ArrivalWindow()
	ts.Setenv("FROM", from.Format(time.DateOnly))
	ts.Setenv("TO", to.Format(time.DateOnly))
	ts.Setenv("NETSUITE_URL", env.NetSuiteURL)
}

// nscheck [deposits=N] checks the fake NetSuite's books: every deposit
// equals its Stripe payout to the cent (computed by the fake from the
// stored transactions), no external ID exists twice, and there are N
// deposits. It prints the record counts by type.
func cmdNSCheck(ts *testscript.TestScript, neg bool, args []string) {
	envsMu.Lock()
	env := envs[ts]
	envsMu.Unlock()
	if env.Env == nil {
		ts.Fatalf("nscheck: run fakes first")
	}
	want := -1
	for _, kv := range args {
		k, v, _ := strings.Cut(kv, "=")
		if k != "deposits" {
			ts.Fatalf("nscheck: unknown option %q", kv)
		}
		var err error
		want, err = strconv.Atoi(v)
		ts.Check(err)
	}
	var problems []string
	var counts []string
	for _, typ := range []string{"customer", "serviceSaleItem", "discountItem", "invoice", "customerPayment", "creditMemo", "customerRefund", "deposit"} {
		recs := env.NetSuite.Records(typ)
		seen := map[string]bool{}
		for _, r := range recs {
			if r.ExternalID != "" && seen[r.ExternalID] {
				problems = append(problems, fmt.Sprintf("%s %s exists twice", typ, r.ExternalID))
			}
			seen[r.ExternalID] = true
		}
		counts = append(counts, fmt.Sprintf("%s=%d", typ, len(recs)))
	}
	deposits := env.NetSuite.Records("deposit")
	for _, d := range deposits {
		poID := strings.TrimPrefix(d.ExternalID, "stripe_")
		po := env.scenario.Objects[poID]
		if po == nil {
			problems = append(problems, "deposit "+d.ExternalID+" has no Stripe payout")
			continue
		}
		total, err := env.NetSuite.DepositTotal(d.ID)
		ts.Check(err)
		amount, _ := strconv.ParseInt(fmt.Sprint(po["amount"]), 10, 64)
		cur := fmt.Sprint(po["currency"])
		r, ok := new(big.Rat).SetString(total)
		want, _ := new(big.Rat).SetString(money.Format(amount, cur))
		if !ok || r.Cmp(want) != 0 {
			problems = append(problems, fmt.Sprintf("deposit %s totals %s, payout %s is %s", d.ID, total, poID, money.Format(amount, cur)))
		}
	}
	if want >= 0 && len(deposits) != want {
		problems = append(problems, fmt.Sprintf("%d deposits, want %d", len(deposits), want))
	}
	fmt.Fprintf(ts.Stdout(), "%s\n", strings.Join(counts, " "))
	if len(problems) > 0 && !neg {
		ts.Fatalf("nscheck:\n%s", strings.Join(problems, "\n"))
	}
	if len(problems) == 0 && neg {
		ts.Fatalf("nscheck: books balance, but the script expected a problem")
	}
}

//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package push

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/plan"
)

const (
	helperURLEnv    = "NSRECON_PUSH_HELPER_URL"
	helperLedgerEnv = "NSRECON_PUSH_HELPER_LEDGER"
	helperBatchEnv  = "NSRECON_PUSH_HELPER_BATCH" // "1": async batches on
)

// crashBatches are the batch options of the crash test with batches on:
// small batches, so that a kill lands between many of them.
var crashBatches = BatchOptions{Size: 6, Min: 2, Poll: time.Millisecond}

// crashPlans are the payouts the crash test pushes, oldest first; built
// the same in the test and in the helper process.
func crashPlans() []*plan.Plan {
	var out []*plan.Plan
	for i := range 3 {
		out = append(out, buildPlan(planSpec{payout: fmt.Sprintf("po_%d", i), charges: 30, customers: 6, refundN: 4}))
	}
	return out
}

// TestHelperPush is not a test: TestCrashAndResume runs the test binary
// again with helperURLEnv set, and this does what `nsrecon reconcile` does
// with the plans: take the lock, push every payout in turn, printing a line
// per settled record so the parent can choose when to SIGKILL it.
func TestHelperPush(t *testing.T) {
	url := os.Getenv(helperURLEnv)
	if url == "" {
		t.Skip("helper process only")
	}
	ctx := context.Background()
	l, err := ledger.Open(ctx, os.Getenv(helperLedgerEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	unlock, err := l.Lock(ctx, "crash helper")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
	out := bufio.NewWriter(os.Stdout)
	opts := Options{Concurrency: 5, Progress: func(pr Progress) {
		fmt.Fprintln(out, pr.Pushed)
		out.Flush()
	}}
	if os.Getenv(helperBatchEnv) == "1" {
		opts.Batch = crashBatches
	}
	p := New(newClient(t, url, 5), l, opts)
	for _, pl := range crashPlans() {
		res, err := p.Push(ctx, pl)
		if err != nil || res.Status != outcome.Reconciled {
			fmt.Fprintln(os.Stderr, res, err)
			os.Exit(5)
		}
	}
	unlock()
	os.Exit(0)
}

// TestCrashAndResume SIGKILLs a pushing process at random points, over and
// over, against one NetSuite that also commits-then-drops some responses,
// then runs it to completion: every payout must be reconciled with its
// exact deposit, and no external ID may exist twice.
func TestCrashAndResume(t *testing.T) { crashAndResume(t, false) }

// TestCrashAndResumeBatches is TestCrashAndResume with async batches on:
// kills land between storing a batch's idempotency key and submitting it,
// between submitting and following, and while results are recorded;
// dropped responses hit submits and polls.
func TestCrashAndResumeBatches(t *testing.T) { crashAndResume(t, true) }

func crashAndResume(t *testing.T, batches bool) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := newFake(func(o *nsfake.Options) {
		o.RateDrop, o.Rate5xx, o.Seed = 0.05, 0.02, 3
		o.Latency, o.Jitter = time.Millisecond, 4*time.Millisecond
		o.AsyncProcessors, o.AsyncRecordCost = 2, time.Millisecond
	})
	batchEnv, maxKill := helperBatchEnv+"=0", 35
	if batches {
		batchEnv, maxKill = helperBatchEnv+"=1", 5
	}
	url, err := nsfake.ListenAndServe(ctx, "127.0.0.1:0", fake)
	if err != nil {
		t.Fatal(err)
	}
	ledgerPath := filepath.Join(t.TempDir(), "ledger.db")
	rng := rand.New(rand.NewPCG(42, 42))

	run := func(killAfter int) (killed bool, childPID int) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPush$")
		cmd.Env = append(os.Environ(), helperURLEnv+"="+url, helperLedgerEnv+"="+ledgerPath, batchEnv)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		settled := 0
		for killAfter > 0 && sc.Scan() {
			if n, _ := strconv.Atoi(sc.Text()); n > 0 {
				settled++ // one line per settled record
			}
			if settled >= killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
		for sc.Scan() { // drain until exit
		}
		err = cmd.Wait()
		if !killed && err != nil {
			t.Fatalf("helper failed: %v", err)
		}
		return killed, cmd.Process.Pid
	}

	// First, two runs at once: while a helper runs, the lock names it.
	{
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPush$")
		cmd.Env = append(os.Environ(), helperURLEnv+"="+url, helperLedgerEnv+"="+ledgerPath)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		sc.Scan() // it holds the lock once it reports progress
		l := openLedger(t, ledgerPath)
		_, err := l.Lock(ctx, "second run")
		var le *ledger.LockedError
		if !errors.As(err, &le) || le.PID != cmd.Process.Pid || le.Holder != "crash helper" || le.Since.IsZero() {
			t.Errorf("second run got %v, want LockedError naming pid %d", err, cmd.Process.Pid)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		l.Close()
	}

	kills := 0
	for range 12 {
		if killed, _ := run(1 + rng.IntN(maxKill)); killed {
			kills++
		}
	}
	if kills < 10 {
		t.Errorf("only %d of 12 runs were killed mid-push", kills)
	}
	run(0) // to completion

	plans := crashPlans()
	checkNetSuite(t, fake, plans, 0)
	l := openLedger(t, ledgerPath)
	for _, pl := range plans {
		ps, ok, err := l.Payout(ctx, pl.Payout.ID)
		if err != nil || !ok || ps.Status != outcome.Reconciled || ps.DepositID == "" {
			t.Errorf("payout %s: %+v %v", pl.Payout.ID, ps, err)
		}
		rows, _ := l.PayoutRecords(ctx, pl.Payout.ID)
		for _, r := range rows {
			if r.Status != ledger.RecordDone {
				t.Errorf("record %s is %s", r.ExternalID, r.Status)
			}
		}
	}
	// The final run needed no lock clean-up by hand, and the last killed
	// run's records came back as done: nothing more to send.
	before := apiCalls(fake)
	run(0)
	if d := apiCalls(fake) - before; d != 0 {
		t.Errorf("a run after completion made %d NetSuite calls", d)
	}
	t.Logf("%d kills; fake counts %v", kills, fake.Counts())
}

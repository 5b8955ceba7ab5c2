//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ledger

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

const lockHelperEnv = "NSRECON_LEDGER_LOCK_HELPER"

// TestHelperLock is not a test: TestLockHeldByKilledProcess runs the test
// binary again with lockHelperEnv set, and this takes the lock and waits to
// be killed.
func TestHelperLock(t *testing.T) {
	path := os.Getenv(lockHelperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	l, err := Open(context.Background(), path)
	if err != nil {
		os.Exit(3)
	}
	if _, err := l.Lock(context.Background(), "helper"); err != nil {
		os.Exit(4)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
	os.Exit(5)
}

func TestLockHeldByKilledProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(ctx, path)
	must(t, err)
	defer l.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLock$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q (%v)", line, err)
	}

	_, err = l.Lock(ctx, "me")
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid || le.Holder != "helper" {
		t.Fatalf("Lock while helper holds it: %v", err)
	}

	// SIGKILL: no deferred unlock runs, the row stays behind, and yet the
	// lock is free because the kernel dropped the flock with the process.
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	unlock, err := l.Lock(ctx, "me")
	if err != nil {
		t.Fatalf("lock left by a killed process not recovered: %v", err)
	}
	defer unlock()
	var holder string
	var pid int
	must(t, l.db.QueryRowContext(ctx, `SELECT holder, pid FROM lock`).Scan(&holder, &pid))
	if holder != "me" || pid != os.Getpid() {
		t.Fatalf("lock row names %s/%d after recovery", holder, pid)
	}
}

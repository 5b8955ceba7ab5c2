package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// LockedError says another live process holds the run lock.
type LockedError struct {
	Holder string // what the holder called itself ("nsrecon reconcile", …)
	PID    int
	Host   string
	Since  time.Time
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return "ledger: another nsrecon run holds the lock"
	}
	return fmt.Sprintf("ledger: locked by %s (pid %d on %s) since %s",
		e.Holder, e.PID, e.Host, e.Since.Local().Format(time.RFC3339))
}

// Lock takes the run lock: one run at a time per ledger, across processes.
//
// The lock is an OS file lock on "<ledger>.lock" (flock on Unix, LockFileEx
// on Windows) beside the ledger's real path, symlinks resolved; Open
// refuses a ledger with several hard links, so no second name of the file
// can have a lock of its own. The kernel releases it when the holder dies, even by SIGKILL,
// so a lock left by a killed run is recovered simply by taking it; there is
// no staleness guess based on PIDs or ages. The lock table row only records
// who holds it, for LockedError; a stale row is overwritten by the next
// holder. The lock file is never deleted: unlinking it while another
// process waits on the old inode would let two processes "hold" it.
//
// Lock does not wait: if the lock is held it returns a *LockedError at once.
// The unlock function is idempotent.
func (l *Ledger) Lock(ctx context.Context, holder string) (unlock func() error, err error) {
	f, err := os.OpenFile(l.real+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger: lock: %w", err)
	}
	ok, err := tryLockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger: lock: %w", err)
	}
	if !ok {
		f.Close()
		return nil, l.lockedError(ctx)
	}

	pid := os.Getpid()
	host, _ := os.Hostname()
	if _, err := l.db.ExecContext(ctx, `INSERT OR REPLACE INTO lock (id, holder, pid, host, since) VALUES (1, ?, ?, ?, ?)`,
		holder, pid, host, l.stamp()); err != nil {
		unlockFile(f)
		f.Close()
		return nil, fmt.Errorf("ledger: lock: %w", err)
	}

	released := false
	return func() error {
		if released {
			return nil
		}
		released = true
		// Clear the row before releasing the file lock, so a new holder's row
		// is never deleted; the pid check covers a row already replaced.
		_, derr := l.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM lock WHERE id = 1 AND pid = ?`, pid)
		uerr := unlockFile(f)
		cerr := f.Close()
		if err := errors.Join(derr, uerr, cerr); err != nil {
			return fmt.Errorf("ledger: unlock: %w", err)
		}
		return nil
	}, nil
}

// lockedError reads who holds the lock. The holder writes its row just after
// taking the file lock, so give it a moment before reporting it nameless.
func (l *Ledger) lockedError(ctx context.Context) error {
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		var e LockedError
		var since string
		err := l.db.QueryRowContext(ctx, `SELECT holder, pid, host, since FROM lock WHERE id = 1`).Scan(&e.Holder, &e.PID, &e.Host, &since)
		switch {
		case err == nil:
			e.Since, _ = parseTime(since)
			return &e
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("ledger: lock held; reading holder: %w", err)
		case time.Now().After(deadline):
			return &LockedError{}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

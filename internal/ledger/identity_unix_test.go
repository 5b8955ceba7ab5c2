//go:build unix

package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A second name for the ledger through a symlink shares its lock.
func TestLockThroughSymlink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	unlock, err := a.Lock(ctx, "first")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	other := filepath.Join(t.TempDir(), "alias.db")
	if err := os.Symlink(path, other); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var locked *LockedError
	if _, err := b.Lock(ctx, "second"); !errors.As(err, &locked) || locked.Holder != "first" {
		t.Fatalf("lock through a symlink: %v", err)
	}
	if _, err := os.Stat(other + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SQLite made a WAL beside the symlink: %v", err)
	}
}

// A hard-linked ledger is refused: its other name would get its own WAL
// and its own lock.
func TestHardLinkedLedgerRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	other := filepath.Join(dir, "other.db")
	if err := os.Link(path, other); err != nil {
		t.Skip("no hard links here:", err)
	}
	for _, p := range []string{path, other} {
		var hl *HardLinkError
		if _, err := Open(ctx, p); !errors.As(err, &hl) || hl.Links != 2 {
			t.Errorf("Open(%s) = %v, want a HardLinkError", filepath.Base(p), err)
		}
	}
}

// A ledger made readable by others is tightened to 0600 on open.
func TestLedgerModeTightened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

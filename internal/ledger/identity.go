package ledger

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// HardLinkError says the ledger file has more than one name. SQLite keeps
// its -wal and -shm files beside the name it was opened by, and nsrecon
// its run lock, so two names would let two runs write one database each
// believing it is alone.
type HardLinkError struct {
	Path  string
	Links uint64
}

func (e *HardLinkError) Error() string {
	return fmt.Sprintf("ledger: %s has %d hard links; a ledger must have one name (use a symlink instead, or copy the file)", e.Path, e.Links)
}

// identify resolves the ledger file's symlinks, refuses a file with
// several hard links, and takes away any access beyond the owner's: the
// ledger names customers and NetSuite IDs. It returns the real path.
func identify(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("ledger: %w", err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", fmt.Errorf("ledger: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("ledger: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("ledger: %s is not a regular file", path)
	}
	if n := linkCount(fi); n > 1 {
		return "", &HardLinkError{Path: path, Links: n}
	}
	for _, p := range []string{real, real + "-wal", real + "-shm", real + ".lock"} {
		if err := tighten(p); err != nil {
			return "", err
		}
	}
	return real, nil
}

// tighten makes p 0600 if it grants anything to group or others.
func tighten(p string) error {
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("ledger: %w", err)
	case fi.Mode().Perm()&0o077 == 0:
		return nil
	}
	if err := os.Chmod(p, fi.Mode().Perm()&0o700|0o600); err != nil {
		return fmt.Errorf("ledger: %s is readable by others (mode %04o) and could not be made 0600: %w", p, fi.Mode().Perm(), err)
	}
	return nil
}

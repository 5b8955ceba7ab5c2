//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package ledger

import (
	"errors"
	"os"
)

// Platforms without flock or LockFileEx get no run lock rather than one that
// could be left stuck; say so instead of pretending.
func tryLockFile(*os.File) (bool, error) {
	return false, errors.New("run lock not supported on this platform")
}

func unlockFile(*os.File) error { return nil }

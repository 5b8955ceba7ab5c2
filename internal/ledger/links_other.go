//go:build !unix

package ledger

import "os"

// linkCount is 1 where os.FileInfo does not carry a link count (Windows);
// hard-linked ledgers are not detected there.
func linkCount(os.FileInfo) uint64 { return 1 }

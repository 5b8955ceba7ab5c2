// Command gendocs writes nsrecon's man pages and shell completions for
// the release packages: go run ./internal/tools/gendocs -out dist/docs
//
// It is a separate program, not a hidden nsrecon command, so nothing of
// it shows in nsrecon's help or completion.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nsrecon/nsrecon/internal/cli/gendocs"
)

func main() {
	out := flag.String("out", "dist/docs", "directory to write man/ and completions/ into")
	flag.Parse()
	if err := gendocs.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

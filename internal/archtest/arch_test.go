// Package archtest holds checks on the shape of the code base itself: the
// size limits issue 9 set (no product function over 80 lines, no product
// file over 500) and the direction of imports, so they cannot erode
// unnoticed.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	maxFuncLines = 80
	maxFileLines = 500
)

// exempt are the stand-ins for the outside world: they model a remote
// service, not the product, and are allowed to be long.
var exempt = []string{"internal/netsuite/nsfake", "internal/payout/stripefake", "internal/sandbox"}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// productFiles lists the non-test Go files of the product.
func productFiles(t *testing.T) []string {
	t.Helper()
	base := root(t)
	var files []string
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(base, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(base, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				for _, e := range exempt {
					if rel == e {
						return filepath.SkipDir
					}
				}
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 50 {
		t.Fatalf("found only %d product files under %s: wrong root?", len(files), base)
	}
	return files
}

func TestSizeLimits(t *testing.T) {
	base := root(t)
	fset := token.NewFileSet()
	for _, rel := range productFiles(t) {
		src, err := os.ReadFile(filepath.Join(base, rel))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(src), "\n"); n > maxFileLines {
			t.Errorf("%s: %d lines, over %d: split it by job", rel, n, maxFileLines)
		}
		f, err := parser.ParseFile(fset, rel, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if lines > maxFuncLines {
				t.Errorf("%s: func %s is %d lines, over %d: give its steps names", rel, fn.Name.Name, lines, maxFuncLines)
			}
		}
	}
}

// TestImportDirection keeps the one arrow issue 9 turned around from
// coming back: configuration knows nothing of the planner.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/nsrecon/nsrecon/internal/config").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, banned := range []string{"/internal/plan", "/internal/push", "/internal/reconcile", "/internal/cli"} {
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasSuffix(line, banned) {
				t.Errorf("internal/config imports %s (directly or not); configuration must stay below the planner", line)
			}
		}
	}
}

package cli

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// jsondoc 'COMMAND' FILE checks the JSON in FILE against JSON.md's section
// for COMMAND (its heading starts with `COMMAND`): every field in the
// output is documented, and every documented top-level field is there.
func cmdJSONDoc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jsondoc COMMAND FILE")
	}
	documented := documentedFields(ts, args[0])
	var v any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &v))
	var paths []string
	jsonPaths(v, "", &paths)
	sort.Strings(paths)
	for _, p := range paths {
		if !isDocumented(p, documented) {
			ts.Fatalf("jsondoc: %s prints %s, which JSON.md does not document", args[0], p)
		}
	}
	for d := range documented {
		if !strings.ContainsAny(d, ".[") && !contains(paths, d) {
			ts.Fatalf("jsondoc: JSON.md documents %s for %s, which the output lacks", d, args[0])
		}
	}
}

// documentedFields are the backticked names in the first column of the
// tables of JSON.md's section for command.
func documentedFields(ts *testscript.TestScript, command string) map[string]bool {
	raw, err := os.ReadFile(ts.MkAbs(ts.Getenv("JSON_MD")))
	ts.Check(err)
	_, section, ok := strings.Cut(string(raw), "\n## `"+command)
	if !ok {
		ts.Fatalf("jsondoc: JSON.md has no section for %s", command)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	fields := map[string]bool{}
	tick := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range tick.FindAllStringSubmatch(cells[1], -1) {
			fields[m[1]] = true
		}
	}
	return fields
}

// jsonPaths lists the field paths of v: a.b for object fields, a[].b for
// fields of array elements.
func jsonPaths(v any, prefix string, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			*out = append(*out, p)
			jsonPaths(child, p, out)
		}
	case []any:
		for _, child := range x {
			jsonPaths(child, prefix+"[]", out)
		}
	}
}

func isDocumented(p string, documented map[string]bool) bool {
	if documented[p] {
		return true
	}
	for d := range documented {
		if base, ok := strings.CutSuffix(d, ".*"); ok && (p == base || strings.HasPrefix(p, base+".")) {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

package stripefake

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/scenarios from the builders")

const scenariosDir = "../../../testdata/scenarios"

// TestGenerateScenarios keeps testdata/scenarios equal to the builders.
// Regenerate with: go test ./internal/payout/stripefake -run TestGenerateScenarios -update
func TestGenerateScenarios(t *testing.T) {
	for name, build := range Scenarios() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(scenariosDir, name)
			if *update {
				if err := build().WriteDir(dir); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := t.TempDir()
			if err := build().WriteDir(want); err != nil {
				t.Fatal(err)
			}
			wantFiles, gotFiles := jsonFiles(t, want), jsonFiles(t, dir)
			if !slices.Equal(wantFiles, gotFiles) {
				t.Fatalf("%s has files %v, builder makes %v (run with -update)", dir, gotFiles, wantFiles)
			}
			for _, f := range wantFiles {
				w, _ := os.ReadFile(filepath.Join(want, f))
				g, _ := os.ReadFile(filepath.Join(dir, f))
				if !bytes.Equal(w, g) {
					t.Errorf("%s/%s differs from the builder's output (run with -update)", dir, f)
				}
			}
		})
	}
}

func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m {
		names = append(names, filepath.Base(f))
	}
	slices.Sort(names)
	return names
}

func TestSandboxEqualsFiles(t *testing.T) {
	sc, err := LoadScenario(filepath.Join(scenariosDir, "sandbox"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sc.Objects, Sandbox().Objects) {
		t.Fatal("Sandbox() differs from testdata/scenarios/sandbox")
	}
}

// TestScenarioInvariants checks what every scenario promises: each
// automatic payout equals the net of its transactions (except
// sum_mismatch) and each payout's own transaction withdraws its amount.
func TestScenarioInvariants(t *testing.T) {
	for name, build := range Scenarios() {
		sc := build().Scenario()
		nets := map[string]int64{}
		for _, o := range sc.Objects {
			if objectType(o) == "balance_transaction" && o["type"] != "payout" {
				if po, ok := o["_payout"].(string); ok {
					nets[po] += intField(o, "net")
				}
			}
		}
		payouts := 0
		for id, o := range sc.Objects {
			if objectType(o) != "payout" {
				continue
			}
			payouts++
			own := sc.Objects[o["balance_transaction"].(string)]
			if intField(own, "amount") != -intField(o, "amount") {
				t.Errorf("%s: %s's own transaction is %d, want %d", name, id, intField(own, "amount"), -intField(o, "amount"))
			}
			if auto, _ := o["automatic"].(bool); auto && nets[id] != intField(o, "amount") && name != "sum_mismatch" {
				t.Errorf("%s: %s amount %d ≠ Σ net %d", name, id, intField(o, "amount"), nets[id])
			}
		}
		if payouts == 0 {
			t.Errorf("%s: no payouts", name)
		}
	}
}

// Package stripefake is a small, faithful stand-in for the read side of the
// Stripe API. The real stripe-go client talks to it over HTTP, so tests and
// the sandbox exercise real pagination, expansion, auth and error decoding.
//
// Objects are plain Stripe-shaped JSON. Keys starting with "_" are fake-only
// metadata that Stripe keeps server-side and never returns; the server strips
// them from every response. The only one used is "_payout" on balance
// transactions: the automatic payout that paid the transaction out (what
// Stripe uses to answer GET /v1/balance_transactions?payout=po_…).
package stripefake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Scenario is a Stripe account's data: every object by ID.
type Scenario struct {
	// Objects maps an ID to the raw Stripe JSON object. Numbers are
	// json.Number (from files) or Go integers (from the builder), never
	// float64, so amounts and exchange rates survive a round trip exactly.
	Objects map[string]map[string]any
}

// LoadScenario reads every *.json file in dir; each holds a JSON array of
// Stripe objects whose type comes from their "object" field.
func LoadScenario(dir string) (*Scenario, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("stripefake: no *.json files in %s", dir)
	}
	sc := &Scenario{Objects: map[string]map[string]any{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		objs, err := decodeArray(data)
		if err != nil {
			return nil, fmt.Errorf("stripefake: %s: %w", f, err)
		}
		for i, o := range objs {
			if err := sc.add(o); err != nil {
				return nil, fmt.Errorf("stripefake: %s: object %d: %w", f, i, err)
			}
		}
	}
	return sc, nil
}

func decodeArray(data []byte) ([]map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// UseNumber keeps 1000000 from becoming 1e+06 (which stripe-go cannot
	// decode into an int64) and keeps exchange rates textually exact.
	dec.UseNumber()
	var objs []map[string]any
	if err := dec.Decode(&objs); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON array")
	}
	return objs, nil
}

func (sc *Scenario) add(o map[string]any) error {
	id, _ := o["id"].(string)
	typ, _ := o["object"].(string)
	if id == "" || typ == "" {
		return errors.New(`missing "id" or "object"`)
	}
	if _, dup := sc.Objects[id]; dup {
		return fmt.Errorf("duplicate id %s", id)
	}
	sc.Objects[id] = o
	return nil
}

// objectType is the Stripe object name of o ("charge", "invoice", …).
func objectType(o map[string]any) string {
	s, _ := o["object"].(string)
	return s
}

// fileName is where objects of type typ live: the plural of the type, as in
// Stripe's URLs (payouts.json, balance_transactions.json, …).
func fileName(typ string) string { return strings.ReplaceAll(typ, ".", "_") + "s.json" }

// writeDir writes objs (in the given order) grouped by type, one compact
// object per line: small enough to commit, still line-diffable.
func writeDir(dir string, order []string, objs map[string]map[string]any) error {
	byFile := map[string][]map[string]any{}
	for _, id := range order {
		o := objs[id]
		f := fileName(objectType(o))
		byFile[f] = append(byFile[f], o)
	}
	names := make([]string, 0, len(byFile))
	for f := range byFile {
		names = append(names, f)
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Remove stale files so a regenerated scenario has exactly these files.
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for _, f := range names {
		var buf bytes.Buffer
		buf.WriteString("[\n")
		for i, o := range byFile[f] {
			line, err := marshal(o)
			if err != nil {
				return fmt.Errorf("stripefake: encoding %v: %w", o["id"], err)
			}
			buf.Write(line)
			if i < len(byFile[f])-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString("]\n")
		if err := os.WriteFile(filepath.Join(dir, f), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// marshal encodes without HTML escaping, so descriptions read naturally.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ArrivalWindow spans the arrival dates of the scenario's payouts (UTC
// days), so a demo run can cover exactly the account's history.
func (sc *Scenario) ArrivalWindow() (from, to time.Time) {
	for _, o := range sc.Objects {
		if objectType(o) != "payout" {
			continue
		}
		n, ok := toInt64(o["arrival_date"])
		if !ok {
			continue
		}
		t := time.Unix(n, 0).UTC()
		if from.IsZero() || t.Before(from) {
			from = t
		}
		if t.After(to) {
			to = t
		}
	}
	return from, to
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

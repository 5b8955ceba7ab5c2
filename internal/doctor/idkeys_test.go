package doctor

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/sandbox"
	"github.com/spf13/viper"
)

// minimalYAML is a config that validates, to probe one key at a time.
const minimalYAML = `accounts:
  undeposited_funds: "1"
  bank:
    usd: "2"
`

// setAll sets every key of keys (map keys by their entry "usd") to value.
func setAll(v *viper.Viper, keys []config.Key, value string) {
	for _, k := range keys {
		if k.Map {
			v.Set(k.Name, map[string]any{"usd": value})
		} else {
			v.Set(k.Name, value)
		}
	}
}

// idKeys are the config keys (map keys by their "usd" entry) that hold a
// NetSuite internal ID, found by asking config validation rather than by
// a list: every key is set to something that is not an internal ID, and
// the keys validation rejects as "must be a NetSuite internal ID" are
// those.
func idKeys(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, k := range config.Keys() {
		if k.Secret || k.Name == "netsuite.defaults" {
			continue
		}
		v := config.New()
		setAll(v, []config.Key{k}, "not-an-id")
		_, err := config.Load(v, strings.NewReader(minimalYAML))
		var ce *config.Error
		if !errors.As(err, &ce) {
			continue
		}
		for _, p := range ce.Problems {
			if strings.Contains(p.Msg, "NetSuite internal ID") {
				out = append(out, p.Key)
			}
		}
	}
	if len(out) < 25 {
		t.Fatalf("only %d keys hold internal IDs (%v): the probe is broken", len(out), out)
	}
	return out
}

// Every config key that holds a NetSuite internal ID has a kind doctor
// checks, so a key added later cannot be forgotten.
func TestEveryIDKeyHasAKind(t *testing.T) {
	for _, key := range idKeys(t) {
		if _, ok := kindOf(key); !ok {
			t.Errorf("%s holds a NetSuite internal ID, but doctor does not know what it must be: add it to accountKinds or otherIDKinds", key)
		}
	}
	known := map[string]bool{}
	for _, k := range config.Keys() {
		known[k.Name] = true
	}
	for key := range otherIDKinds {
		if !known[key] {
			t.Errorf("otherIDKinds has %s, which is no config key", key)
		}
	}
	for key := range accountKinds {
		if !known[key] {
			t.Errorf("accountKinds has %s, which is no config key", key)
		}
	}
}

// With every internal ID of the sandbox config pointing at nothing, doctor
// fails one check per key, naming it: no key is skipped.
func TestDoctorChecksEveryIDKey(t *testing.T) {
	keys := idKeys(t)
	env, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	v := config.New()
	for _, key := range keys {
		if name, ok := strings.CutSuffix(key, ".usd"); ok {
			v.Set(name, map[string]any{"usd": "9999"})
		} else {
			v.Set(key, "9999")
		}
	}
	v.Set("ledger.path", filepath.Join(t.TempDir(), "ledger.db"))
	cfg, err := config.Load(v, strings.NewReader(env.ConfigYAML()))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.NetSuite.Auth
	ns, err := netsuite.New(netsuite.Config{AccountID: cfg.NetSuite.AccountID, BaseURL: cfg.NetSuite.BaseURL, MaxAttempts: 1,
		Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
			TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), Options{Config: cfg, NetSuite: ns})
	failedKeys := map[string]bool{}
	for _, c := range failed(r) {
		if strings.Contains(c.Detail, "9999") {
			failedKeys[c.Key] = true
		}
	}
	for _, key := range keys {
		if !failedKeys[key] {
			t.Errorf("%s points at no record, but doctor did not fail it", key)
		}
	}
}

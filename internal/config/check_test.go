package config

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckListsEverything: an unknown key does not stop the other checks,
// credentials are checked too, and a problem two checks find is listed once.
func TestCheckListsEverything(t *testing.T) {
	clearEnv(t)
	_, err := Check(New(), strings.NewReader(minimal+"stripe:\n  timout: 30s\nnetsuite:\n  concurrency: 0\n  auth:\n    method: x\n"))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	count := map[string]int{}
	for _, p := range ce.Problems {
		count[p.Key]++
	}
	for _, key := range []string{"stripe.timout", "netsuite.concurrency", "stripe.api_key", "netsuite.account_id", "netsuite.auth.method"} {
		if count[key] != 1 {
			t.Errorf("%s listed %d times, want once:\n%v", key, count[key], err)
		}
	}
	if _, err := Check(New(), strings.NewReader("accounts: [\n")); err == nil || !strings.Contains(err.Error(), "config file") {
		t.Errorf("malformed YAML: %v", err)
	}
}

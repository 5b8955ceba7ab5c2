package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stripe-api-key")
	if err := os.WriteFile(path, []byte("rk_test_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NSRECON_STRIPE_API_KEY_FILE", path)
	cfg, err := Parse(New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Stripe.APIKey.Reveal(); got != "rk_test_fromfile" {
		t.Errorf("stripe.api_key = %q, want the file's content without the newline", got)
	}

	t.Setenv("NSRECON_STRIPE_API_KEY", "rk_test_env")
	_, err = Parse(New(), nil)
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "both NSRECON_STRIPE_API_KEY and NSRECON_STRIPE_API_KEY_FILE") {
		t.Errorf("both set: err = %v, want a config error naming both", err)
	}

	t.Setenv("NSRECON_STRIPE_API_KEY", "")
	t.Setenv("NSRECON_STRIPE_API_KEY_FILE", filepath.Join(dir, "missing"))
	_, err = Parse(New(), nil)
	if err == nil || !strings.Contains(err.Error(), "stripe.api_key") || !strings.Contains(err.Error(), "NSRECON_STRIPE_API_KEY_FILE") {
		t.Errorf("missing file: err = %v, want it to name the key and the variable", err)
	}
}

func TestSearchPaths(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME is the user config directory on Linux")
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	paths := SearchPaths()
	if paths[0] != "nsrecon.yaml" {
		t.Errorf("first search path = %q, want ./nsrecon.yaml", paths[0])
	}
	found := false
	for _, p := range paths {
		found = found || p == filepath.Join("/xdg", "nsrecon", "config.yaml")
	}
	if !found {
		t.Errorf("search paths %v lack $XDG_CONFIG_HOME/nsrecon/config.yaml", paths)
	}
}

func TestExampleIsTheFile(t *testing.T) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if Example() != string(data) {
		t.Error("Example() differs from example.yaml")
	}
}

package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// minimal is the smallest file that validates.
const minimal = `
accounts:
  undeposited_funds: "122"
  bank:
    usd: "1"
`

// clearEnv makes tests independent of the developer's environment: any
// NSRECON_* or STRIPE_API_KEY variable is blanked for the test's duration.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix+"_") || name == "STRIPE_API_KEY" {
			t.Setenv(name, "")
			os.Unsetenv(name) // t.Setenv restores it afterwards
		}
	}
}

func load(t *testing.T, yaml string) (*Config, error) {
	t.Helper()
	return Load(New(), strings.NewReader(yaml))
}

func mustLoad(t *testing.T, yaml string) *Config {
	t.Helper()
	c, err := load(t, yaml)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestDefaults(t *testing.T) {
	clearEnv(t)
	c := mustLoad(t, minimal)
	if c.Stripe.APIBase != DefaultStripeAPIBase || c.Stripe.MaxRetries != 2 {
		t.Errorf("stripe defaults: %+v", c.Stripe)
	}
	if c.NetSuite.Concurrency != 5 || c.NetSuite.Timeout != time.Minute || c.NetSuite.Auth.Method != AuthTBA || c.NetSuite.Auth.Algorithm != AlgPS256 {
		t.Errorf("netsuite defaults: %+v", c.NetSuite)
	}
	if c.Ledger.Path != DefaultLedgerPath() || c.Ledger.Path == "" {
		t.Errorf("ledger.path = %q", c.Ledger.Path)
	}
	if c.Customers.Mode != CustomersCreate || c.Rules.OrphanRefund != OrphanHold || c.Webhook.Addr != DefaultWebhookAddr {
		t.Errorf("enum defaults: %+v %+v %+v", c.Customers, c.Rules, c.Webhook)
	}
	if c.Currencies == nil || c.Accounts.Categories == nil {
		t.Error("maps must be non-nil")
	}
}

// TestPrecedence checks flag > env > file > default for each kind of value.
func TestPrecedence(t *testing.T) {
	type layer struct{ flag, env, file string }
	tests := []struct {
		key    string
		layers layer
		want   any
		get    func(*Config) any
	}{
		{"netsuite.concurrency", layer{"7", "8", "9"}, 7, func(c *Config) any { return c.NetSuite.Concurrency }},
		{"netsuite.concurrency", layer{"", "8", "9"}, 8, func(c *Config) any { return c.NetSuite.Concurrency }},
		{"netsuite.concurrency", layer{"", "", "9"}, 9, func(c *Config) any { return c.NetSuite.Concurrency }},
		{"netsuite.concurrency", layer{"", "", ""}, 5, func(c *Config) any { return c.NetSuite.Concurrency }},
		{"netsuite.timeout", layer{"5s", "6s", "7s"}, 5 * time.Second, func(c *Config) any { return c.NetSuite.Timeout }},
		{"netsuite.timeout", layer{"", "6s", "7s"}, 6 * time.Second, func(c *Config) any { return c.NetSuite.Timeout }},
		{"netsuite.timeout", layer{"", "", "7s"}, 7 * time.Second, func(c *Config) any { return c.NetSuite.Timeout }},
		{"stripe.api_base", layer{"https://flag.example", "https://env.example", "https://file.example"}, "https://flag.example", func(c *Config) any { return c.Stripe.APIBase }},
		{"stripe.api_base", layer{"", "https://env.example", "https://file.example"}, "https://env.example", func(c *Config) any { return c.Stripe.APIBase }},
		{"stripe.api_base", layer{"", "", "https://file.example"}, "https://file.example", func(c *Config) any { return c.Stripe.APIBase }},
		{"stripe.api_base", layer{"", "", ""}, DefaultStripeAPIBase, func(c *Config) any { return c.Stripe.APIBase }},
		{"webhook.all_invoices", layer{"", "true", "false"}, true, func(c *Config) any { return c.Webhook.AllInvoices }},
		{"webhook.all_invoices", layer{"false", "true", "true"}, false, func(c *Config) any { return c.Webhook.AllInvoices }},
		{"classification.subsidiary", layer{"", "3", "2"}, "3", func(c *Config) any { return c.Classification.Subsidiary }},
		// Env-only key with no file entry: needs the registered default to be seen at all.
		{"items.refund", layer{"", "300", ""}, "300", func(c *Config) any { return c.Items.Refund }},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/flag=%q,env=%q,file=%q", tt.key, tt.layers.flag, tt.layers.env, tt.layers.file)
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			v := New()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			fs.String("value", "", "")
			if err := v.BindPFlag(tt.key, fs.Lookup("value")); err != nil {
				t.Fatal(err)
			}
			if tt.layers.flag != "" {
				if err := fs.Parse([]string{"--value=" + tt.layers.flag}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.layers.env != "" {
				t.Setenv(EnvName(tt.key), tt.layers.env)
			}
			file := minimal
			if tt.layers.file != "" {
				section, leaf, _ := strings.Cut(tt.key, ".")
				file += fmt.Sprintf("%s:\n  %s: %q\n", section, leaf, tt.layers.file)
			}
			c, err := Load(v, strings.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSetOverridesAll(t *testing.T) {
	clearEnv(t)
	t.Setenv("NSRECON_NETSUITE_CONCURRENCY", "8")
	v := New()
	v.Set("netsuite.concurrency", 3)
	c, err := Load(v, strings.NewReader(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.NetSuite.Concurrency != 3 {
		t.Errorf("concurrency = %d, want 3", c.NetSuite.Concurrency)
	}
}

func TestStripeAPIKeyEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"STRIPE_API_KEY": "sk_plain"}, "sk_plain"},
		{map[string]string{"NSRECON_STRIPE_API_KEY": "sk_prefixed"}, "sk_prefixed"},
		{map[string]string{"STRIPE_API_KEY": "sk_plain", "NSRECON_STRIPE_API_KEY": "sk_prefixed"}, "sk_prefixed"},
		{nil, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.env), func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c := mustLoad(t, minimal)
			if got := c.Stripe.APIKey.Reveal(); got != tt.want {
				t.Errorf("api key = %q, want %q", got, tt.want)
			}
			err := c.ValidateStripe()
			if (err == nil) != (tt.want != "") {
				t.Errorf("ValidateStripe() = %v", err)
			}
		})
	}
}

func TestMapFromFileAndJSONEnv(t *testing.T) {
	clearEnv(t)
	c := mustLoad(t, minimal+"currencies:\n  USD: 1\n  Eur: \"4\"\n")
	if want := map[string]string{"usd": "1", "eur": "4"}; !reflect.DeepEqual(c.Currencies, want) {
		t.Errorf("currencies = %v, want %v", c.Currencies, want)
	}

	// The environment replaces the file's whole map, as with any other key.
	t.Setenv("NSRECON_ACCOUNTS_BANK", `{"EUR":"2","gbp":3}`)
	c = mustLoad(t, minimal)
	if want := map[string]string{"eur": "2", "gbp": "3"}; !reflect.DeepEqual(c.Accounts.Bank, want) {
		t.Errorf("bank = %v, want %v", c.Accounts.Bank, want)
	}

	t.Setenv("NSRECON_ACCOUNTS_BANK", `usd=1`)
	_, err := load(t, minimal)
	assertProblem(t, err, "accounts.bank", `must be a map like usd: "1"`)
}

func TestNoFile(t *testing.T) {
	clearEnv(t)
	t.Setenv("NSRECON_ACCOUNTS_UNDEPOSITED_FUNDS", "122")
	t.Setenv("NSRECON_ACCOUNTS_BANK", `{"usd":"1"}`)
	c, err := Load(New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Accounts.UndepositedFunds != "122" || c.Accounts.Bank["usd"] != "1" {
		t.Errorf("accounts = %+v", c.Accounts)
	}
}

// assertProblem fails unless err is an *Error with a problem for key whose
// message contains msg.
func assertProblem(t *testing.T, err error, key, msg string) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *config.Error, got %T %v", err, err)
	}
	for _, p := range ce.Problems {
		if p.Key == key && strings.Contains(p.Msg, msg) {
			return
		}
	}
	t.Errorf("no problem %s: …%s… in:\n%v", key, msg, err)
}

func TestValidateMessages(t *testing.T) {
	tests := []struct {
		name, yaml, key, msg string
	}{
		{"concurrency zero", "netsuite:\n  concurrency: 0\n", "netsuite.concurrency", "must be between 1 and 100 (got 0)"},
		{"concurrency high", "netsuite:\n  concurrency: 101\n", "netsuite.concurrency", "must be between 1 and 100 (got 101)"},
		{"concurrency text", "netsuite:\n  concurrency: five\n", "netsuite.concurrency", `must be a whole number (got "five")`},
		{"timeout", "netsuite:\n  timeout: sixty\n", "netsuite.timeout", `must be a duration with a unit, like "60s" or "2m" (got "sixty")`},
		{"timeout bare number", "netsuite:\n  timeout: 60\n", "netsuite.timeout", "must be a duration with a unit"},
		{"timeout negative", "netsuite:\n  timeout: -1s\n", "netsuite.timeout", "must be at least 5s"},
		{"timeout too short", "netsuite:\n  timeout: 100ms\n", "netsuite.timeout", `must be at least 5s, like "60s" (got 100ms)`},
		{"stripe timeout too short", "stripe:\n  timeout: 1s\n", "stripe.timeout", `must be at least 5s, like "80s" (got 1s)`},
		{"max retries", "stripe:\n  max_retries: 11\n", "stripe.max_retries", "must be between 0 and 10 (got 11)"},
		{"api base", "stripe:\n  api_base: api.stripe.com\n", "stripe.api_base", "must be an absolute http(s) URL"},
		{"base url", "netsuite:\n  base_url: ftp://x\n", "netsuite.base_url", "must be an absolute http(s) URL"},
		{"account id", "netsuite:\n  account_id: 123456-sb1\n", "netsuite.account_id", "e.g. 123456_SB1"},
		{"auth method", "netsuite:\n  auth:\n    method: oauth\n", "netsuite.auth.method", `must be one of tba, m2m (got "oauth")`},
		{"algorithm", "netsuite:\n  auth:\n    algorithm: RS256\n", "netsuite.auth.algorithm", `must be one of PS256, ES256 (got "RS256")`},
		{"bool", "webhook:\n  all_invoices: maybe\n", "webhook.all_invoices", "must be true or false"},
		{"webhook addr", "webhook:\n  addr: localhost\n", "webhook.addr", "must be host:port"},
		{"ledger path", "ledger:\n  path: \"\"\n", "ledger.path", "must not be empty"},
		{"fee account name", "accounts:\n  stripe_fees: Stripe Fees\n", "accounts.stripe_fees", `digits only, e.g. "42"), not a name or number (got "Stripe Fees")`},
		{"bank currency", "accounts:\n  bank:\n    dollars: \"1\"\n", "accounts.bank.dollars", "3-letter currency code"},
		{"bank id", "accounts:\n  bank:\n    gbp: Barclays\n", "accounts.bank.gbp", "must be a NetSuite internal ID"},
		{"bank not map", "accounts:\n  bank: \"1\"\n", "accounts.bank", `must be a map like usd: "1"`},
		{"category name", "accounts:\n  categories:\n    Platform-Earning: \"1\"\n", "accounts.categories.platform-earning", "reporting_category"},
		{"category empty", "accounts:\n  categories:\n    transfer: \"\"\n", "accounts.categories.transfer", "required"},
		{"currency key", "currencies:\n  euro: \"1\"\n", "currencies.euro", "3-letter currency code"},
		{"item", "items:\n  refund: R1\n", "items.refund", "must be a NetSuite internal ID"},
		{"customers mode", "customers:\n  mode: merge\n", "customers.mode", `must be one of create, match_email, global (got "merge")`},
		{"global customer", "customers:\n  mode: global\n", "customers.global_id", "customers.mode is global"},
		{"subsidiary", "classification:\n  subsidiary: US Inc\n", "classification.subsidiary", "must be a NetSuite internal ID"},
		{"orphan rule", "rules:\n  orphan_refund: ignore\n", "rules.orphan_refund", `must be one of hold, deposit_line (got "ignore")`},
		{"orphan account", "rules:\n  orphan_refund: deposit_line\n", "rules.orphan_account", "rules.orphan_refund is deposit_line"},
		{"section scalar", "netsuite: 5\n", "netsuite", "line 6: must be a section of keys"},
		{"leaf list", "items:\n  tax: [1, 2]\n", "items.tax", "must be a single value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			yaml := minimal + tt.yaml
			if rest, ok := strings.CutPrefix(tt.yaml, "accounts:\n"); ok {
				// YAML forbids a second accounts: section.
				yaml = "accounts:\n  undeposited_funds: \"122\"\n" + rest
			}
			_, err := load(t, yaml)
			assertProblem(t, err, tt.key, tt.msg)
		})
	}
}

func TestRequiredAccounts(t *testing.T) {
	clearEnv(t)
	_, err := load(t, "")
	assertProblem(t, err, "accounts.undeposited_funds", "Undeposited Funds")
	assertProblem(t, err, "accounts.bank", `set a NetSuite bank account for each payout currency, e.g. accounts.bank.usd: "1"`)
}

// TestEveryProblemListed checks problems are collected, not first-only.
func TestEveryProblemListed(t *testing.T) {
	clearEnv(t)
	_, err := load(t, "netsuite:\n  concurrency: 0\n  timeout: x\n  consurrency: 3\ncustomers:\n  mode: x\n")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	var keys []string
	for _, p := range ce.Problems {
		keys = append(keys, p.Key)
	}
	sort.Strings(keys)
	want := []string{"accounts.bank", "accounts.undeposited_funds", "customers.mode", "netsuite.concurrency", "netsuite.consurrency", "netsuite.timeout"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("problem keys = %v, want %v", keys, want)
	}
	if !strings.HasPrefix(err.Error(), "config: 6 problems:\n  ") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestUnknownKeys(t *testing.T) {
	tests := []struct{ yaml, key, msg string }{
		{"netsuite:\n  concurency: 5\n", "netsuite.concurency", "unknown key (line 7); did you mean netsuite.concurrency?"},
		{"stripe:\n  apikey: x\n", "stripe.apikey", "did you mean stripe.api_key?"},
		{"acounts:\n  stripe_fees: \"1\"\n", "acounts", "did you mean accounts?"},
		{"colour: blue\n", "colour", "unknown key (line 6)"},
		{"netsuite:\n  auth:\n    token: x\n", "netsuite.auth.token", "unknown key (line 8); did you mean netsuite.auth.token_id?"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			clearEnv(t)
			_, err := load(t, minimal+tt.yaml)
			assertProblem(t, err, tt.key, tt.msg)
		})
	}
}

func TestMalformedYAML(t *testing.T) {
	clearEnv(t)
	_, err := load(t, "accounts:\n  bank:\n    usd: \"1\n  x: [\n")
	if err == nil || !strings.Contains(err.Error(), "line") {
		t.Fatalf("want an error naming the line, got %v", err)
	}
	// A broken file is a configuration error (exit 2), named as such.
	var ce *Error
	if !errors.As(err, &ce) || ce.Problems[0].Key != "config file" {
		t.Errorf("want a *config.Error for the config file, got %v", err)
	}
}

func TestCleartextAndCredentialURLsRejected(t *testing.T) {
	clearEnv(t)
	for _, c := range []struct{ yaml, want string }{
		{"stripe:\n  api_base: http://10.1.2.3\n", "stripe.api_base: plain http://"},
		{"netsuite:\n  base_url: http://example.com\n", "netsuite.base_url: plain http://"},
		{"netsuite:\n  base_url: https://u:secretpw@example.com\n", "must not carry credentials"},
	} {
		_, err := load(t, c.yaml)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "secretpw") {
			t.Errorf("%q: got %v, want %q without the password", c.yaml, err, c.want)
		}
	}
	ok := "stripe:\n  api_base: http://127.0.0.1:12111\naccounts:\n  undeposited_funds: \"1\"\n  bank:\n    usd: \"2\"\n"
	if _, err := load(t, ok); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
}

// TestParseSkipsBusinessRules: commands that read the ledger or show the
// config work before the mappings are set, but not with typos.
func TestParseSkipsBusinessRules(t *testing.T) {
	clearEnv(t)
	if _, err := Parse(New(), strings.NewReader("ledger:\n  path: /tmp/x.db\n")); err != nil {
		t.Errorf("Parse of an incomplete config: %v", err)
	}
	if _, err := Parse(New(), strings.NewReader("ledgr:\n  path: /tmp/x.db\n")); err == nil {
		t.Error("Parse accepted an unknown key")
	}
}

func TestValidateForPush(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		yaml string
		want []string // "key: message fragment"; none = valid
	}{
		{"tba complete", map[string]string{
			"NSRECON_NETSUITE_AUTH_CONSUMER_KEY": "ck", "NSRECON_NETSUITE_AUTH_CONSUMER_SECRET": "cs",
			"NSRECON_NETSUITE_AUTH_TOKEN_ID": "ti", "NSRECON_NETSUITE_AUTH_TOKEN_SECRET": "ts",
		}, "netsuite:\n  account_id: 123456_SB1\n", nil},
		{"tba missing", map[string]string{"NSRECON_NETSUITE_AUTH_CONSUMER_KEY": "ck"}, "", []string{
			"netsuite.account_id: required to push",
			"netsuite.auth.consumer_secret: required for netsuite.auth.method tba",
			"netsuite.auth.token_id: required for netsuite.auth.method tba",
			"netsuite.auth.token_secret: required for netsuite.auth.method tba",
		}},
		{"m2m complete", map[string]string{"NSRECON_NETSUITE_AUTH_CLIENT_ID": "cid"},
			"netsuite:\n  account_id: \"123456\"\n  auth:\n    method: m2m\n    certificate_id: abc\n    private_key_file: " + keyFile + "\n", nil},
		{"m2m missing", nil, "netsuite:\n  account_id: \"123456\"\n  auth:\n    method: M2M\n", []string{
			"netsuite.auth.client_id: required for netsuite.auth.method m2m",
			"netsuite.auth.certificate_id: required",
			"netsuite.auth.private_key_file: required",
		}},
		{"m2m unreadable key", map[string]string{"NSRECON_NETSUITE_AUTH_CLIENT_ID": "cid"},
			"netsuite:\n  account_id: \"123456\"\n  auth:\n    method: m2m\n    certificate_id: abc\n    private_key_file: /nonexistent/key.pem\n",
			[]string{`netsuite.auth.private_key_file: cannot read "/nonexistent/key.pem": no such file or directory`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c := mustLoad(t, minimal+tt.yaml)
			err := c.ValidateForPush()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("ValidateForPush: %v", err)
				}
				return
			}
			if n := len(err.(*Error).Problems); n != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", n, len(tt.want), err)
			}
			for _, w := range tt.want {
				key, msg, _ := strings.Cut(w, ": ")
				assertProblem(t, err, key, msg)
			}
		})
	}
}

func TestValidateWebhook(t *testing.T) {
	for secret, ok := range map[string]bool{"": false, "sk_live_oops": false, "whsec_abc": true} {
		clearEnv(t)
		t.Setenv("NSRECON_WEBHOOK_SECRET", secret)
		c := mustLoad(t, minimal)
		err := c.ValidateWebhook()
		if (err == nil) != ok {
			t.Errorf("secret %q: ValidateWebhook() = %v", secret, err)
		}
		if err != nil && secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
}

func TestBaseURLOrDefault(t *testing.T) {
	tests := []struct{ account, base, want string }{
		{"123456_SB1", "", "https://123456-sb1.suitetalk.api.netsuite.com"},
		{"TSTDRV123", "", "https://tstdrv123.suitetalk.api.netsuite.com"},
		{"123456", "http://127.0.0.1:9000/", "http://127.0.0.1:9000"},
		{"", "", ""},
	}
	for _, tt := range tests {
		c := NetSuiteConfig{AccountID: tt.account, BaseURL: tt.base}
		if got := c.BaseURLOrDefault(); got != tt.want {
			t.Errorf("BaseURLOrDefault(%q, %q) = %q, want %q", tt.account, tt.base, got, tt.want)
		}
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	clearEnv(t)
	const key = "sk_test_supersecret"
	t.Setenv("STRIPE_API_KEY", key)
	t.Setenv("NSRECON_NETSUITE_AUTH_TOKEN_SECRET", "tok_supersecret")
	t.Setenv("NSRECON_WEBHOOK_SECRET", "whsec_supersecret")
	c := mustLoad(t, minimal)

	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "key", c.Stripe.APIKey, "auth", c.NetSuite.Auth)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	red, err := json.Marshal(c.Redacted())
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
		//lint:ignore S1025 the test is that fmt's %s path redacts
		"%s":   fmt.Sprintf("%s", c.Stripe.APIKey),
		"slog": logs.String(), "json": string(js), "redacted": string(red),
	}
	for how, out := range outputs {
		if strings.Contains(out, "supersecret") {
			t.Errorf("%s leaks a secret: %s", how, out)
		}
	}
	if !strings.Contains(outputs["redacted"], `"api_key":"***"`) || !strings.Contains(outputs["redacted"], `"token_secret":"***"`) {
		t.Errorf("redacted should show set secrets as ***: %s", outputs["redacted"])
	}
	if !strings.Contains(outputs["redacted"], `"consumer_key":""`) {
		t.Errorf("redacted should show unset secrets as empty: %s", outputs["redacted"])
	}

	// A bad value for a secret key must not be echoed in the error.
	os.Unsetenv("STRIPE_API_KEY") // else the environment wins over the file
	_, err = Load(New(), strings.NewReader(minimal+"stripe:\n  api_key: [sk_live_inlist]\n"))
	assertProblem(t, err, "stripe.api_key", "must be a single value")
	if strings.Contains(err.Error(), "sk_live_inlist") {
		t.Errorf("error leaks the secret: %v", err)
	}
}

// TestKeysTableComplete keeps Keys, the Config struct and Redacted in step.
func TestKeysTableComplete(t *testing.T) {
	clearEnv(t)
	var fromKeys []string
	secrets := map[string]bool{}
	for _, k := range Keys() {
		fromKeys = append(fromKeys, k.Name)
		if k.Doc == "" {
			t.Errorf("%s has no doc", k.Name)
		}
		secrets[k.Name] = k.Secret
	}
	sort.Strings(fromKeys)

	var fromStruct []string
	structKeys(reflect.TypeOf(Config{}), "", &fromStruct)
	for k := range mustLoad(t, minimal).Accounts.Lines {
		fromStruct = append(fromStruct, k)
	}
	sort.Strings(fromStruct)
	if !reflect.DeepEqual(fromKeys, fromStruct) {
		t.Errorf("Keys() and Config disagree:\nkeys:   %v\nstruct: %v", fromKeys, fromStruct)
	}

	var fromRedacted []string
	flatKeys(mustLoad(t, minimal).Redacted(), "", &fromRedacted)
	sort.Strings(fromRedacted)
	if !reflect.DeepEqual(fromKeys, fromRedacted) {
		t.Errorf("Keys() and Redacted disagree:\nkeys:     %v\nredacted: %v", fromKeys, fromRedacted)
	}

	// Secret-ness in the table matches the Go type.
	secretType := reflect.TypeOf(Secret(""))
	var walk func(reflect.Type, string)
	walk = func(rt reflect.Type, prefix string) {
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			name := prefix + f.Tag.Get("mapstructure")
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, name+".")
				continue
			}
			if (f.Type == secretType) != secrets[name] {
				t.Errorf("%s: Secret type %v, table says secret %v", name, f.Type == secretType, secrets[name])
			}
		}
	}
	walk(reflect.TypeOf(Config{}), "")
}

func structKeys(rt reflect.Type, prefix string, out *[]string) {
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tag := f.Tag.Get("mapstructure")
		if tag == "-" {
			continue // filled apart from the decoder (AccountsConfig.Lines)
		}
		name := prefix + tag
		if f.Type.Kind() == reflect.Struct {
			structKeys(f.Type, name+".", out)
			continue
		}
		*out = append(*out, name)
	}
}

func flatKeys(m map[string]any, prefix string, out *[]string) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatKeys(sub, prefix+k+".", out)
			continue
		}
		*out = append(*out, prefix+k)
	}
}

func TestExampleFile(t *testing.T) {
	clearEnv(t)
	f, err := os.Open("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Load(New(), f)
	if err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	if c.NetSuite.AccountID != "123456_SB1" || c.Accounts.Bank["eur"] != "2" || c.Accounts.Categories["platform_earning"] != "612" {
		t.Errorf("example.yaml not read as expected: %+v", c)
	}

	// Every non-secret key appears in the example, so it stays complete.
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		parts := strings.Split(k.Name, ".")
		leaf := parts[len(parts)-1]
		if !strings.Contains(string(data), leaf+":") && !strings.Contains(string(data), k.Name) {
			t.Errorf("example.yaml does not mention %s", k.Name)
		}
	}
}

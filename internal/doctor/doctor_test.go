package doctor

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/sandbox"
)

// diagnose runs doctor against the sandbox's fakes with the sandbox config,
// changed by mutate, and the fake NetSuite's account changed by account.
func diagnose(t *testing.T, mutate func(*config.Config), account func(*nsfake.Options)) *Result {
	t.Helper()
	env, err := sandbox.Start(context.Background(), sandbox.Options{NetSuiteAccount: account})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	cfg := env.Config()
	cfg.Ledger.Path = filepath.Join(t.TempDir(), "ledger.db")
	if mutate != nil {
		mutate(cfg)
	}
	a := cfg.NetSuite.Auth
	ns, err := netsuite.New(netsuite.Config{AccountID: cfg.NetSuite.AccountID, BaseURL: cfg.NetSuite.BaseURL, MaxAttempts: 1,
		Auth: netsuite.AuthConfig{ConsumerKey: a.ConsumerKey.Reveal(), ConsumerSecret: a.ConsumerSecret.Reveal(),
			TokenID: a.TokenID.Reveal(), TokenSecret: a.TokenSecret.Reveal()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), Options{Config: cfg, NetSuite: ns})
}

func failed(r *Result) []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// TestSandboxPasses: the sandbox config is what a working config looks
// like: every check passes, exit 0.
func TestSandboxPasses(t *testing.T) {
	r := diagnose(t, nil, nil)
	if f := failed(r); len(f) != 0 || r.ExitCode() != outcome.ExitOK {
		t.Fatalf("failed checks: %+v", f)
	}
	if len(r.Checks) < 30 {
		t.Errorf("only %d checks", len(r.Checks))
	}
}

// TestEachCheckCatchesAWrongSetting: one deliberately wrong setting per
// check; doctor fails exactly that check, naming its key, with a fix, and
// exits 2 (configuration) or 4 (credentials).
func TestEachCheckCatchesAWrongSetting(t *testing.T) {
	for _, c := range []struct {
		name    string
		mutate  func(*config.Config)
		account func(*nsfake.Options)
		key     string // of the one failed check
		detail  string
		exit    int
	}{
		{"stripe key", func(c *config.Config) { c.Stripe.APIKey = "sk_test_wrong" }, nil, "stripe.api_key", "refused the key", outcome.ExitAuth},
		{"netsuite login", func(c *config.Config) { c.NetSuite.Auth.TokenSecret = "wrong" }, nil, "netsuite.auth", "refused the login", outcome.ExitAuth},
		{"role may not write payments", nil, func(o *nsfake.Options) { o.Permissions = map[string]string{"customerPayment": "view"} },
			"netsuite.auth", "customerPayment", outcome.ExitAuth},
		{"bank is an expense account", func(c *config.Config) { c.Accounts.Bank["usd"] = "300" }, nil, "accounts.bank.usd", "is an Expense account", outcome.ExitUsage},
		{"bank in another currency", func(c *config.Config) { c.Accounts.Bank["usd"] = "201" }, nil, "accounts.bank.usd", "currencies.usd is 1", outcome.ExitUsage},
		{"undeposited funds is a bank", func(c *config.Config) { c.Accounts.UndepositedFunds = "200" }, nil, "accounts.undeposited_funds", "must be OthCurrAsset", outcome.ExitUsage},
		{"fees to income", func(c *config.Config) { c.Accounts.StripeFees = "313" }, nil, "accounts.stripe_fees", "is an Income account", outcome.ExitUsage},
		{"income account is an expense", func(c *config.Config) { c.Items.IncomeAccount = "300" }, nil, "items.income_account", "must be Income", outcome.ExitUsage},
		{"missing account", func(c *config.Config) { c.Accounts.FXDifference = "9999" }, nil, "accounts.fx_difference", "no account has internal ID 9999", outcome.ExitUsage},
		{"category account missing", func(c *config.Config) { c.Accounts.Categories["transfer"] = "9998" }, nil, "accounts.categories.transfer", "9998", outcome.ExitUsage},
		{"refund item is an account", func(c *config.Config) { c.Items.Refund = "100" }, nil, "items.refund", "serviceSaleItem", outcome.ExitUsage},
		{"currency symbol", func(c *config.Config) { c.Currencies["gbp"] = "2" }, nil, "currencies.gbp", "is EUR, not GBP", outcome.ExitUsage},
		{"subsidiary", func(c *config.Config) { c.Classification.Subsidiary = "77" }, nil, "classification.subsidiary", "no subsidiary", outcome.ExitUsage},
		{"tax code is a schedule", func(c *config.Config) { c.Items.TaxCode = "451" }, nil, "items.tax_code", "salesTaxItem or taxGroup", outcome.ExitUsage},
		{"tax schedule is a code", func(c *config.Config) { c.Items.TaxSchedule = "450" }, nil, "items.tax_schedule", "no taxSchedule", outcome.ExitUsage},
		{"global customer", func(c *config.Config) { c.Customers.GlobalID = "12345" }, nil, "customers.global_id", "no customer", outcome.ExitUsage},
		{"ledger not writable", func(c *config.Config) { c.Ledger.Path = "/dev/null/nsrecon/ledger.db" }, nil, "ledger.path", "", outcome.ExitUsage},
		{"webhook without secret", func(c *config.Config) { c.Webhook.Addr = "127.0.0.1:9999" }, nil, "webhook.secret", "not set", outcome.ExitUsage},
		{"webhook events all without secret", func(c *config.Config) { c.Webhook.Events = config.EventsAll }, nil, "webhook.secret", "not set", outcome.ExitUsage},
		{"customer balance item is an account", func(c *config.Config) { c.Items.CustomerBalance = "100" }, nil, "items.customer_balance", "serviceSaleItem", outcome.ExitUsage},
		{"over-refund account is a bank", func(c *config.Config) { c.Accounts.OverRefund = "200" }, nil, "accounts.over_refund", "is a Bank account", outcome.ExitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := diagnose(t, c.mutate, c.account)
			f := failed(r)
			if len(f) == 0 {
				t.Fatal("every check passed")
			}
			// A refused Stripe key fails each resource; a wrong login
			// stops there; otherwise exactly one check fails.
			if c.key != "stripe.api_key" && len(f) != 1 {
				t.Errorf("%d checks failed: %+v", len(f), f)
			}
			if f[0].Key != c.key || !strings.Contains(f[0].Detail+" "+f[0].Name, c.detail) || f[0].Fix == "" {
				t.Errorf("failed check %+v, want key %s with %q and a fix", f[0], c.key, c.detail)
			}
			if got := r.ExitCode(); got != c.exit {
				t.Errorf("exit %d, want %d", got, c.exit)
			}
		})
	}
}

// TestSandboxTaxSettingsPass: the tax code and schedule the sandbox's
// NetSuite has pass when mapped.
func TestSandboxTaxSettingsPass(t *testing.T) {
	r := diagnose(t, func(c *config.Config) { c.Items.TaxCode, c.Items.TaxSchedule = "450", "451" }, nil)
	if f := failed(r); len(f) != 0 {
		t.Fatalf("%+v", f)
	}
}

// Package sandbox runs the project's fake Stripe (serving the built-in demo
// account) and fake NetSuite on loopback, with a config that points nsrecon
// at them exactly as at real accounts.
package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

// Sandbox credentials. They only open the local fakes.
const (
	AccountID      = "1234567_SB1"
	StripeKey      = "sk_test_nsrecon_sandbox"
	ConsumerKey    = "sandbox-consumer-key"
	ConsumerSecret = "sandbox-consumer-secret"
	TokenID        = "sandbox-token-id"
	TokenSecret    = "sandbox-token-secret"
)

// The sandbox chart of accounts and items (NetSuite internal IDs), preloaded
// into the fake NetSuite and mapped in the sandbox config.
var (
	accounts = map[string]account{
		"100": {"Undeposited Funds", "OthCurrAsset", ""},
		"200": {"Stripe Bank (USD)", "Bank", "1"}, "201": {"Stripe Bank (EUR)", "Bank", "2"},
		"202": {"Stripe Bank (JPY)", "Bank", "4"}, "203": {"Stripe Bank (KWD)", "Bank", "5"},
		"300": {"Stripe Fees", "Expense", ""}, "301": {"Tax on Stripe Fees", "Expense", ""},
		"302": {"Application Fees", "Income", ""}, "303": {"Dispute Fees", "Expense", ""},
		"304": {"FX Rounding", "OthExpense", ""}, "310": {"Stripe Adjustments", "OthExpense", ""},
		"311": {"Disputes Won", "OthIncome", ""}, "312": {"Stripe Balance Movements", "OthCurrAsset", ""},
		"313": {"Sales Income", "Income", ""}, "314": {"Discounts Given", "Income", ""},
		"315": {"Currency Rounding", "OthExpense", ""},
		"316": {"Refunds Beyond Payments", "OthExpense", ""},
		"317": {"Refunds and Disputes", "Income", ""}, "318": {"Sales Tax Payable", "OthCurrLiab", ""}, // summary mode
	}
	items = map[string]string{"400": "Stripe Refund", "401": "Stripe Tax", "402": "Stripe Sales", "403": "Stripe Customer Balance"}
	// NetSuite currency internal IDs (1 is the base currency).
	currencies = map[string]string{"1": "USD", "2": "EUR", "3": "GBP", "4": "JPY", "5": "KWD"}
)

// account is a sandbox account: its name, NetSuite account type and, for
// bank accounts, currency internal ID.
type account struct{ name, acctType, currency string }

// Options tune the fake NetSuite.
type Options struct {
	StripeAddr, NetSuiteAddr   string // default 127.0.0.1:0
	Concurrency                int    // fake NetSuite's limit (default 5)
	Latency, Jitter            time.Duration
	Rate429, Rate5xx, RateDrop float64
	Seed                       int64
	Logger                     *slog.Logger
	// Scenario replaces the demo account (tests serve their own).
	Scenario *stripefake.Scenario
	// NetSuiteAccount, if set, adjusts the fake NetSuite's options (tests
	// model an account's features).
	NetSuiteAccount func(*nsfake.Options)
}

// Env is a running sandbox.
type Env struct {
	StripeURL, NetSuiteURL string
	Stripe                 *stripefake.Server
	NetSuite               *nsfake.Server
	scenario               *stripefake.Scenario
	cancel                 context.CancelFunc
}

// Start starts both fakes; Close stops them.
func Start(ctx context.Context, opts Options) (*Env, error) {
	if opts.StripeAddr == "" {
		opts.StripeAddr = "127.0.0.1:0"
	}
	if opts.NetSuiteAddr == "" {
		opts.NetSuiteAddr = "127.0.0.1:0"
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = 5
	}
	sc := opts.Scenario
	if sc == nil {
		sc = stripefake.Sandbox()
	}
	var err error
	ctx, cancel := context.WithCancel(ctx)
	e := &Env{scenario: sc, cancel: cancel}
	e.Stripe = stripefake.New(sc, StripeKey)
	if e.StripeURL, err = stripefake.ListenAndServe(ctx, opts.StripeAddr, e.Stripe); err != nil {
		cancel()
		return nil, fmt.Errorf("sandbox: fake Stripe: %w", err)
	}
	nso := nsfake.Options{
		AccountID: AccountID, ConsumerKey: ConsumerKey, ConsumerSecret: ConsumerSecret,
		TokenID: TokenID, TokenSecret: TokenSecret, Concurrency: opts.Concurrency,
		Latency: opts.Latency, Jitter: opts.Jitter, Seed: opts.Seed,
		Rate429: opts.Rate429, Rate5xx: opts.Rate5xx, RateDrop: opts.RateDrop,
		UndepositedFunds: "100", DefaultCurrency: "1",
	}
	if opts.NetSuiteAccount != nil {
		opts.NetSuiteAccount(&nso)
	}
	e.NetSuite = nsfake.New(nso)
	for id, a := range accounts {
		fields := map[string]any{"acctName": a.name, "acctType": map[string]any{"id": a.acctType}}
		if a.currency != "" {
			fields["currency"] = map[string]any{"id": a.currency}
		}
		e.NetSuite.Preload("account", id, fields)
	}
	for id, code := range currencies {
		e.NetSuite.Preload("currency", id, map[string]any{"symbol": code})
	}
	for id, name := range items {
		e.NetSuite.Preload("serviceSaleItem", id, map[string]any{"itemId": name})
	}
	// Tax: a legacy tax code and a tax schedule (items.tax_code and
	// items.tax_schedule, unset in the sandbox config).
	e.NetSuite.Preload("salesTaxItem", "450", map[string]any{"itemId": "Not Taxable", "rate": "0%"})
	e.NetSuite.Preload("taxSchedule", "451", map[string]any{"name": "Stripe services"})
	if e.NetSuiteURL, err = nsfake.ListenAndServe(ctx, opts.NetSuiteAddr, e.NetSuite); err != nil {
		cancel()
		return nil, fmt.Errorf("sandbox: fake NetSuite: %w", err)
	}
	return e, nil
}

// Close stops both servers.
func (e *Env) Close() { e.cancel() }

// Window is the span of the demo account's payout arrival dates.
func (e *Env) Window() (from, to time.Time) {
	return e.scenario.ArrivalWindow()
}

// Config is a complete, valid config for the sandbox.
func (e *Env) Config() *config.Config {
	cfg, err := config.Load(config.New(), strings.NewReader(e.ConfigYAML()))
	if err != nil {
		// The YAML is ours; failing to load it is a bug, caught by tests.
		panic(fmt.Sprintf("sandbox config does not load: %v", err))
	}
	return cfg
}

// ConfigYAML is the sandbox config as a file a person can save and use.
func (e *Env) ConfigYAML() string { return ConfigYAML(e.StripeURL, e.NetSuiteURL) }

// ConfigYAML is the sandbox config for fakes at the given URLs.
func ConfigYAML(stripeURL, netsuiteURL string) string {
	var cats []string
	for _, r := range category.All() {
		if r.Sandbox != "" && r.Booking == category.DepositLine {
			cats = append(cats, fmt.Sprintf("    %s: %q", r.Name, r.Sandbox))
		}
	}
	sort.Strings(cats)
	return fmt.Sprintf(`# nsrecon sandbox: a fake Stripe account and a fake NetSuite on loopback.
stripe:
  api_key: %q
  api_base: %q
netsuite:
  account_id: %q
  base_url: %q
  concurrency: 5
  auth:
    method: tba
    consumer_key: %q
    consumer_secret: %q
    token_id: %q
    token_secret: %q
accounts:
  undeposited_funds: "100"
  bank:
    usd: "200"
    eur: "201"
    jpy: "202"
    kwd: "203"
%s
  application_fees: "302"
  dispute_fees: "303"
  fx_difference: "304"
  over_refund: "316"
  rounding: "315"
  sales: "313"
  refunds: "317"
  sales_tax: "318"
  categories:
%s
items:
  refund: "400"
  tax: "401"
  income_account: "313"
  discount_account: "314"
  customer_balance: "403"
currencies:
  usd: "1"
  eur: "2"
  gbp: "3"
  jpy: "4"
  kwd: "5"
customers:
  mode: create
`, StripeKey, stripeURL, AccountID, netsuiteURL, ConsumerKey, ConsumerSecret, TokenID, TokenSecret, accountLines(), strings.Join(cats, "\n"))
}

// accountLines are the sandbox's accounts for categories whose lines post
// to a key of their own.
func accountLines() string {
	var lines []string
	for _, r := range category.AccountKeys() {
		if r.Sandbox != "" {
			lines = append(lines, fmt.Sprintf("  %s: %q", strings.TrimPrefix(r.Key, "accounts."), r.Sandbox))
		}
	}
	return strings.Join(lines, "\n")
}

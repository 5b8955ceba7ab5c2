// Package config turns flags, NSRECON_* environment variables, a YAML file
// and defaults (in that order of precedence) into one typed, validated
// Config. It holds no package-level state: callers pass their own viper.
package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is nsrecon's whole configuration. See Keys for every key's meaning
// and default, and example.yaml for a commented file.
type Config struct {
	Stripe         StripeConfig         `mapstructure:"stripe"`
	NetSuite       NetSuiteConfig       `mapstructure:"netsuite"`
	Ledger         LedgerConfig         `mapstructure:"ledger"`
	Accounts       AccountsConfig       `mapstructure:"accounts"`
	Items          ItemsConfig          `mapstructure:"items"`
	Customers      CustomersConfig      `mapstructure:"customers"`
	Classification ClassificationConfig `mapstructure:"classification"`
	// Currencies maps a lower-case currency code to NetSuite's currency
	// internal ID.
	Currencies map[string]string `mapstructure:"currencies"`
	Rules      RulesConfig       `mapstructure:"rules"`
	Webhook    WebhookConfig     `mapstructure:"webhook"`
	Notify     NotifyConfig      `mapstructure:"notify"`
	Reconcile  ReconcileConfig   `mapstructure:"reconcile"` // volume.go
}

// StripeConfig is how nsrecon reaches Stripe.
type StripeConfig struct {
	APIKey     Secret `mapstructure:"api_key"`
	APIBase    string `mapstructure:"api_base"`
	MaxRetries int    `mapstructure:"max_retries"`
	// Timeout bounds one Stripe request (each attempt).
	Timeout time.Duration `mapstructure:"timeout"`
	// WriteBack writes NetSuite internal IDs into Stripe metadata.
	WriteBack bool `mapstructure:"write_back"`
}

// NetSuiteConfig is how nsrecon reaches NetSuite.
type NetSuiteConfig struct {
	AccountID   string        `mapstructure:"account_id"`
	BaseURL     string        `mapstructure:"base_url"`
	Concurrency int           `mapstructure:"concurrency"`
	Timeout     time.Duration `mapstructure:"timeout"`
	// BaseCurrency is the subsidiary's base currency (lower-case); "" means
	// "assume the payout currency".
	BaseCurrency string `mapstructure:"base_currency"`
	// RevenueRecognition: subscription invoice lines carry Stripe's period
	// as revenue recognition start and end dates (Advanced Revenue
	// Management).
	RevenueRecognition bool       `mapstructure:"revenue_recognition"`
	Auth               AuthConfig `mapstructure:"auth"`
	// Batch and BatchSize: NetSuite async batches (volume.go).
	Batch     string `mapstructure:"batch"`
	BatchSize int    `mapstructure:"batch_size"`
	// Defaults are merged into every record body of a type (FieldDefaults).
	Defaults FieldDefaults `mapstructure:"defaults"`
}

// AuthConfig holds the credentials of one of the two NetSuite auth methods.
type AuthConfig struct {
	Method string `mapstructure:"method"` // AuthTBA or AuthM2M

	// Token-based authentication (OAuth 1.0a).
	ConsumerKey    Secret `mapstructure:"consumer_key"`
	ConsumerSecret Secret `mapstructure:"consumer_secret"`
	TokenID        Secret `mapstructure:"token_id"`
	TokenSecret    Secret `mapstructure:"token_secret"`

	// OAuth 2.0 machine-to-machine (client credentials, JWT assertion).
	ClientID       Secret `mapstructure:"client_id"`
	CertificateID  string `mapstructure:"certificate_id"`
	PrivateKeyFile string `mapstructure:"private_key_file"`
	Algorithm      string `mapstructure:"algorithm"` // AlgPS256 or AlgES256
}

// LedgerConfig locates the local sync ledger.
type LedgerConfig struct {
	Path string `mapstructure:"path"`
}

// AccountsConfig holds NetSuite account internal IDs.
type AccountsConfig struct {
	UndepositedFunds string            `mapstructure:"undeposited_funds"`
	Bank             map[string]string `mapstructure:"bank"` // lower-case currency → account
	StripeFees       string            `mapstructure:"stripe_fees"`
	FeeTax           string            `mapstructure:"fee_tax"`
	ApplicationFees  string            `mapstructure:"application_fees"`
	DisputeFees      string            `mapstructure:"dispute_fees"`
	FXDifference     string            `mapstructure:"fx_difference"`
	OverRefund       string            `mapstructure:"over_refund"`
	Rounding         string            `mapstructure:"rounding"`   // rules.rounding: account
	Categories       map[string]string `mapstructure:"categories"` // reporting_category → account
	// Summary mode (volume.go): gross charges, refunds and disputes, tax on invoices.
	Sales    string `mapstructure:"sales"`
	Refunds  string `mapstructure:"refunds"`
	SalesTax string `mapstructure:"sales_tax"`
	// Lines are the accounts of categories whose lines post to a key of
	// their own (category.AccountKeys) beyond the fields above, by full
	// key (accounts.<name>); parse fills it from the same settings.
	Lines map[string]string `mapstructure:"-"`
}

// ItemsConfig holds NetSuite item and account internal IDs used on invoices
// and credit memos.
type ItemsConfig struct {
	Refund          string `mapstructure:"refund"`
	Tax             string `mapstructure:"tax"`
	Global          string `mapstructure:"global"`
	IncomeAccount   string `mapstructure:"income_account"`
	DiscountAccount string `mapstructure:"discount_account"`
	Shipping        string `mapstructure:"shipping"`
	CustomerBalance string `mapstructure:"customer_balance"`
	// TaxSchedule is the tax schedule of items nsrecon creates; TaxCode the
	// tax code on invoice and credit memo lines.
	TaxSchedule string `mapstructure:"tax_schedule"`
	TaxCode     string `mapstructure:"tax_code"`
}

// CustomersConfig says how Stripe customers become NetSuite customers.
type CustomersConfig struct {
	Mode        string `mapstructure:"mode"`
	GlobalID    string `mapstructure:"global_id"`
	DefaultName string `mapstructure:"default_name"`
	// Type is the kind of customer nsrecon creates: company (the Stripe
	// name becomes the company name) or individual (first and last name).
	// Stripe metadata netsuite_customer_type overrides it per customer.
	Type string `mapstructure:"type"`
	// ExportField is the NetSuite customer field that holds the Stripe
	// customer ID for nsrecon customers export.
	ExportField string `mapstructure:"export_field"`
	// EntityID is how new customers get NetSuite's Customer ID (entityId):
	// auto (NetSuite's auto-numbering) or derived (name and Stripe ID).
	EntityID string `mapstructure:"entity_id"`
}

// ClassificationConfig is stamped on records in OneWorld accounts.
type ClassificationConfig struct {
	Subsidiary string `mapstructure:"subsidiary"`
	Department string `mapstructure:"department"`
	Class      string `mapstructure:"class"`
	Location   string `mapstructure:"location"`
}

// RulesConfig holds policy choices for cases that have no single right answer.
type RulesConfig struct {
	OrphanRefund  string `mapstructure:"orphan_refund"`
	OrphanAccount string `mapstructure:"orphan_account"`
	OverRefund    string `mapstructure:"over_refund"`
	// Rounding is what to do with amounts NetSuite cannot hold exactly:
	// hold, or account (round and book the differences to accounts.rounding).
	Rounding string `mapstructure:"rounding"`
}

// WebhookConfig configures the real-time invoice listener.
type WebhookConfig struct {
	Secret      Secret `mapstructure:"secret"`
	Addr        string `mapstructure:"addr"`
	AllInvoices bool   `mapstructure:"all_invoices"`
	// Events is EventsInvoices or EventsAll.
	Events string `mapstructure:"events"`
}

// Secret is a credential. Every way of printing it (fmt verbs, slog,
// JSON, YAML) shows "***", so a Config can be logged or dumped without
// leaking; code that needs the credential calls Reveal, which is easy to
// grep for.
type Secret string

const redacted = "***"

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether a value was given.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string   { return s.mask() }
func (s Secret) GoString() string { return `"` + s.mask() + `"` }

// LogValue keeps the credential out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask()) }

// MarshalText covers encoding/json, YAML and anything else text-based.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask()), nil }

// mask keeps "is it set?" visible, which is what people debugging config need.
func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return redacted
}

// BaseURLOrDefault is netsuite.base_url, or the account's SuiteTalk host
// derived from netsuite.account_id: the host spells the account lower-case
// with "-" where the ID has "_" (123456_SB1 → 123456-sb1).
func (c *NetSuiteConfig) BaseURLOrDefault() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	if c.AccountID == "" {
		return ""
	}
	host := strings.ReplaceAll(strings.ToLower(c.AccountID), "_", "-")
	return "https://" + host + ".suitetalk.api.netsuite.com"
}

// DefaultLedgerPath is <user config dir>/nsrecon/ledger.db (~/.config/nsrecon
// on Linux), or "" when there is no user config directory (HOME unset, as
// under some cron setups): then ledger.path must be set.
func DefaultLedgerPath() string {
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		// No silent ledger in whatever directory cron started in: the
		// caller asks for ledger.path instead.
		return ""
	}
	return filepath.Join(dir, "nsrecon", "ledger.db")
}

// cloneMap gives `config show` its own copies of the config's maps.
func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Redacted returns the effective configuration as nested maps shaped like the
// YAML file, with every set secret replaced by "***", for `nsrecon config
// show`. Values are YAML-friendly: durations as strings, maps as maps.
func (c *Config) Redacted() map[string]any {
	sec := func(s Secret) string { return s.mask() }
	return map[string]any{
		"stripe": map[string]any{
			"api_key":     sec(c.Stripe.APIKey),
			"api_base":    c.Stripe.APIBase,
			"max_retries": c.Stripe.MaxRetries,
			"timeout":     c.Stripe.Timeout.String(),
			"write_back":  c.Stripe.WriteBack,
		},
		"netsuite": map[string]any{
			"account_id":          c.NetSuite.AccountID,
			"base_url":            c.NetSuite.BaseURL,
			"concurrency":         c.NetSuite.Concurrency,
			"timeout":             c.NetSuite.Timeout.String(),
			"base_currency":       c.NetSuite.BaseCurrency,
			"revenue_recognition": c.NetSuite.RevenueRecognition,
			"batch":               c.NetSuite.Batch,
			"batch_size":          c.NetSuite.BatchSize,
			"defaults":            cloneDefaults(c.NetSuite.Defaults),
			"auth": map[string]any{
				"method":           c.NetSuite.Auth.Method,
				"consumer_key":     sec(c.NetSuite.Auth.ConsumerKey),
				"consumer_secret":  sec(c.NetSuite.Auth.ConsumerSecret),
				"token_id":         sec(c.NetSuite.Auth.TokenID),
				"token_secret":     sec(c.NetSuite.Auth.TokenSecret),
				"client_id":        sec(c.NetSuite.Auth.ClientID),
				"certificate_id":   c.NetSuite.Auth.CertificateID,
				"private_key_file": c.NetSuite.Auth.PrivateKeyFile,
				"algorithm":        c.NetSuite.Auth.Algorithm,
			},
		},
		"ledger":    map[string]any{"path": c.Ledger.Path},
		"reconcile": map[string]any{"mode": c.Reconcile.Mode},
		"accounts":  c.Accounts.shown(),
		"items": map[string]any{
			"refund":           c.Items.Refund,
			"tax":              c.Items.Tax,
			"global":           c.Items.Global,
			"income_account":   c.Items.IncomeAccount,
			"discount_account": c.Items.DiscountAccount,
			"shipping":         c.Items.Shipping,
			"customer_balance": c.Items.CustomerBalance,
			"tax_schedule":     c.Items.TaxSchedule,
			"tax_code":         c.Items.TaxCode,
		},
		"customers": map[string]any{
			"mode":         c.Customers.Mode,
			"global_id":    c.Customers.GlobalID,
			"default_name": c.Customers.DefaultName,
			"type":         c.Customers.Type,
			"export_field": c.Customers.ExportField,
			"entity_id":    c.Customers.EntityID,
		},
		"classification": map[string]any{
			"subsidiary": c.Classification.Subsidiary,
			"department": c.Classification.Department,
			"class":      c.Classification.Class,
			"location":   c.Classification.Location,
		},
		"currencies": cloneMap(c.Currencies),
		"rules": map[string]any{
			"orphan_refund":  c.Rules.OrphanRefund,
			"orphan_account": c.Rules.OrphanAccount,
			"over_refund":    c.Rules.OverRefund,
			"rounding":       c.Rules.Rounding,
		},
		"webhook": map[string]any{
			"secret":       sec(c.Webhook.Secret),
			"addr":         c.Webhook.Addr,
			"all_invoices": c.Webhook.AllInvoices,
			"events":       c.Webhook.Events,
		},
		"notify": map[string]any{"ping_url": sec(c.Notify.PingURL)},
	}
}

// shown is the accounts section as config show prints it.
func (a AccountsConfig) shown() map[string]any {
	out := map[string]any{
		"undeposited_funds": a.UndepositedFunds,
		"bank":              cloneMap(a.Bank),
		"stripe_fees":       a.StripeFees,
		"fee_tax":           a.FeeTax,
		"application_fees":  a.ApplicationFees,
		"dispute_fees":      a.DisputeFees,
		"fx_difference":     a.FXDifference,
		"over_refund":       a.OverRefund,
		"rounding":          a.Rounding,
		"categories":        cloneMap(a.Categories),
		"sales":             a.Sales,
		"refunds":           a.Refunds,
		"sales_tax":         a.SalesTax,
	}
	for k, v := range a.Lines {
		out[strings.TrimPrefix(k, "accounts.")] = v
	}
	return out
}

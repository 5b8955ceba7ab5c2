package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/spf13/viper"
)

// EnvPrefix is prepended to every key's environment variable name.
const EnvPrefix = "NSRECON"

// Key describes one configuration key. The table returned by Keys is the
// single source of truth for defaults, environment variables, secrets,
// unknown-key detection and the README's configuration table, so they cannot
// drift apart.
type Key struct {
	Name    string   // dotted key as written in the YAML file, e.g. "netsuite.concurrency"
	Env     []string // environment variables, highest precedence first
	Default any      // typed default registered on viper
	Secret  bool     // redacted in `config show`, never echoed in errors
	// Map marks a key whose value is a map of string → string (e.g.
	// accounts.bank). Its entries come from the file, or from one JSON
	// object in the environment variable: NSRECON_ACCOUNTS_BANK='{"usd":"1"}'.
	Map bool
	Doc string // one line for humans
}

// EnvName is the NSRECON_* variable for a dotted key.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// DefaultString renders the key's default as it would be written in YAML
// ("" for none), for documentation and `config show`.
func (k Key) DefaultString() string {
	switch d := k.Default.(type) {
	case map[string]string:
		return ""
	case time.Duration:
		return d.String()
	default:
		return fmt.Sprint(d)
	}
}

// Default values that code elsewhere may want to name.
const (
	DefaultStripeAPIBase      = "https://api.stripe.com"
	DefaultStripeMaxRetries   = 2
	DefaultNetSuiteConcurrent = 5 // NetSuite's Standard tier allows 5 concurrent requests per account
	DefaultNetSuiteTimeout    = 60 * time.Second
	DefaultStripeTimeout      = 80 * time.Second // stripe-go's own default
	// MinTimeout is the shortest request timeout accepted: NetSuite takes
	// seconds for an ordinary write, and a shorter bound would fail every
	// request (then retry each one) rather than catch a hung one.
	MinTimeout         = 5 * time.Second
	DefaultWebhookAddr = "127.0.0.1:8080" // loopback: exposing the listener is a deliberate choice
)

// Enumerations.
const (
	AuthTBA = "tba" // OAuth 1.0a token-based authentication
	AuthM2M = "m2m" // OAuth 2.0 client credentials with a signed JWT assertion

	AlgPS256 = "PS256"
	AlgES256 = "ES256"

	CustomersCreate     = "create"      // one NetSuite customer per Stripe customer
	CustomersMatchEmail = "match_email" // reuse an existing NetSuite customer with the same email, else create
	CustomersGlobal     = "global"      // every transaction goes to customers.global_id

	EventsInvoices = "invoices" // webhook.events: manual invoices in real time, everything else daily
	EventsAll      = "all"      // webhook.events: every event of the connector's table in real time

	CustomerCompany    = "company"    // the Stripe name is the company name
	CustomerIndividual = "individual" // the Stripe name is split into first and last name

	OrphanHold        = "hold"         // hold the payout for a person to decide
	OrphanDepositLine = "deposit_line" // book it as a deposit line to rules.orphan_account

	OverRefundHold        = "hold"         // hold the payout for a person to decide
	OverRefundDepositLine = "deposit_line" // apply what is open; the rest is a deposit line to accounts.over_refund

	RoundingHold    = "hold"    // hold a payout with amounts NetSuite cannot hold exactly
	RoundingAccount = "account" // round them, booking the differences to accounts.rounding

	EntityIDAuto    = "auto"    // NetSuite's auto-numbering gives the Customer ID
	EntityIDDerived = "derived" // the Customer ID is the name and the Stripe ID
)

// ruleKeys are the rules.* policy keys.
var ruleKeys = [...]Key{
	{Name: "rules.orphan_refund", Default: OrphanHold, Doc: "refund/dispute of a charge nsrecon never synced: hold, or deposit_line to rules.orphan_account"},
	{Name: "rules.orphan_account", Default: "", Doc: "account for orphan refunds when rules.orphan_refund is deposit_line"},
	{Name: "rules.over_refund", Default: OverRefundHold, Doc: "refund or dispute larger than what is open on its payment: hold, or deposit_line (apply what is open, the rest to accounts.over_refund)"},
	{Name: "rules.rounding", Default: RoundingHold, Doc: "amounts NetSuite cannot hold exactly (a third decimal: BHD JOD KWD OMR TND): hold the payout, or account (round, and book each difference to accounts.rounding)"},
}

// Keys returns every configuration key, in the order of the example file.
// It is a function rather than a package variable so nobody can mutate it.
func Keys() []Key {
	keys := append(connectionKeys(), bookKeys()...)
	keys = append(append(keys, webhookKeys()...), volumeKeys()...)
	keys = append(keys,
		keySecret("notify.ping_url", "healthcheck URL `nsrecon reconcile` pings (never a --dry-run): <url>/start, then <url> on success or <url>/<exit code> (healthchecks.io convention)"))
	for i := range keys {
		keys[i].Env = []string{EnvName(keys[i].Name)}
	}
	// STRIPE_API_KEY is what Stripe's own tools read; accepting it saves users
	// from exporting the same secret twice. The prefixed name still wins.
	keys[0].Env = append(keys[0].Env, "STRIPE_API_KEY")
	return keys
}

// webhookKeys are the listener's keys (nsrecon listen, nsrecon invoices
// listen), in Keys' order.
func webhookKeys() []Key {
	return []Key{
		{Name: "webhook.secret", Default: "", Secret: true, Doc: "Stripe webhook endpoint signing secret (whsec_…)"},
		{Name: "webhook.addr", Default: DefaultWebhookAddr, Doc: "listen address of `nsrecon listen` and `nsrecon invoices listen`"},
		{Name: "webhook.all_invoices", Default: false, Doc: "sync every invoice in real time, not only manually sent ones"},
		{Name: "webhook.events", Default: EventsInvoices, Doc: "invoices (manual invoices in real time, the rest daily) or all (every event of the connector's table in real time)"},
	}
}

func keyString(name, def, doc string) Key { return Key{Name: name, Default: def, Doc: doc} }
func keySecret(name, doc string) Key      { return Key{Name: name, Default: "", Secret: true, Doc: doc} }
func keyMap(name, doc string) Key {
	return Key{Name: name, Default: map[string]string{}, Map: true, Doc: doc}
}

// connectionKeys are how nsrecon reaches Stripe and NetSuite, and its ledger.
func connectionKeys() []Key {
	return []Key{
		keySecret("stripe.api_key", "Stripe secret or restricted key (sk_… / rk_…); the access it needs is in the README (Pointing it at real Stripe and NetSuite)"),
		keyString("stripe.api_base", DefaultStripeAPIBase, "Stripe API base URL (point at a fake or stripe-mock in tests)"),
		{Name: "stripe.max_retries", Default: DefaultStripeMaxRetries, Doc: "network retries stripe-go makes per request (0–10)"},
		{Name: "stripe.timeout", Default: DefaultStripeTimeout, Doc: "timeout of one Stripe request (Go duration, at least 5s)"},
		{Name: "stripe.write_back", Default: false, Doc: "write the NetSuite internal ID of each record into its Stripe object's metadata (netsuite_customer_id, …); needs a key with write access to customers, charges, invoices and refunds"},

		keyString("netsuite.account_id", "", "NetSuite account ID as shown in Setup > Company > Company Information, e.g. 123456 or 123456_SB1"),
		keyString("netsuite.base_url", "", "SuiteTalk REST base URL; empty = https://<account id, lower-case, _ → ->.suitetalk.api.netsuite.com"),
		{Name: "netsuite.concurrency", Default: DefaultNetSuiteConcurrent, Doc: "most NetSuite requests in flight (1–100); NetSuite's limit is per account and shared with every other integration"},
		{Name: "netsuite.timeout", Default: DefaultNetSuiteTimeout, Doc: "timeout of one NetSuite request (Go duration, e.g. 60s, 2m; at least 5s)"},
		{Name: "netsuite.base_currency", Default: "", Doc: "the subsidiary's base currency (e.g. usd); when set, a foreign-currency charge in a payout of another currency is held, since Stripe's rate is not NetSuite's"},
		{Name: "netsuite.revenue_recognition", Default: false, Doc: "Advanced Revenue Management: subscription invoice lines carry Stripe's period as revRecStartDate/revRecEndDate"},
		{Name: "netsuite.defaults", Default: FieldDefaults{}, Map: true, Doc: "record type → field → value merged into every body of that type (replacing nsrecon's value), e.g. customer: {customForm: {id: \"-2\"}}; checked against Oracle's schema"},
		keyString("netsuite.auth.method", AuthTBA, "tba (token-based, OAuth 1.0a) or m2m (OAuth 2.0 client credentials with a certificate)"),
		keySecret("netsuite.auth.consumer_key", "TBA: integration record's consumer key"),
		keySecret("netsuite.auth.consumer_secret", "TBA: integration record's consumer secret"),
		keySecret("netsuite.auth.token_id", "TBA: access token ID"),
		keySecret("netsuite.auth.token_secret", "TBA: access token secret"),
		keySecret("netsuite.auth.client_id", "M2M: integration record's client ID"),
		keyString("netsuite.auth.certificate_id", "", "M2M: certificate ID from Setup > Integration > OAuth 2.0 Client Credentials"),
		keyString("netsuite.auth.private_key_file", "", "M2M: path of the PEM private key of that certificate (keep it mode 0600)"),
		keyString("netsuite.auth.algorithm", AlgPS256, "M2M: JWT signing algorithm, PS256 (RSA) or ES256 (EC)"),

		keyString("ledger.path", DefaultLedgerPath(), "SQLite sync ledger: what was pushed, NetSuite internal IDs, runs"),
	}
}

// bookKeys are how payouts become records: mappings, rules, webhooks.
func bookKeys() []Key {
	keys := []Key{
		keyString("accounts.undeposited_funds", "", "Undeposited Funds account: payments and refunds post here until the deposit gathers them (required)"),
		keyMap("accounts.bank", "bank account per payout currency, e.g. usd: \"1\" (at least one required)"),
	}
	// Categories whose lines post to a key of their own; their rows
	// document them.
	for _, r := range category.AccountKeys() {
		keys = append(keys, keyString(r.Key, "", r.Doc))
	}
	return append(keys,
		keyString("accounts.application_fees", "", "account for Connect application fees"),
		keyString(category.KeyDisputeFees, "", "expense account for dispute fees"),
		keyString("accounts.fx_difference", "", "account for currency-conversion rounding differences"),
		keyString("accounts.rounding", "", "account for differences of rounding amounts to NetSuite's precision (rules.rounding: account)"),
		keyString("accounts.over_refund", "", "account for the part of a refund or dispute beyond what is open on its payment, when rules.over_refund is deposit_line"),
		keyMap(category.MapKey, category.MapDoc),

		keyString("items.refund", "", "credit memo item for refunds and disputes of invoiced charges"),
		keyString("items.tax", "", "invoice item for Stripe Tax amounts"),
		keyString("items.global", "", "global price workflow: every invoice line uses this one item"),
		keyString("items.income_account", "", "income account of the service items nsrecon creates"),
		keyString("items.discount_account", "", "account of the discount items nsrecon creates for coupons"),
		keyString("items.shipping", "", "invoice item for Stripe invoice shipping costs (amount_shipping)"),
		keyString("items.tax_schedule", "", "tax schedule of the service and discount items nsrecon creates (SuiteTax; legacy tax with per-item schedules)"),
		keyString("items.customer_balance", "", "credit memo item for the part of an invoice paid from the Stripe customer's credit balance, and for the part of a credit note credited to it"),
		keyString("items.tax_code", "", "tax code on every invoice and credit memo line (legacy tax: e.g. a not-taxable code, since Stripe tax is its own line)"),

		keyString("customers.mode", CustomersCreate, "create, match_email or global"),
		keyString("customers.global_id", "", "customer used for every transaction when customers.mode is global"),
		keyString("customers.default_name", "", "name for Stripe customers that have none (else the payout is held)"),
		keyString("customers.type", CustomerCompany, "company or individual: how new customers are named (metadata netsuite_customer_type overrides)"),
		keyString("customers.export_field", "", "NetSuite customer field (e.g. custentity_stripe_customer_id) that `nsrecon customers export` reads and writes the Stripe customer ID in"),
		keyString("customers.entity_id", EntityIDAuto, "auto (NetSuite's auto-numbering) or derived (name and Stripe ID, unique: for accounts with customer auto-numbering off)"),

		keyString("classification.subsidiary", "", "OneWorld subsidiary on every customer and transaction"),
		keyString("classification.department", "", "department on every transaction (optional)"),
		keyString("classification.class", "", "class on every transaction (optional)"),
		keyString("classification.location", "", "location on every transaction (optional)"),

		keyMap("currencies", "currency → NetSuite currency internal ID, e.g. eur: \"2\"; absent = NetSuite's default for the customer"),

		ruleKeys[0], ruleKeys[1], ruleKeys[2], ruleKeys[3],
	)
}

// New returns a viper instance set up for nsrecon: NSRECON_* environment
// variables and a default for every key. Bind flags to it with BindPFlag,
// then call Load.
//
// A bound flag counts only when it was given on the command line: viper
// ranks the key's registered default above a flag's own default. So take
// flag defaults for --help from Keys (and never show a secret's value).
func New() *viper.Viper {
	v := viper.New()
	register(v)
	return v
}

// register is idempotent so Load can call it on any viper the caller made.
func register(v *viper.Viper) {
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	for _, k := range Keys() {
		// Without a default, Unmarshal never looks a key up, so a key set only
		// in the environment would be silently ignored.
		v.SetDefault(k.Name, k.Default)
		if len(k.Env) > 1 {
			_ = v.BindEnv(append([]string{k.Name}, k.Env...)...) // only fails with no arguments
		}
	}
}

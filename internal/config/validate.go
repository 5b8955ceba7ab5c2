package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"
)

// FieldError is one problem with one key. Msg never contains a secret.
type FieldError struct {
	Key string // dotted key, e.g. "netsuite.concurrency"
	Msg string // what is wrong and, where useful, what to write instead
}

func (e FieldError) Error() string { return e.Key + ": " + e.Msg }

// Error lists every problem found, so one run shows everything to fix. The
// CLI maps it to the usage/config exit status.
type Error struct {
	Problems []FieldError
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "config: " + e.Problems[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "config: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// problemList collects FieldErrors; err returns nil when there are none so the
// Validate methods return a true nil error interface.
type problemList []FieldError

func (p *problemList) add(key, format string, args ...any) {
	*p = append(*p, FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (p problemList) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}

// Validate checks everything every command needs: shapes, ranges, enums and
// the accounts without which no payout can be planned. Credentials are
// checked by ValidateStripe, ValidateForPush and ValidateWebhook, so a dry
// run or `config show` works without NetSuite credentials.
func (c *Config) Validate() error {
	var p problemList

	p.url("stripe.api_base", c.Stripe.APIBase, true)
	if r := c.Stripe.MaxRetries; r < 0 || r > 10 {
		p.add("stripe.max_retries", "must be between 0 and 10 (got %d)", r)
	}

	if id := c.NetSuite.AccountID; id != "" && !isAccountID(id) {
		p.add("netsuite.account_id", "must be letters, digits and _ as shown in Company Information, e.g. 123456_SB1 (got %q)", id)
	}
	p.url("netsuite.base_url", c.NetSuite.BaseURL, false)
	if n := c.NetSuite.Concurrency; n < 1 || n > 100 {
		p.add("netsuite.concurrency", "must be between 1 and 100 (got %d)", n)
	}
	if bc := c.NetSuite.BaseCurrency; bc != "" && !isCurrency(bc) {
		p.add("netsuite.base_currency", "must be a 3-letter currency code like usd (got %q)", bc)
	}
	if d := c.NetSuite.Timeout; d < MinTimeout {
		p.add("netsuite.timeout", "must be at least %s, like \"60s\" (got %s)", MinTimeout, d)
	}
	if d := c.Stripe.Timeout; d < MinTimeout {
		p.add("stripe.timeout", "must be at least %s, like \"80s\" (got %s)", MinTimeout, d)
	}
	p.enum("netsuite.auth.method", c.NetSuite.Auth.Method, AuthTBA, AuthM2M)
	p.enum("netsuite.auth.algorithm", c.NetSuite.Auth.Algorithm, AlgPS256, AlgES256)

	if c.Ledger.Path == "" {
		p.add("ledger.path", "must not be empty")
	}

	c.Accounts.validate(&p)

	p.internalID("items.refund", c.Items.Refund, false, "")
	p.internalID("items.tax", c.Items.Tax, false, "")
	p.internalID("items.global", c.Items.Global, false, "")
	p.internalID("items.income_account", c.Items.IncomeAccount, false, "")
	p.internalID("items.discount_account", c.Items.DiscountAccount, false, "")
	p.internalID("items.shipping", c.Items.Shipping, false, "")
	p.internalID("items.customer_balance", c.Items.CustomerBalance, false, "")

	p.enum("customers.mode", c.Customers.Mode, CustomersCreate, CustomersMatchEmail, CustomersGlobal)
	p.enum("customers.type", c.Customers.Type, CustomerCompany, CustomerIndividual)
	p.internalID("customers.global_id", c.Customers.GlobalID, c.Customers.Mode == CustomersGlobal,
		"customers.mode is global: set the customer every transaction goes to")

	p.internalID("classification.subsidiary", c.Classification.Subsidiary, false, "")
	p.internalID("classification.department", c.Classification.Department, false, "")
	p.internalID("classification.class", c.Classification.Class, false, "")
	p.internalID("classification.location", c.Classification.Location, false, "")

	p.currencyMap("currencies", c.Currencies)

	p.rules(c)
	p.enum("webhook.events", c.Webhook.Events, EventsInvoices, EventsAll)
	c.validateVolume(&p)

	c.validateRecords(&p)
	if _, _, err := net.SplitHostPort(c.Webhook.Addr); err != nil {
		p.add("webhook.addr", "must be host:port, e.g. 127.0.0.1:8080 (got %q)", c.Webhook.Addr)
	}
	return p.err()
}

// rules checks the rules.* policies and the accounts they need.
func (p *problemList) rules(c *Config) {
	p.enum("rules.orphan_refund", c.Rules.OrphanRefund, OrphanHold, OrphanDepositLine)
	p.internalID("rules.orphan_account", c.Rules.OrphanAccount, c.Rules.OrphanRefund == OrphanDepositLine,
		"rules.orphan_refund is deposit_line: set the account those lines post to")
	p.enum("rules.over_refund", c.Rules.OverRefund, OverRefundHold, OverRefundDepositLine)
	p.internalID("accounts.over_refund", c.Accounts.OverRefund, c.Rules.OverRefund == OverRefundDepositLine,
		"rules.over_refund is deposit_line: set the account the part beyond what is open posts to")
}

// ValidateStripe checks what reading from Stripe needs.
func (c *Config) ValidateStripe() error {
	var p problemList
	if !c.Stripe.APIKey.IsSet() {
		p.add("stripe.api_key", "required to read payouts: set NSRECON_STRIPE_API_KEY or STRIPE_API_KEY (keep keys out of the config file)")
	}
	return p.err()
}

// ValidateForPush checks what writing to NetSuite needs: the account and a
// complete set of credentials for the chosen auth method. The private key
// file is opened (and closed) so a wrong path fails before any work starts.
func (c *Config) ValidateForPush() error {
	var p problemList
	ns := c.NetSuite
	if ns.AccountID == "" {
		p.add("netsuite.account_id", "required to push to NetSuite, e.g. 123456 or 123456_SB1")
	}
	missing := func(key string, set bool, method string) {
		if !set {
			p.add(key, "required for netsuite.auth.method %s", method)
		}
	}
	switch ns.Auth.Method {
	case AuthTBA:
		missing("netsuite.auth.consumer_key", ns.Auth.ConsumerKey.IsSet(), AuthTBA)
		missing("netsuite.auth.consumer_secret", ns.Auth.ConsumerSecret.IsSet(), AuthTBA)
		missing("netsuite.auth.token_id", ns.Auth.TokenID.IsSet(), AuthTBA)
		missing("netsuite.auth.token_secret", ns.Auth.TokenSecret.IsSet(), AuthTBA)
	case AuthM2M:
		missing("netsuite.auth.client_id", ns.Auth.ClientID.IsSet(), AuthM2M)
		missing("netsuite.auth.certificate_id", ns.Auth.CertificateID != "", AuthM2M)
		missing("netsuite.auth.private_key_file", ns.Auth.PrivateKeyFile != "", AuthM2M)
		if path := ns.Auth.PrivateKeyFile; path != "" {
			if f, err := os.Open(path); err != nil {
				p.add("netsuite.auth.private_key_file", "cannot read %q: %v", path, unwrapPathError(err))
			} else {
				f.Close()
			}
		}
	default:
		p.enum("netsuite.auth.method", ns.Auth.Method, AuthTBA, AuthM2M)
	}
	return p.err()
}

// ValidateWebhook checks what the webhook listener needs.
func (c *Config) ValidateWebhook() error {
	var p problemList
	if !c.Webhook.Secret.IsSet() {
		p.add("webhook.secret", "required to verify Stripe-Signature: set NSRECON_WEBHOOK_SECRET to the endpoint's whsec_… secret")
	} else if !strings.HasPrefix(c.Webhook.Secret.Reveal(), "whsec_") {
		p.add("webhook.secret", "must be the endpoint's signing secret, which starts with whsec_")
	}
	return p.err()
}

// unwrapPathError drops the path from *os.PathError, which we already print.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// internalID checks a NetSuite internal ID: digits only. hint, when given,
// replaces the generic "required" message.
func (p *problemList) internalID(key, val string, required bool, hint string) {
	switch {
	case val == "" && required:
		if hint == "" {
			hint = "required"
		}
		p.add(key, "%s", hint)
	case val != "" && !isDigits(val):
		p.add(key, "must be a NetSuite internal ID (digits only, e.g. \"42\"), not a name or number (got %q)", val)
	}
}

func (p *problemList) enum(key, val string, allowed ...string) {
	for _, a := range allowed {
		if val == a {
			return
		}
	}
	p.add(key, "must be one of %s (got %q)", strings.Join(allowed, ", "), val)
}

func (p *problemList) currencyMap(key string, m map[string]string) {
	for _, cur := range sortedKeys(m) {
		k := key + "." + cur
		if !isCurrency(cur) {
			p.add(k, "key must be a 3-letter currency code like usd")
			continue
		}
		p.internalID(k, m[cur], true, "")
	}
}

func (p *problemList) url(key, val string, required bool) {
	if val == "" {
		if required {
			p.add(key, "required")
		}
		return
	}
	u, err := url.Parse(val)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		p.add(key, "must be an absolute http(s) URL (got %q)", redactURL(val))
	case u.User != nil:
		p.add(key, "must not carry credentials (user:password@); use the auth keys")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		// Credentials travel with every request: cleartext only to a
		// stand-in on this machine.
		p.add(key, "plain http:// is only allowed for loopback addresses (127.0.0.1, ::1, localhost); use https://")
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops any user:password from a URL for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func isAccountID(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

func isCategory(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return s != ""
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validate checks the accounts section.
func (a AccountsConfig) validate(p *problemList) {
	p.internalID("accounts.undeposited_funds", a.UndepositedFunds, true,
		"set the internal ID of your Undeposited Funds account, e.g. accounts.undeposited_funds: \"122\"")
	if len(a.Bank) == 0 {
		p.add("accounts.bank", `set a NetSuite bank account for each payout currency, e.g. accounts.bank.usd: "1"`)
	}
	p.currencyMap("accounts.bank", a.Bank)
	p.internalID("accounts.stripe_fees", a.StripeFees, false, "")
	p.internalID("accounts.fee_tax", a.FeeTax, false, "")
	for _, k := range sortedKeys(a.Lines) {
		p.internalID(k, a.Lines[k], false, "")
	}
	p.internalID("accounts.application_fees", a.ApplicationFees, false, "")
	p.internalID("accounts.dispute_fees", a.DisputeFees, false, "")
	p.internalID("accounts.fx_difference", a.FXDifference, false, "")
	for _, k := range sortedKeys(a.Categories) {
		key := "accounts.categories." + k
		if !isCategory(k) {
			p.add(key, "must be a Stripe reporting_category like platform_earning")
		}
		p.internalID(key, a.Categories[k], true, "")
	}
}

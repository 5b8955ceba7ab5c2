// Package doctor checks, online, that a configuration will work against
// the real accounts before a first run: the Stripe key reads what nsrecon
// reads, the NetSuite login and role work for every record type nsrecon
// writes, every configured internal ID exists and is the right kind, the
// ledger path is writable and the webhook secret is set when the listener
// is configured. Each check says what is wrong and how to fix it.
package doctor

import (
	"context"
	"net/http"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// Kind says what a failed check is about, which decides the exit status.
type Kind string

const (
	KindConfig      Kind = "config"      // a mapping, path or setting: exit 2
	KindCredentials Kind = "credentials" // a key, login or role: exit 4
)

// Check is the result of one check.
type Check struct {
	Name   string `json:"name"`          // what was checked
	Key    string `json:"key,omitempty"` // the config key concerned
	OK     bool   `json:"ok"`
	Kind   Kind   `json:"kind"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Result is every check of one run.
type Result struct {
	Checks []Check
}

// ExitCode is 0 when every check passed, 4 when a credential check failed,
// else 2.
func (r *Result) ExitCode() int {
	code := outcome.ExitOK
	for _, c := range r.Checks {
		switch {
		case c.OK:
		case c.Kind == KindCredentials:
			return outcome.ExitAuth
		default:
			code = outcome.ExitUsage
		}
	}
	return code
}

// NetSuite is what doctor reads from NetSuite; *netsuite.Client is one.
type NetSuite interface {
	Get(ctx context.Context, recordType, id string, out any) error
	CanRead(ctx context.Context, recordType string) error
	CanWrite(ctx context.Context, recordType string) error
}

// Options are a doctor run's inputs.
type Options struct {
	Config   *config.Config
	NetSuite NetSuite     // nil: NetSuite checks fail naming the credentials
	HTTP     *http.Client // for Stripe; nil: http.DefaultClient
}

// Run performs every check, in order: Stripe, NetSuite login and role, the
// mappings (only when the login works), then local settings.
func Run(ctx context.Context, opts Options) *Result {
	r := &Result{}
	hc := opts.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	r.Checks = append(r.Checks, stripeChecks(ctx, hc, opts.Config)...)
	loginOK := false
	if opts.NetSuite != nil {
		var cs []Check
		cs, loginOK = roleChecks(ctx, opts.NetSuite)
		r.Checks = append(r.Checks, cs...)
	} else {
		r.Checks = append(r.Checks, Check{Name: "NetSuite login", Key: "netsuite.auth", Kind: KindCredentials,
			Detail: "no NetSuite credentials are configured", Fix: "set netsuite.account_id and the netsuite.auth.* keys"})
	}
	if loginOK {
		m := &mapper{ns: opts.NetSuite, cfg: opts.Config}
		r.Checks = append(r.Checks, m.checks(ctx)...)
	}
	r.Checks = append(r.Checks, localChecks(opts.Config)...)
	return r
}

// recordTypeChecks are the record types whose read and write the role
// needs: every type nsrecon writes.
func recordTypes() []string {
	var out []string
	for _, t := range netsuite.RecordTypes() {
		out = append(out, t.Name)
	}
	return out
}

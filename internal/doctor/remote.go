package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/nsrecon/nsrecon/internal/config"
	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// stripeResources are what nsrecon reads from Stripe, as /v1 paths.
var stripeResources = []string{"account", "payouts", "balance_transactions", "charges", "refunds", "disputes",
	"invoices", "credit_notes", "customers"}

// stripeChecks reads one object of each resource with the configured key.
func stripeChecks(ctx context.Context, hc *http.Client, cfg *config.Config) []Check {
	key := cfg.Stripe.APIKey.Reveal()
	if key == "" {
		return []Check{{Name: "Stripe key", Key: "stripe.api_key", Kind: KindCredentials,
			Detail: "no Stripe key is configured", Fix: "set STRIPE_API_KEY (or NSRECON_STRIPE_API_KEY) to a restricted key with read access"}}
	}
	base := strings.TrimRight(cfg.Stripe.APIBase, "/")
	var out []Check
	for _, res := range stripeResources {
		c := Check{Name: "Stripe reads " + res, Key: "stripe.api_key", Kind: KindCredentials}
		u := base + "/v1/" + res
		if res != "account" {
			u += "?limit=1"
		}
		status, err := stripeGet(ctx, hc, u, key)
		switch {
		case err != nil:
			c.Kind, c.Key = KindConfig, "stripe.api_base"
			c.Detail, c.Fix = "no answer: "+err.Error(), "check stripe.api_base and the network"
		case status == http.StatusOK:
			c.OK, c.Detail = true, "read access"
		case status == http.StatusForbidden && res == "account":
			// The reader copes: the ledger is then bound to the NetSuite
			// account alone (a restricted key need not read the account).
			c.OK, c.Detail = true, "not readable by this key (403): the ledger is bound to the NetSuite account only"
		case status == http.StatusUnauthorized:
			c.Detail, c.Fix = "Stripe refused the key (401)", "set stripe.api_key to a live secret or restricted key of this account"
		case status == http.StatusForbidden:
			c.Detail = "the key may not read " + res + " (403)"
			c.Fix = "give the restricted key read access to " + strings.ReplaceAll(res, "_", " ") + " in the Stripe Dashboard (Developers > API keys)"
		default:
			c.Kind = KindConfig
			c.Detail, c.Fix = fmt.Sprintf("Stripe answered %d", status), "check stripe.api_base"
		}
		out = append(out, c)
	}
	return out
}

func stripeGet(ctx context.Context, hc *http.Client, u, key string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// roleChecks: the login works (the first read), and the role may read and
// write each record type nsrecon writes. ok reports whether the login
// works, so the mapping checks are worth running.
func roleChecks(ctx context.Context, ns NetSuite) (out []Check, ok bool) {
	for i, typ := range recordTypes() {
		err := ns.CanRead(ctx, typ)
		if i == 0 {
			login := Check{Name: "NetSuite login", Key: "netsuite.auth", Kind: KindCredentials}
			switch {
			case statusOf(err) == http.StatusUnauthorized:
				login.Detail = "NetSuite refused the login: " + err.Error()
				login.Fix = "check netsuite.account_id and the netsuite.auth.* keys (Setup > Users/Roles > View Login Audit Trail says why)"
				return append(out, login), false
			case err != nil && statusOf(err) == 0:
				login.Kind, login.Key = KindConfig, "netsuite.base_url"
				login.Detail = "no answer from NetSuite: " + err.Error()
				login.Fix = "check netsuite.account_id, netsuite.base_url and the network"
				return append(out, login), false
			}
			login.OK, login.Detail = true, "NetSuite accepted the credentials"
			out = append(out, login)
		}
		out = append(out, access(typ, "view", err), access(typ, "create and edit", ns.CanWrite(ctx, typ)))
	}
	return out, true
}

func access(typ, what string, err error) Check {
	c := Check{Name: "NetSuite role may " + what + " " + typ, Key: "netsuite.auth", Kind: KindCredentials, OK: err == nil}
	if c.OK {
		c.Detail = "allowed"
		return c
	}
	c.Detail = err.Error()
	c.Fix = "give the integration's role the " + typ + " permission (level Full) under Setup > Users/Roles > Manage Roles"
	if s := statusOf(err); s != http.StatusForbidden && s != http.StatusUnauthorized {
		c.Kind, c.Fix = KindConfig, "see NetSuite's message"
	}
	return c
}

func statusOf(err error) int {
	var ne *netsuite.Error
	if errors.As(err, &ne) {
		return ne.Status
	}
	return 0
}

package doctor

import (
	"os"
	"path/filepath"

	"github.com/nsrecon/nsrecon/internal/config"
)

// localChecks: the ledger path is writable, and the webhook secret is set
// when the listener is configured.
func localChecks(c *config.Config) []Check {
	return []Check{ledgerCheck(c.Ledger.Path), webhookCheck(c)}
}

func ledgerCheck(path string) Check {
	c := Check{Name: "ledger is writable", Key: "ledger.path", Kind: KindConfig}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		c.Detail, c.Fix = err.Error(), "set ledger.path to a file in a folder nsrecon may create and write"
		return c
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
		c.OK, c.Detail = true, path+" exists and is writable"
		return c
	} else if !os.IsNotExist(err) {
		c.Detail, c.Fix = err.Error(), "make "+path+" writable by the user nsrecon runs as"
		return c
	}
	f, err := os.CreateTemp(dir, ".nsrecon-doctor-*")
	if err != nil {
		c.Detail, c.Fix = err.Error(), "make "+dir+" writable by the user nsrecon runs as, or set ledger.path elsewhere"
		return c
	}
	f.Close()
	os.Remove(f.Name())
	c.OK, c.Detail = true, path+" can be created"
	return c
}

func webhookCheck(c *config.Config) Check {
	ch := Check{Name: "webhook secret", Key: "webhook.secret", Kind: KindConfig}
	configured := c.Webhook.Addr != config.DefaultWebhookAddr || c.Webhook.AllInvoices || c.Webhook.Events == config.EventsAll
	switch {
	case c.Webhook.Secret.Reveal() != "":
		ch.OK, ch.Detail = true, "set"
	case configured:
		ch.Detail = "the listener is configured (webhook.addr, webhook.all_invoices or webhook.events: all) but webhook.secret is not set"
		ch.Fix = "set NSRECON_WEBHOOK_SECRET to the endpoint's whsec_… signing secret"
	default:
		ch.OK, ch.Detail = true, "not needed: the listener is not configured"
	}
	return ch
}

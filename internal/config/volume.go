package config

// Volume settings (issue 15): NetSuite async batches and the summary
// reconcile mode, for merchants beyond what record-by-record pushing can
// put into NetSuite.

// Enumerations of the volume keys.
const (
	BatchOff  = "off"  // netsuite.batch: one request per record
	BatchAuto = "auto" // netsuite.batch: ready records of one type go as async batches when there are enough

	ModeDetailed = "detailed" // reconcile.mode: customers, invoices, payments, refunds and a deposit per payout
	ModeSummary  = "summary"  // reconcile.mode: one journal entry per payout, one line per category and account

	DefaultBatchSize = 100 // NetSuite's most records per batch request
)

// volumeKeys are the keys of batches and summary mode, in Keys' order.
func volumeKeys() []Key {
	return []Key{
		{Name: "netsuite.batch", Default: BatchOff, Doc: "off (one request per record) or auto (ready records of one type go to NetSuite as REST async batches, followed to their per-record results)"},
		{Name: "netsuite.batch_size", Default: DefaultBatchSize, Doc: "records per async batch (2–100) when netsuite.batch is auto"},
		{Name: "reconcile.mode", Default: ModeDetailed, Doc: "detailed (customers, invoices, payments, refunds and a deposit per payout) or summary (one journal entry per payout: the bank line and one line per category and account)"},
		{Name: "accounts.sales", Default: "", Doc: "summary mode: income account of gross charges"},
		{Name: "accounts.refunds", Default: "", Doc: "summary mode: account of refunds and disputes (contra-revenue)"},
		{Name: "accounts.sales_tax", Default: "", Doc: "summary mode: account of the tax Stripe reports on paid invoices, split out of accounts.sales (unset: it stays in accounts.sales)"},
	}
}

// ReconcileConfig says how payouts are booked.
type ReconcileConfig struct {
	Mode string `mapstructure:"mode"` // ModeDetailed or ModeSummary
}

// validateVolume checks the volume keys.
func (c *Config) validateVolume(p *problemList) {
	p.enum("netsuite.batch", c.NetSuite.Batch, BatchOff, BatchAuto)
	if n := c.NetSuite.BatchSize; n < 2 || n > DefaultBatchSize {
		p.add("netsuite.batch_size", "must be between 2 and %d, NetSuite's most records per batch request (got %d)", DefaultBatchSize, n)
	}
	p.enum("reconcile.mode", c.Reconcile.Mode, ModeDetailed, ModeSummary)
	summary := c.Reconcile.Mode == ModeSummary
	p.internalID("accounts.sales", c.Accounts.Sales, summary, "reconcile.mode is summary: set the income account gross charges post to")
	p.internalID("accounts.refunds", c.Accounts.Refunds, summary, "reconcile.mode is summary: set the account refunds and disputes post to")
	p.internalID("accounts.sales_tax", c.Accounts.SalesTax, false, "")
	if summary && c.Webhook.Events == EventsAll {
		p.add("reconcile.mode", "summary books whole payouts as journal entries, while webhook.events: all books each charge on its own: they would count the same money twice; use webhook.events: invoices")
	}
}

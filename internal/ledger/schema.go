package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations is the ledger's schema history. migrations[i] brings the
// schema from version i to i+1. Append only: never edit a migration that
// has shipped, add a new one (an events table, say) at the end.
var migrations = []string{
	// 1: records, payouts, runs, lock.
	`
CREATE TABLE records (
	external_id TEXT PRIMARY KEY,
	record_type TEXT NOT NULL,
	source      TEXT NOT NULL DEFAULT '',   -- the Stripe object (cus_, ch_, po_, …)
	payout_id   TEXT NOT NULL DEFAULT '',   -- payout whose plan first made it; '' when adopted as a dependency
	internal_id TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	body_hash   TEXT NOT NULL DEFAULT '',   -- sha256 of the JSON last sent
	updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_payout ON records (payout_id);

CREATE TABLE payouts (
	id           TEXT PRIMARY KEY,
	status       TEXT NOT NULL CHECK (status IN ('ready', 'held', 'reconciled', 'failed')),
	currency     TEXT NOT NULL DEFAULT '',
	amount       INTEGER NOT NULL DEFAULT 0,  -- minor units
	deposit_id   TEXT NOT NULL DEFAULT '',    -- NetSuite internal ID of the deposit
	arrival_date TEXT NOT NULL DEFAULT '',
	problems     TEXT NOT NULL DEFAULT '[]',  -- JSON array
	updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX payouts_status ON payouts (status, arrival_date);

CREATE TABLE runs (
	id                 INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at         TEXT NOT NULL,
	ended_at           TEXT NOT NULL DEFAULT '',
	window_from        TEXT NOT NULL DEFAULT '',
	window_to          TEXT NOT NULL DEFAULT '',
	dry_run            INTEGER NOT NULL DEFAULT 0,
	payouts_total      INTEGER NOT NULL DEFAULT 0,
	payouts_reconciled INTEGER NOT NULL DEFAULT 0,
	payouts_held       INTEGER NOT NULL DEFAULT 0,
	payouts_failed     INTEGER NOT NULL DEFAULT 0,
	records_pushed     INTEGER NOT NULL DEFAULT 0,
	outcome            TEXT NOT NULL DEFAULT '',  -- '' while running (or killed)
	pid                INTEGER NOT NULL DEFAULT 0,
	host               TEXT NOT NULL DEFAULT ''
);

-- Who holds the run lock, for the error message only: the lock itself is an
-- OS file lock (see lock.go). At most one row.
CREATE TABLE lock (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	holder TEXT NOT NULL,
	pid    INTEGER NOT NULL,
	host   TEXT NOT NULL,
	since  TEXT NOT NULL
);
`,
	// 2: Stripe webhook events (real-time invoice sync); see events.go.
	`
CREATE TABLE events (
	id              TEXT PRIMARY KEY,            -- Stripe event ID (evt_…): deliveries are deduplicated on it
	type            TEXT NOT NULL,               -- invoice.finalized, charge.succeeded, …
	object_id       TEXT NOT NULL DEFAULT '',    -- data.object.id (the invoice, for invoice events)
	api_version     TEXT NOT NULL DEFAULT '',
	created         TEXT NOT NULL DEFAULT '',    -- when Stripe created the event
	received_at     TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('queued', 'done', 'held', 'failed', 'no_action', 'daily', 'ignored')),
	reason          TEXT NOT NULL DEFAULT '',    -- why this action, from the routing table
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	next_attempt_at TEXT NOT NULL DEFAULT '',    -- queued: not before this
	updated_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX events_due ON events (status, next_attempt_at);
CREATE INDEX events_object ON events (object_id, status);
`,
	// 3: facts about the ledger as a whole: which accounts it belongs to and
	// through which arrival day every payout has been listed (see meta.go).
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`,
	// 4: what each record booked, for audit exports and ledger show
	// without asking NetSuite; see booked.go.
	`
ALTER TABLE records ADD COLUMN booked_amount   INTEGER NOT NULL DEFAULT 0;   -- minor units of booked_currency
ALTER TABLE records ADD COLUMN booked_currency TEXT NOT NULL DEFAULT '';     -- '' = nothing booked (customers, items) or unknown
ALTER TABLE records ADD COLUMN booked_account  TEXT NOT NULL DEFAULT '';     -- NetSuite internal ID, where the record names one
ALTER TABLE records ADD COLUMN booked_date     TEXT NOT NULL DEFAULT '';     -- YYYY-MM-DD
`,
	// 5: NetSuite internal IDs written back into Stripe metadata
	// (stripe.write_back); see writebacks.go.
	`
CREATE TABLE writebacks (
	external_id     TEXT PRIMARY KEY,            -- the NetSuite record's (records.external_id)
	stripe_id       TEXT NOT NULL,               -- the Stripe object whose metadata gets it
	key             TEXT NOT NULL,               -- metadata key (netsuite_customer_id, …)
	internal_id     TEXT NOT NULL,               -- the value: the NetSuite internal ID
	status          TEXT NOT NULL CHECK (status IN ('done', 'retry', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	next_attempt_at TEXT NOT NULL DEFAULT '',    -- retry: not before this
	updated_at      TEXT NOT NULL
) WITHOUT ROWID;
`,
	// 6 (issue 15, async batches): NetSuite async batch jobs
	// (netsuite.batch), each stored with its idempotency key before it is
	// sent, so a run killed after submitting follows the job instead of
	// submitting again; see batches.go.
	`
CREATE TABLE batch_jobs (
	idempotency_key TEXT PRIMARY KEY,            -- X-NetSuite-Idempotency-Key of the submission
	record_type     TEXT NOT NULL,
	payout_id       TEXT NOT NULL DEFAULT '',
	external_ids    TEXT NOT NULL,               -- JSON array, in the order of the batch's items (and tasks)
	location        TEXT NOT NULL DEFAULT '',    -- the job (…/async/v1/job/<id>), once NetSuite accepted it
	status          TEXT NOT NULL CHECK (status IN ('submitting', 'submitted', 'done')),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX batch_jobs_open ON batch_jobs (payout_id, status);
`,
}

// NewerSchemaError says a newer nsrecon wrote the ledger: it is not
// damaged, this build is too old to read it.
type NewerSchemaError struct {
	Path           string
	Version, Known int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("ledger: %s has schema version %d, newer than this nsrecon knows (%d); it is not damaged: upgrade nsrecon", e.Path, e.Version, e.Known)
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

func (l *Ledger) migrate(ctx context.Context) error {
	// Each migration is its own immediate transaction that re-reads the
	// version inside it, so two processes opening a new ledger at once
	// apply every migration exactly once.
	for {
		done, err := l.migrateOne(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

func (l *Ledger) migrateOne(ctx context.Context) (done bool, err error) {
	err = l.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    INTEGER PRIMARY KEY,
			applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("ledger: schema_version: %w", err)
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
			return fmt.Errorf("ledger: schema version: %w", err)
		}
		switch {
		case v > len(migrations):
			return &NewerSchemaError{Path: l.path, Version: v, Known: len(migrations)}
		case v == len(migrations):
			done = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("ledger: migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, v+1, l.stamp()); err != nil {
			return fmt.Errorf("ledger: migration %d: %w", v+1, err)
		}
		return nil
	})
	return done, err
}

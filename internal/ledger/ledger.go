// Package ledger is nsrecon's local sync ledger: a SQLite file that says which
// NetSuite records nsrecon has made (with their internal IDs), the state of
// every payout, and the history of runs. It lets a re-run skip finished work
// at zero NetSuite cost and holds the lock that keeps runs from overlapping.
//
// Every write is one short transaction, so a process killed at any instant
// leaves the ledger at a transaction boundary. The ledger is a cache of what
// NetSuite holds, never the authority: losing a row (or the whole file) only
// costs an idempotent upsert by external ID on the next run.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Ledger is an open ledger file. It is safe for concurrent use.
type Ledger struct {
	db   *sql.DB
	path string // as given, for messages
	real string // symlinks resolved: SQLite's -wal/-shm files and the lock live beside it
	now  func() time.Time
}

// Option configures Open.
type Option func(*Ledger)

// WithClock replaces time.Now for the timestamps the ledger writes, so tests
// get deterministic updated_at / since values.
func WithClock(now func() time.Time) Option {
	return func(l *Ledger) { l.now = now }
}

// busyTimeout is how long a statement waits for another connection or
// process (a concurrent `nsrecon status`, say) to release the write lock.
const busyTimeout = 10 * time.Second

// Open opens the ledger at path, creating it (mode 0600, parent directory
// 0700) if needed, and brings its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*Ledger, error) {
	if path == "" {
		return nil, errors.New("ledger: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	// Create the file ourselves so it is 0600 from the first byte: SQLite
	// would use 0644 minus umask, and the ledger names customers and IDs.
	// SQLite gives the -wal and -shm files the database file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	f.Close()
	real, err := identify(path)
	if err != nil {
		return nil, err
	}

	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// NORMAL is durable across process crashes (SIGKILL) in WAL mode; a power
	// loss may drop the last commits, which only costs re-upserts later.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// BEGIN IMMEDIATE takes the write lock up front: a deferred transaction
	// that upgrades from read to write can fail with SQLITE_BUSY at once,
	// without busy_timeout ever applying.
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: real}).EscapedPath() + "?" + q.Encode()

	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	// One connection serialises this process's statements, which SQLite
	// would do anyway for writes, and removes in-process SQLITE_BUSY. All
	// statements are short; nothing holds a transaction across I/O.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)

	l := &Ledger{db: db, path: path, real: real, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	if err := l.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return l, nil
}

// Path is the ledger file's path.
func (l *Ledger) Path() string { return l.path }

// Close closes the database. It does not release a lock taken with Lock;
// call its unlock function first.
func (l *Ledger) Close() error { return l.db.Close() }

// tx runs fn in one immediate transaction and commits it.
func (l *Ledger) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

// Timestamps are stored as RFC 3339 UTC text: readable with the sqlite3
// shell, sortable as strings, and free of driver-specific time handling.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("ledger: bad timestamp %q: %w", s, err)
	}
	return t, nil
}

func (l *Ledger) stamp() string { return fmtTime(l.now()) }

package realtime

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// MetadataWriter sets metadata on Stripe objects (*payout.Writer).
type MetadataWriter interface {
	SetMetadata(ctx context.Context, resource, id string, md map[string]string) error
}

// writeBackRows says, per NetSuite record nsrecon makes for a Stripe
// object, which object's metadata gets its internal ID and under which
// key, as the Stripe connector does. Records made for guests (a customer
// per email) and for disputes have no such object here.
var writeBackRows = []struct {
	recordType, prefix, resource, key string
}{
	{netsuite.TypeCustomer, "cus_", "customers", "netsuite_customer_id"},
	{netsuite.TypeInvoice, "in_", "invoices", "netsuite_invoice_id"},
	{netsuite.TypeCustomerPayment, "ch_", "charges", "netsuite_payment_id"},
	{netsuite.TypeCustomerPayment, "py_", "charges", "netsuite_payment_id"},
	{netsuite.TypeCreditMemo, "re_", "refunds", "netsuite_credit_memo_id"},
	{netsuite.TypeCustomerRefund, "re_", "refunds", "netsuite_refund_id"},
}

// WriteBack writes the NetSuite internal ID of each record nsrecon made
// into its Stripe object's metadata (stripe.write_back). It reads what is
// due from the ledger, so records made by the listener and by the daily
// run are written alike, and a write that failed is tried again later.
// It never touches NetSuite or the ledger's records: a failure cannot
// change the books.
type WriteBack struct {
	Ledger *ledger.Ledger
	Stripe MetadataWriter
	Log    *slog.Logger
	Now    func() time.Time
	// Interval is how often Run looks for records to write (default 5 s);
	// MinBackoff and MaxBackoff bound the wait before a failed write is
	// tried again (default 10 s and 1 h).
	Interval, MinBackoff, MaxBackoff time.Duration
}

func (w *WriteBack) defaults() {
	w.Interval = cmp.Or(w.Interval, 5*time.Second)
	w.MinBackoff = cmp.Or(w.MinBackoff, 10*time.Second)
	w.MaxBackoff = max(cmp.Or(w.MaxBackoff, time.Hour), w.MinBackoff)
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Run writes back until ctx ends.
func (w *WriteBack) Run(ctx context.Context) error {
	w.defaults()
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.Once(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("write-back", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Once writes back everything due now and returns how many were written.
// The error is the ledger's; Stripe's refusals are recorded per record.
func (w *WriteBack) Once(ctx context.Context) (int, error) {
	w.defaults()
	kinds := make([]ledger.WriteBackKind, len(writeBackRows))
	for i, r := range writeBackRows {
		kinds[i] = ledger.WriteBackKind{RecordType: r.recordType, SourcePrefix: r.prefix}
	}
	written := 0
	for ctx.Err() == nil {
		due, err := w.Ledger.WriteBacksDue(ctx, kinds, w.Now(), 100)
		if err != nil || len(due) == 0 {
			return written, err
		}
		for _, d := range due {
			ok, err := w.one(ctx, d)
			if err != nil {
				return written, err
			}
			if ok {
				written++
			}
		}
	}
	return written, ctx.Err()
}

// one writes one record's internal ID and records the outcome.
func (w *WriteBack) one(ctx context.Context, d ledger.WriteBack) (bool, error) {
	row, ok := rowFor(d)
	if !ok {
		return false, nil
	}
	err := w.Stripe.SetMetadata(ctx, row.resource, d.Source, map[string]string{row.key: d.InternalID})
	lctx := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		return true, w.Ledger.SetWriteBack(lctx, d, d.Source, row.key, ledger.WriteBackDone, "", time.Time{})
	case ctx.Err() != nil:
		return false, ctx.Err()
	case errors.Is(err, payout.ErrNotFound) || payout.IsInvalid(err):
		w.Log.Warn("write-back refused by Stripe; not retried", "object", d.Source, "key", row.key, "err", err)
		return false, w.Ledger.SetWriteBack(lctx, d, d.Source, row.key, ledger.WriteBackFailed, err.Error(), time.Time{})
	default:
		next := w.backoff(d.Attempts)
		w.Log.Warn("write-back failed; retrying", "object", d.Source, "key", row.key, "retry_in", next, "err", err)
		return false, w.Ledger.SetWriteBack(lctx, d, d.Source, row.key, ledger.WriteBackRetry, err.Error(), w.Now().Add(next))
	}
}

func rowFor(d ledger.WriteBack) (struct{ recordType, prefix, resource, key string }, bool) {
	for _, r := range writeBackRows {
		if r.recordType == d.RecordType && strings.HasPrefix(d.Source, r.prefix) {
			return r, true
		}
	}
	return writeBackRows[0], false
}

func (w *WriteBack) backoff(attempts int) time.Duration {
	d := w.MinBackoff << min(attempts, 30)
	if d <= 0 || d > w.MaxBackoff {
		d = w.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

package payout

import (
	"context"
	"errors"
	"testing"
)

func TestNotFound(t *testing.T) {
	f := newFixture(t, loadScenario(t, "plain_charges"), 0, testKey)
	ctx := context.Background()
	_, _, err := f.reader.Invoice(ctx, "in_gone")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Invoice: errors.Is(%v, ErrNotFound) = false", err)
	}
	// The message is in reports and the webhook queue's last error.
	if want := "stripe: getting invoice in_gone: no such invoice"; err == nil || err.Error() != want {
		t.Errorf("Invoice: error %v, want %q", err, want)
	}
	_, err = f.reader.GetPayout(ctx, "po_gone")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("GetPayout: errors.Is(%v, ErrNotFound) = false", err)
	}
	wrong := newFixture(t, loadScenario(t, "plain_charges"), 0, "sk_test_wrong_key_000000")
	if _, err := wrong.reader.GetPayout(ctx, "po_123"); errors.Is(err, ErrNotFound) {
		t.Errorf("auth error %v matches ErrNotFound", err)
	}
}

package reconcile

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
)

// payout.created in the seeds: a payout not paid yet is validated, never
// synced. --include-in-transit shows it in a dry run.
func TestIncludeInTransit(t *testing.T) {
	day := time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC)
	b := stripefake.NewBuilder(99, day.AddDate(0, 0, -3))
	cus := b.Customer(stripefake.CustomerSpec{Name: "Acme", Email: "ap@acme.test"})
	b.At(day)
	b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 5000})
	b.Payout(stripefake.PayoutSpec{ArrivalDate: day.AddDate(0, 0, 1).Truncate(24 * time.Hour)})
	b.Charge(stripefake.ChargeSpec{Customer: cus, Amount: 7000})
	b.Payout(stripefake.PayoutSpec{ArrivalDate: day.AddDate(0, 0, 2).Truncate(24 * time.Hour), Status: "in_transit"})
	hs := httptest.NewServer(stripefake.New(b.Scenario(), "sk_test_x"))
	defer hs.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: "sk_test_x", APIBase: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Stripe: reader, Now: func() time.Time { return day.AddDate(0, 0, 2) }}
	opts := Options{DryRun: true, From: day, To: day.AddDate(0, 0, 2), Settings: sandboxSettings(t)}

	rep, err := r.Run(context.Background(), opts)
	if err != nil || len(rep.Payouts) != 1 {
		t.Fatalf("paid only: %v, %d payouts", err, len(rep.Payouts))
	}
	opts.IncludeInTransit = true
	rep, err = r.Run(context.Background(), opts)
	if err != nil || len(rep.Payouts) != 2 {
		t.Fatalf("with in-transit: %v, %d payouts", err, len(rep.Payouts))
	}
	p := rep.Payouts[1]
	if p.Status != "ready" || p.DepositTotal != p.Amount || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "in_transit: validated only") {
		t.Errorf("in-transit payout = %+v", p)
	}
}

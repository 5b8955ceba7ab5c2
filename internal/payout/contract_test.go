package payout

import (
	"context"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// stripeMockVersion is the stripe-mock CI installs:
//
//	go install github.com/stripe/stripe-mock@v0.148.0
//
// Its bundled spec is API 2022-11-15, the nearest available to the
// 2023-10-16 that stripe-go v76 speaks (v0.203.0, spec 2026-08-26, passes
// too). stripe-mock checks parameters but accepts any expand path, so
// expansions are only checked by stripefake (depth limit) — see
// balanceTxnExpand.
const stripeMockVersion = "v0.148.0"

// TestStripeMockContract sends every kind of request the Reader and the
// Writer make,
// through stripe-go, to stripe-mock, which validates parameters and
// expansions against Stripe's OpenAPI spec. Its data is canned, so only
// "was anything rejected" is checked, not the contents.
func TestStripeMockContract(t *testing.T) {
	bin := os.Getenv("STRIPE_MOCK")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("stripe-mock"); err != nil {
			msg := "stripe-mock not found on PATH and STRIPE_MOCK unset; install with: go install github.com/stripe/stripe-mock@" + stripeMockVersion
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	httpAddr, httpsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	waitListening(t, httpAddr)

	r, err := NewReader(ReaderConfig{APIKey: "sk_test_123", APIBase: "http://" + httpAddr})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	w := r.Writer()
	idMeta := map[string]string{"netsuite_customer_id": "1234"}
	steps := []struct {
		name string
		do   func() error
	}{
		{"list payouts (status, arrival range)", func() error {
			_, err := r.ListPayouts(ctx, PayoutFilter{Status: "paid", ArrivalFrom: from, ArrivalTo: from.AddDate(0, 0, 7)})
			return err
		}},
		{"get payout", func() error { _, err := r.GetPayout(ctx, "po_123"); return err }},
		{"snapshot: balance transactions with payout and expansions", func() error {
			_, err := r.Snapshot(ctx, Payout{ID: "po_123", Automatic: true})
			return err
		}},
		{"get charge", func() error { _, err := r.charge(ctx, "ch_contract"); return err }},
		{"get refund", func() error { _, err := r.refund(ctx, "re_contract"); return err }},
		{"get dispute", func() error { _, err := r.dispute(ctx, "dp_contract"); return err }},
		{"get customer", func() error { _, err := r.customer(ctx, "cus_contract"); return err }},
		{"get invoice with expansions", func() error { _, _, err := r.Invoice(ctx, "in_contract"); return err }},
		{"list invoice lines", func() error { _, err := r.invoiceLines(ctx, "in_contract", "il_contract"); return err }},
		{"credit notes of an invoice with discounts expanded", func() error { _, err := r.creditNotes(ctx, "in_contract"); return err }},
		{"list credit note lines", func() error { _, err := r.creditNoteLines(ctx, "cn_contract", "cnli_contract"); return err }},
		// Real-time reads.
		{"charge activity: charge with balance transaction, refunds of the charge", func() error {
			_, err := r.Fresh().ChargeActivity(ctx, "ch_contract")
			return err
		}},
		{"refunds of a charge with their balance transactions", func() error {
			return r.Fresh().refundsInto(ctx, "ch_contract", newSnapshot())
		}},
		{"dispute activity", func() error { _, err := r.Fresh().DisputeActivity(ctx, "dp_contract"); return err }},
		{"price with product", func() error { _, err := r.Price(ctx, "price_contract"); return err }},
		// Writes: write-back and customer export.
		{"metadata on a customer", func() error { return w.SetMetadata(ctx, "customers", "cus_contract", idMeta) }},
		{"metadata on a charge", func() error { return w.SetMetadata(ctx, "charges", "ch_contract", idMeta) }},
		{"metadata on an invoice", func() error { return w.SetMetadata(ctx, "invoices", "in_contract", idMeta) }},
		{"metadata on a refund", func() error { return w.SetMetadata(ctx, "refunds", "re_contract", idMeta) }},
		{"create customer", func() error {
			_, err := w.CreateCustomer(ctx, CustomerFields{Name: "Ada", Email: "ada@example.com", Metadata: idMeta})
			return err
		}},
		{"update customer", func() error {
			return w.UpdateCustomer(ctx, "cus_contract", CustomerFields{Name: "Ada", Email: "ada@example.com"})
		}},
		{"customer by email", func() error { _, err := w.CustomerByEmail(ctx, "ada@example.com"); return err }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Errorf("%s: rejected: %v", s.name, err)
		}
	}
	t.Logf("requests sent: %v", r.Requests())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("stripe-mock did not listen on %s", addr)
}

package stripefake

import "time"

// Scenarios for the money movements beyond charges and refunds (issue 5).

// disputes: a plain charge and an invoice charge are disputed the day
// after they were paid out (funds withdrawn with a $15 fee); one dispute is
// won two days later and its funds reinstated in a third payout.
func disputes() *Builder {
	b := NewBuilder(11, day0.AddDate(0, 0, -7))
	custs := customers(b, 4)
	cat := newCatalog(b)
	startDay(b, 0)
	cs := charges(b, custs, 4)
	_, ic := b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 2), TaxBps: 825})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	for i := range 4 { // a good day: the payout stays positive after the disputes
		b.Charge(ChargeSpec{Customer: custs[i], Amount: 60000, Description: "Annual plan"})
	}
	won := b.Dispute(cs[2], "fraudulent")
	b.Dispute(ic, "product_not_received")
	payoutAt(b, 1, PayoutSpec{})
	startDay(b, 2)
	charges(b, custs, 2)
	b.DisputeWon(won)
	payoutAt(b, 2, PayoutSpec{})
	return b
}

// multiCurrency: a USD account charging in EUR and GBP. One EUR charge
// settled a cent above what its published rate gives (the FX line), and a
// GBP charge is partly refunded at the same rate.
func multiCurrency() *Builder {
	b := NewBuilder(12, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 2)
	eur := b.Charge(ChargeSpec{Customer: custs[0], Amount: 9999, Currency: "eur", ExchangeRate: "1.0857", Description: "EUR order"})
	b.Settle(eur, 1)
	b.Charge(ChargeSpec{Customer: custs[1], Amount: 25000, Currency: "eur", ExchangeRate: "1.0857", Description: "EUR order"})
	gbp := b.Charge(ChargeSpec{Customer: custs[2], Amount: 4550, Currency: "gbp", ExchangeRate: "1.2671", Description: "GBP order"})
	b.Refund(gbp, 1000, "requested_by_customer")
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// jpyPayout: a zero-decimal account (amounts are whole yen).
func jpyPayout() *Builder {
	b := NewBuilder(13, day0.AddDate(0, 0, -7))
	b.SetCurrency("jpy")
	custs := customers(b, 3)
	startDay(b, 0)
	cs := []string{}
	for i, amt := range []int64{1980, 12800, 55000, 3300} {
		cs = append(cs, b.Charge(ChargeSpec{Customer: custs[i%3], Amount: amt, Description: "Order"}))
	}
	b.Refund(cs[1], 2800, "requested_by_customer")
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// kwdPayout: a three-decimal account (amounts are fils).
func kwdPayout() *Builder {
	b := NewBuilder(14, day0.AddDate(0, 0, -7))
	b.SetCurrency("kwd")
	custs := customers(b, 2)
	startDay(b, 0)
	c := b.Charge(ChargeSpec{Customer: custs[0], Amount: 12345, Description: "Order"}) // 12.345 KWD
	b.Charge(ChargeSpec{Customer: custs[1], Amount: 7005, Description: "Order"})
	b.Refund(c, 345, "")
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// connectPlatform: a platform's own payout with application fees it
// earned, one application fee refunded, and a transfer to a connected
// account and its partial reversal.
func connectPlatform() *Builder {
	b := NewBuilder(15, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 3)
	for i, amt := range []int64{450, 1200, 300} {
		b.Adjustment(AdjustmentSpec{Type: "application_fee", ReportingCategory: "platform_earning", Amount: amt,
			Source: b.id("fee"), Description: "Application fee from acct_1Connected0" + string(rune('A'+i))})
	}
	b.Adjustment(AdjustmentSpec{Type: "application_fee_refund", ReportingCategory: "platform_earning_refund", Amount: -300,
		Source: b.id("fr"), Description: "Application fee refund"})
	b.Adjustment(AdjustmentSpec{Type: "transfer", ReportingCategory: "transfer", Amount: -5000, Source: b.id("tr"),
		Description: "Transfer to acct_1ConnectedA"})
	b.Adjustment(AdjustmentSpec{Type: "transfer_refund", ReportingCategory: "transfer_reversal", Amount: 1500, Source: b.id("trr"),
		Description: "Transfer reversal from acct_1ConnectedA"})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// payoutFailure: the first payout fails (the bank rejected it) and never
// gets a deposit; Stripe returns its funds with a payout_failure
// transaction that the next, paid payout carries.
func payoutFailure() *Builder {
	b := NewBuilder(16, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 3)
	failed := payoutAt(b, 0, PayoutSpec{Status: "failed"})
	startDay(b, 1)
	charges(b, custs, 2)
	amount := b.obj(failed)["amount"].(int64)
	b.Adjustment(AdjustmentSpec{Type: "payout_failure", ReportingCategory: "payout_reversal", Amount: amount, Source: failed,
		Description: "Payout failure: account closed"})
	payoutAt(b, 1, PayoutSpec{})
	return b
}

// orphanRefund: a refund of a charge nsrecon never reconciled (paid out
// before its first run: here, a charge no payout of the account contains).
func orphanRefund() *Builder {
	b := NewBuilder(17, day0.AddDate(0, 0, -30))
	custs := customers(b, 2)
	old := b.Charge(ChargeSpec{Customer: custs[0], Amount: 8900, Description: "Order from before nsrecon"})
	b.pending = nil // paid out long ago, outside any window nsrecon sees
	b.At(day0.Add(8 * time.Hour))
	charges(b, custs, 3)
	b.Refund(old, 0, "requested_by_customer")
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// unknownCategory: a balance transaction of a reporting category Stripe
// does not document for 2023-10-16 (as a newer Stripe API might send),
// which this nsrecon cannot know how to account.
func unknownCategory() *Builder {
	b := NewBuilder(18, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 3)
	b.Adjustment(AdjustmentSpec{Type: "payment_network_reserve_hold", ReportingCategory: "payment_network_reserved_funds", Amount: -1200,
		Description: "Payment network reserve"})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

package stripefake

// Volume is an account with one paid payout of about n balance
// transactions, shaped like a busy account (the planner benchmark's
// shape): 1 in 4 charges pays an invoice of 3 lines with sales tax, 1 in
// 10 charges is partly refunded, customers repeat (n/8 of them), and every
// fee carries tax in fee_details. For the reader's benchmarks.
func Volume(n int) *Scenario {
	b := NewBuilder(15, day0.AddDate(0, 0, -7))
	custs := customers(b, max(1, n/8))
	cat := newCatalog(b)
	startDay(b, 0)
	for i, txns := 0, 0; txns < n; i++ {
		cus := custs[i%len(custs)]
		var ch string
		if i%4 == 0 {
			lines := append(cat.subscriptionLines(b), LineSpec{Amount: 200, Description: "Add-on"})
			_, ch = b.Invoice(InvoiceSpec{Customer: cus, Lines: lines, TaxBps: 825, FeeTaxBps: 2000})
		} else {
			ch = b.Charge(ChargeSpec{Customer: cus, Amount: int64(1000 + i%9000), FeeTaxBps: 2000, Description: "Order"})
		}
		txns++
		if i%10 == 3 {
			b.Refund(ch, 300, "requested_by_customer")
			txns++
		}
	}
	payoutAt(b, 0, PayoutSpec{})
	return b.Scenario()
}

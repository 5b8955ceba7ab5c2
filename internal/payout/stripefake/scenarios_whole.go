package stripefake

// Scenarios of issue 11: a payout is pushed whole or not at all.

// unknownNetSuiteCustomer: a customer linked to a NetSuite customer by
// metadata netsuite_customer_id that does not exist there (day 1), and one
// whose link is not an internal ID at all (day 2). Both payouts are held
// before their first write: the first by the verification against
// NetSuite, the second by the planner.
func unknownNetSuiteCustomer() *Builder {
	b := NewBuilder(31, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	linked := b.Customer(CustomerSpec{Name: "Linked Ltd", Email: "ap@linked.example", Metadata: map[string]string{"netsuite_customer_id": "99999"}})
	typo := b.Customer(CustomerSpec{Name: "Typo Inc", Email: "ap@typo.example", Metadata: map[string]string{"netsuite_customer_id": "12a4"}})
	startDay(b, 0)
	charges(b, custs, 2)
	b.Charge(ChargeSpec{Customer: linked, Amount: 12000, Description: "Annual support"})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 1)
	b.Charge(ChargeSpec{Customer: typo, Amount: 3400, Description: "Setup"})
	payoutAt(b, 1, PayoutSpec{})
	return b
}

// refundThenDispute: a charge paid out on day 1, partly refunded on day 2
// (30.00), then disputed for the whole charge on day 3: the dispute takes
// back 30.00 more than its payment still has open.
func refundThenDispute() *Builder {
	b := NewBuilder(32, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 2)
	ch := b.Charge(ChargeSpec{Customer: custs[0], Amount: 10000, Description: "Order #424242"})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 2)
	b.Refund(ch, 3000, "requested_by_customer")
	payoutAt(b, 1, PayoutSpec{})
	startDay(b, 2)
	charges(b, custs, 3)
	b.Dispute(ch, "fraudulent")
	payoutAt(b, 2, PayoutSpec{})
	return b
}

// disputeThenRefund: a charge disputed in full on day 2, then partly
// refunded on day 3: nothing is open on its payment for the refund.
func disputeThenRefund() *Builder {
	b := NewBuilder(33, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 2)
	ch := b.Charge(ChargeSpec{Customer: custs[1], Amount: 8000, Description: "Order #515151"})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 3)
	b.Dispute(ch, "product_not_received")
	payoutAt(b, 1, PayoutSpec{})
	startDay(b, 2)
	charges(b, custs, 3)
	b.Refund(ch, 2500, "requested_by_customer")
	payoutAt(b, 2, PayoutSpec{})
	return b
}

// creditBalance: invoices paid partly from the customer's Stripe credit
// balance: the card pays the rest. In NetSuite each invoice ends fully
// settled: the payment for the card part, a credit memo of
// items.customer_balance for the balance part.
func creditBalance() *Builder {
	b := NewBuilder(34, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	cat := newCatalog(b)
	startDay(b, 0)
	b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 2), CreditBalance: 2500})
	b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 1), TaxBps: 825, CreditBalance: 1000})
	b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 1)})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// creditNotes: credit notes as Stripe Billing issues them. Day 1: an
// invoice with a pre-payment credit note (the card pays what it leaves
// due), and one with a post-payment credit note credited to the customer's
// balance; day 2: a post-payment credit note refunded to the card, of an
// invoice with a coupon and tax paid out on day 1.
func creditNotes() *Builder {
	b := NewBuilder(35, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	cat := newCatalog(b)
	coupon := b.Coupon("Spring 10%", 10, 0)
	startDay(b, 0)
	refunded, _ := b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 3), Coupon: coupon, TaxBps: 825})
	b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 2), TaxBps: 825,
		PrePaymentCredit: &CreditNoteSpec{Lines: []CreditLineSpec{{Line: 0, Quantity: 1}}, Reason: "order_change"}})
	credited, _ := b.Invoice(InvoiceSpec{Customer: custs[2], Lines: cat.manualLines(b, 2)})
	b.CreditNote(credited, CreditNoteSpec{Lines: []CreditLineSpec{{Line: 1}}, Reason: "product_unsatisfactory"})
	charges(b, custs, 2)
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 6)
	b.CreditNote(refunded, CreditNoteSpec{Lines: []CreditLineSpec{{Line: 0, Quantity: 1}, {Line: 1, Quantity: 1}}, Refund: true, Reason: "product_unsatisfactory"})
	payoutAt(b, 1, PayoutSpec{})
	return b
}

package stripefake

// Scenarios for what Stripe's 2023-10-16 API can send beyond the common
// cases (issue 17).

// newCategories: one balance transaction of each reporting category that
// Stripe documents for 2023-10-16 and stripe-go v76 does not name. nsrecon
// knows them all (deposit lines); the sandbox maps none of them, so the
// payout is held naming accounts.categories.<category> for each.
func newCategories() *Builder {
	b := NewBuilder(19, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 4)
	for _, a := range []AdjustmentSpec{
		{Type: "anticipation_repayment", ReportingCategory: "anticipation_repayment", Amount: -700, Description: "Anticipation repayment"},
		{Type: "climate_order_purchase", ReportingCategory: "climate_order_purchase", Amount: -1200, Description: "Frontier climate order"},
		{Type: "climate_order_refund", ReportingCategory: "climate_order_refund", Amount: 400, Description: "Frontier climate order refund"},
		{Type: "contribution", ReportingCategory: "contribution", Amount: -150, Description: "Climate contribution"},
		{Type: "adjustment", ReportingCategory: "financing_paydown", Amount: -2500, Description: "Capital paydown"},
		{Type: "adjustment", ReportingCategory: "financing_paydown_reversal", Amount: 500, Description: "Capital paydown reversed"},
		{Type: "adjustment", ReportingCategory: "financing_payout", Amount: 10000, Description: "Capital financing"},
		{Type: "adjustment", ReportingCategory: "financing_payout_reversal", Amount: -1000, Description: "Capital financing reversed"},
		{Type: "stripe_fee", ReportingCategory: "network_cost", Amount: -35, Description: "Card network cost"},
		{Type: "payment_unreconciled", ReportingCategory: "unreconciled_customer_funds", Amount: 2000, Description: "Unreconciled customer funds"},
	} {
		b.Adjustment(a)
	}
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// deletedCustomer: two customers pay and are deleted in Stripe before
// nsrecon runs. Stripe then answers {id, object: "customer", deleted: true}
// for them; the first payment's billing details name the payer (a NetSuite
// customer by that email), the second's have no email (held: NetSuite
// customers need one).
func deletedCustomer() *Builder {
	b := NewBuilder(20, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	gone := b.Customer(CustomerSpec{Name: "Gone Fishing LLC", Email: "ap@gonefishing.example"})
	noEmail := b.Customer(CustomerSpec{Name: "Vanished Ventures"})
	startDay(b, 0)
	charges(b, custs, 2)
	b.Charge(ChargeSpec{Customer: gone, Amount: 4200, Description: "Bait and tackle"})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 1)
	b.Charge(ChargeSpec{Customer: noEmail, Amount: 1800, Description: "Consulting"})
	payoutAt(b, 1, PayoutSpec{})
	b.DeleteCustomer(gone)
	b.DeleteCustomer(noEmail)
	return b
}

// refundWithoutCharge: a refund Stripe made without a charge (charge:
// null, e.g. of a customer's cash balance). It has no payment to reverse,
// so it goes through rules.orphan_refund like a refund of a charge nsrecon
// never reconciled.
func refundWithoutCharge() *Builder {
	b := NewBuilder(21, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 3)
	b.RefundWithoutCharge(2500, "requested_by_customer")
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// invoiceShipping: invoices with a shipping cost (amount_shipping,
// shipping_cost), one with tax on the goods. The sandbox maps no shipping
// item (items.shipping), so the payout is held naming it.
func invoiceShipping() *Builder {
	b := NewBuilder(22, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	cat := newCatalog(b)
	startDay(b, 0)
	b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 2), Shipping: 1500})
	b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 1), TaxBps: 825, Shipping: 990})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

// payoutInProgress: a paid payout whose reconciliation_status is still
// in_progress (Stripe is assigning its balance transactions), next to one
// that is completed. The first is waiting: nothing is read or planned for
// it until Stripe finishes, and the next run retries it.
func payoutInProgress() *Builder {
	b := NewBuilder(23, day0.AddDate(0, 0, -7))
	custs := customers(b, 2)
	startDay(b, 0)
	charges(b, custs, 3)
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	charges(b, custs, 2)
	payoutAt(b, 1, PayoutSpec{ReconciliationStatus: "in_progress"})
	return b
}

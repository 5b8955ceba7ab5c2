package stripefake

import (
	"fmt"
	"strings"
	"time"
)

// The committed scenarios under testdata/scenarios/<name>/ are generated
// from these builders (go test ./internal/payout/stripefake -run
// TestGenerateScenarios -update); a test keeps files and code equal.

// day0 is the Monday the scenarios start on.
var day0 = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)

// Scenarios returns every named scenario's builder function.
func Scenarios() map[string]func() *Builder {
	return map[string]func() *Builder{
		"plain_charges":         plainCharges,
		"invoice_charges":       invoiceCharges,
		"refunds_plain":         refundsPlain,
		"refunds_invoice":       refundsInvoice,
		"fees":                  fees,
		"many_transactions":     manyTransactions,
		"sum_mismatch":          sumMismatch,
		"unsupported_category":  unsupportedCategory,
		"customer_no_email":     customerNoEmail,
		"manual_payout":         manualPayout,
		"sandbox":               sandbox,
		"disputes":              disputes,
		"multi_currency":        multiCurrency,
		"jpy_payout":            jpyPayout,
		"kwd_payout":            kwdPayout,
		"connect_platform":      connectPlatform,
		"payout_failure":        payoutFailure,
		"orphan_refund":         orphanRefund,
		"unknown_category":      unknownCategory,
		"new_categories":        newCategories,
		"deleted_customer":      deletedCustomer,
		"refund_without_charge": refundWithoutCharge,
		"invoice_shipping":      invoiceShipping,
		"payout_in_progress":    payoutInProgress,
		// issue 11 (scenarios_whole.go)
		"unknown_netsuite_customer": unknownNetSuiteCustomer,
		"refund_then_dispute":       refundThenDispute,
		"dispute_then_refund":       disputeThenRefund,
		"credit_balance":            creditBalance,
		"credit_notes":              creditNotes,
	}
}

// Sandbox is the demo account served by `nsrecon reconcile --sandbox`:
// four days with one automatic payout each (the third held: a customer
// without an email), a manual payout, invoices (manual and subscription,
// with coupons and tax), refunds and partial refunds of earlier days'
// charges, and fees with tax. Built in code (deterministic) so the binary
// needs no files; it equals testdata/scenarios/sandbox.
func Sandbox() *Scenario { return sandbox().Scenario() }

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis",
		"Radia", "John", "Hedy", "Tim", "Katherine", "Linus", "Sophie", "Niklaus", "Annie", "Bjarne"}
	lastNames = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton",
		"Ritchie", "Perlman", "McCarthy", "Lamarr", "Berners-Lee", "Johnson", "Torvalds", "Wilson", "Wirth", "Easley", "Stroustrup"}
	companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella Health", "Hooli", "Stark Industries", "Wayne Enterprises",
		"Cyberdyne", "Soylent", "Tyrell", "Wonka Industries", "Vandelay Imports", "Pied Piper", "Oscorp", "Massive Dynamic"}
)

// customers makes n customers with names and emails (deterministic).
func customers(b *Builder, n int) []string {
	var ids []string
	for i := range n {
		first, last := firstNames[b.IntN(len(firstNames))], lastNames[b.IntN(len(lastNames))]
		spec := CustomerSpec{Name: first + " " + last,
			Email: strings.ToLower(fmt.Sprintf("%s.%s%d@example.com", first, strings.ReplaceAll(last, "-", ""), i))}
		if i%3 == 1 { // a third are businesses
			spec.Name = companies[b.IntN(len(companies))]
			spec.Email = fmt.Sprintf("billing%d@%s.example", i, strings.ToLower(strings.Fields(spec.Name)[0]))
			spec.Phone = fmt.Sprintf("+1415555%04d", b.IntN(10000))
			spec.Metadata = map[string]string{"account_id": fmt.Sprintf("A-%05d", 1000+i)}
		}
		ids = append(ids, b.Customer(spec))
	}
	return ids
}

// catalog is a small SaaS price list: index 0–2 recurring plans, 3–6
// one-time services and usage.
type catalog struct{ prices []string }

func newCatalog(b *Builder) catalog {
	var c catalog
	for _, p := range []struct {
		product, nickname string
		amount            int64
		recurring         bool
	}{
		{"Starter plan", "Starter monthly", 1900, true},
		{"Pro plan", "Pro monthly", 4900, true},
		{"Team plan", "Team monthly (per seat)", 1200, true},
		{"Onboarding", "", 50000, false},
		{"Support hours", "Hourly support", 15000, false},
		{"API calls (1k)", "Metered API, per 1k", 200, false},
		{"Data export", "", 2500, false},
	} {
		c.prices = append(c.prices, b.Price(b.Product(p.product), p.amount, p.nickname, p.recurring))
	}
	return c
}

// manualLines draws n one-time lines (and an ad-hoc line every 4th one).
func (c catalog) manualLines(b *Builder, n int) []LineSpec {
	var lines []LineSpec
	for i := range n {
		if i%4 == 3 {
			lines = append(lines, LineSpec{Amount: int64(1000 + 100*b.IntN(90)), Description: fmt.Sprintf("Custom work, item %d", i+1)})
			continue
		}
		p := c.prices[3+b.IntN(4)]
		lines = append(lines, LineSpec{Price: p, Quantity: int64(1 + b.IntN(5))})
	}
	return lines
}

// subscriptionLines is a plan plus seats.
func (c catalog) subscriptionLines(b *Builder) []LineSpec {
	return []LineSpec{
		{Price: c.prices[b.IntN(2)], Quantity: 1, Description: "1 × plan (monthly)"},
		{Price: c.prices[2], Quantity: int64(2 + b.IntN(8)), Description: "Seats"},
	}
}

// charges makes n card charges by random customers over the builder's day.
func charges(b *Builder, custs []string, n int) []string {
	var ids []string
	for range n {
		ids = append(ids, b.Charge(ChargeSpec{
			Customer: custs[b.IntN(len(custs))], Amount: int64(500 + 25*b.IntN(800)),
			Description: "Order #" + fmt.Sprint(10000+b.IntN(90000)),
		}))
	}
	return ids
}

// payoutAt creates the automatic payout made at the end of day d, arriving
// the next day.
func payoutAt(b *Builder, d int, spec PayoutSpec) string {
	b.At(day0.AddDate(0, 0, d).Add(23 * time.Hour))
	spec.ArrivalDate = day0.AddDate(0, 0, d+1)
	return b.Payout(spec)
}

func startDay(b *Builder, d int) { b.At(day0.AddDate(0, 0, d).Add(8 * time.Hour)) }

func plainCharges() *Builder {
	b := NewBuilder(1, day0.AddDate(0, 0, -7))
	custs := customers(b, 5)
	startDay(b, 0)
	charges(b, custs, 12)
	payoutAt(b, 0, PayoutSpec{})
	return b
}

func invoiceCharges() *Builder {
	b := NewBuilder(2, day0.AddDate(0, 0, -7))
	custs := customers(b, 4)
	cat := newCatalog(b)
	coupon := b.Coupon("Launch 10% off", 10, 0)
	fixed := b.Coupon("Loyalty $25 off", 0, 2500)
	startDay(b, 0)
	b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 4), Coupon: coupon, TaxBps: 825})
	b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 3), TaxBps: 725})
	b.Invoice(InvoiceSpec{Customer: custs[2], Lines: cat.subscriptionLines(b), BillingReason: "subscription_cycle", Coupon: fixed})
	b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 5)})
	charges(b, custs, 2)
	payoutAt(b, 0, PayoutSpec{})
	return b
}

func refundsPlain() *Builder {
	b := NewBuilder(3, day0.AddDate(0, 0, -7))
	custs := customers(b, 5)
	startDay(b, 0)
	first := charges(b, custs, 8)
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	second := charges(b, custs, 5)
	b.Refund(first[1], 0, "requested_by_customer") // full, paid out yesterday
	b.Refund(first[4], 300, "")                    // partial, paid out yesterday
	b.Refund(second[0], 0, "duplicate")            // full, same payout
	b.Refund(second[2], 450, "requested_by_customer")
	payoutAt(b, 1, PayoutSpec{})
	return b
}

func refundsInvoice() *Builder {
	b := NewBuilder(4, day0.AddDate(0, 0, -7))
	custs := customers(b, 4)
	cat := newCatalog(b)
	coupon := b.Coupon("Spring 15", 15, 0)
	startDay(b, 0)
	_, c1 := b.Invoice(InvoiceSpec{Customer: custs[0], Lines: cat.manualLines(b, 3), TaxBps: 825})
	_, c2 := b.Invoice(InvoiceSpec{Customer: custs[1], Lines: cat.manualLines(b, 2), Coupon: coupon})
	b.Invoice(InvoiceSpec{Customer: custs[2], Lines: cat.subscriptionLines(b), BillingReason: "subscription_create"})
	payoutAt(b, 0, PayoutSpec{})
	startDay(b, 1)
	_, c3 := b.Invoice(InvoiceSpec{Customer: custs[3], Lines: cat.manualLines(b, 3), TaxBps: 600})
	_, c4 := b.Invoice(InvoiceSpec{Customer: custs[2], Lines: cat.subscriptionLines(b), BillingReason: "subscription_cycle"})
	b.Refund(c1, 0, "requested_by_customer") // full, invoice paid out yesterday
	b.Refund(c2, 1000, "")                   // partial, paid out yesterday
	b.Refund(c3, 0, "duplicate")             // full, same payout
	b.Refund(c4, 700, "requested_by_customer")
	for i := range 3 { // enough sales that the day's payout stays positive
		b.Charge(ChargeSpec{Customer: custs[i], Amount: 40000, Description: "Annual plan"})
	}
	payoutAt(b, 1, PayoutSpec{})
	return b
}

func fees() *Builder {
	b := NewBuilder(5, day0.AddDate(0, 0, -7))
	custs := customers(b, 4)
	startDay(b, 0)
	for i := range 6 {
		b.Charge(ChargeSpec{Customer: custs[i%4], Amount: int64(2000 + 1500*i), Description: "Order with VAT on fees", FeeTaxBps: 2000})
	}
	b.Adjustment(AdjustmentSpec{Type: "stripe_fee", ReportingCategory: "fee", Amount: -1500, Description: "Billing (2024-02-01 - 2024-02-29): Usage fees"})
	b.Adjustment(AdjustmentSpec{Type: "tax_fee", ReportingCategory: "tax", Amount: -300, Description: "VAT on Billing usage fees"})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

func manyTransactions() *Builder {
	b := NewBuilder(6, day0.AddDate(0, 0, -7))
	custs := customers(b, 40)
	cat := newCatalog(b)
	coupon := b.Coupon("Volume 5%", 5, 0)
	startDay(b, 0) // a long day: ~320 objects up to 7 minutes apart
	var all []string
	for i := range 8 {
		// 11–25 lines: more than the 10 Stripe embeds in the invoice.
		_, c := b.Invoice(InvoiceSpec{Customer: custs[i], Lines: cat.manualLines(b, 11+2*i), Coupon: coupon, TaxBps: 825})
		all = append(all, c)
		all = append(all, charges(b, custs, 34)...)
	}
	for i := range 30 {
		amount := int64(0)
		if i%2 == 1 {
			amount = 200
		}
		b.Refund(all[i*9+1], amount, "requested_by_customer")
	}
	payoutAt(b, 1, PayoutSpec{})
	return b
}

func sumMismatch() *Builder {
	b := NewBuilder(7, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 6)
	payoutAt(b, 0, PayoutSpec{Delta: 137})
	return b
}

func unsupportedCategory() *Builder {
	b := NewBuilder(8, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 5)
	b.Adjustment(AdjustmentSpec{Type: "issuing_authorization_hold", ReportingCategory: "issuing_authorization_hold",
		Amount: -2500, Source: b.id("iauth"), Description: "Issuing authorization hold"})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

func customerNoEmail() *Builder {
	b := NewBuilder(9, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	noEmail := b.Customer(CustomerSpec{Name: "Dunder Supplies", Phone: "+15705550100"})
	startDay(b, 0)
	charges(b, custs, 4)
	b.Charge(ChargeSpec{Customer: noEmail, Amount: 12500, Description: "Paper, 50 reams"})
	payoutAt(b, 0, PayoutSpec{})
	return b
}

func manualPayout() *Builder {
	b := NewBuilder(10, day0.AddDate(0, 0, -7))
	custs := customers(b, 3)
	startDay(b, 0)
	charges(b, custs, 4)
	b.At(day0.Add(20 * time.Hour))
	b.Payout(PayoutSpec{Manual: true, Amount: 5000, ArrivalDate: day0, Description: "Instant payout"})
	return b
}

func sandbox() *Builder {
	b := NewBuilder(2024, day0.AddDate(0, 0, -7))
	custs := customers(b, 30)
	noEmail := b.Customer(CustomerSpec{Name: "Dunder Supplies", Phone: "+15705550100", Description: "Walk-in account, no email on file"})
	cat := newCatalog(b)
	launch := b.Coupon("Launch 10% off", 10, 0)
	loyalty := b.Coupon("Loyalty $25 off", 0, 2500)
	var earlier []string // charges paid out on previous days
	for d := range 4 {
		startDay(b, d)
		var today []string
		for i := range 3 {
			var coupon string
			if i == 0 {
				coupon = launch
			}
			_, c := b.Invoice(InvoiceSpec{Customer: custs[b.IntN(len(custs))], Lines: cat.manualLines(b, 2+b.IntN(5)), Coupon: coupon, TaxBps: 825})
			today = append(today, c)
			var sc string
			if i == 1 {
				sc = loyalty
			}
			_, c = b.Invoice(InvoiceSpec{Customer: custs[b.IntN(len(custs))], Lines: cat.subscriptionLines(b),
				BillingReason: "subscription_cycle", Coupon: sc})
			today = append(today, c)
		}
		today = append(today, charges(b, custs, 50+b.IntN(15))...)
		for i := range 3 {
			today = append(today, b.Charge(ChargeSpec{Customer: custs[b.IntN(len(custs))], Amount: int64(3000 + 700*i),
				Description: "EU order, VAT on fees", FeeTaxBps: 2000}))
		}
		if d == 2 {
			today = append(today, b.Charge(ChargeSpec{Customer: noEmail, Amount: 12500, Description: "Paper, 50 reams"}))
		}
		if d > 0 {
			// Refunds of charges paid out earlier (full and partial) and of today's.
			b.Refund(take(b, &earlier), 0, "requested_by_customer")
			b.Refund(take(b, &earlier), 0, "duplicate")
			b.Refund(take(b, &earlier), 500, "requested_by_customer")
			b.Refund(today[0], 1000, "")
			b.Refund(today[1], 0, "fraudulent")
		}
		if d == 1 {
			b.Adjustment(AdjustmentSpec{Type: "stripe_fee", ReportingCategory: "fee", Amount: -1500, Description: "Billing (2024-02-01 - 2024-02-29): Usage fees"})
			b.Adjustment(AdjustmentSpec{Type: "tax_fee", ReportingCategory: "tax", Amount: -300, Description: "VAT on Billing usage fees"})
		}
		earlier = append(earlier, today[2:]...) // today[0:2] were refunded
		payoutAt(b, d, PayoutSpec{})
	}
	b.At(day0.AddDate(0, 0, 3).Add(23*time.Hour + 30*time.Minute))
	b.Payout(PayoutSpec{Manual: true, Amount: 25000, ArrivalDate: day0.AddDate(0, 0, 3), Description: "Instant payout"})
	return b
}

// take removes and returns a random element of *ids, so no charge is
// refunded twice.
func take(b *Builder, ids *[]string) string {
	i := b.IntN(len(*ids))
	id := (*ids)[i]
	*ids = append((*ids)[:i], (*ids)[i+1:]...)
	return id
}

package stripefake

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Builder composes a consistent Stripe account: customers, catalog,
// invoices, charges with realistic fees, refunds and payouts whose balance
// transactions add up. The same seed always yields the same objects and IDs.
//
// Charges, refunds and adjustments create balance transactions that wait in
// the balance; Payout sweeps everything waiting into an automatic payout.
type Builder struct {
	rng      *rand.Rand
	now      time.Time
	currency string
	order    []string
	objs     map[string]map[string]any
	pending  []string // balance transactions not yet paid out
	invoices int      // for invoice numbers
}

// NewBuilder starts an account whose clock is at start, in USD.
func NewBuilder(seed uint64, start time.Time) *Builder {
	return &Builder{
		rng:      rand.New(rand.NewPCG(seed, 0x5eed)),
		now:      start.UTC(),
		currency: "usd",
		objs:     map[string]map[string]any{},
	}
}

// Now is the builder's clock.
func (b *Builder) Now() time.Time { return b.now }

// At moves the clock (forward or back) to t; later objects are created
// from there on.
func (b *Builder) At(t time.Time) { b.now = t.UTC() }

// IntN exposes the builder's deterministic randomness to scenario code.
func (b *Builder) IntN(n int) int { return b.rng.IntN(n) }

// tick advances the clock a little, so objects get distinct, increasing
// creation times as in a real account.
func (b *Builder) tick() int64 {
	b.now = b.now.Add(time.Duration(20+b.rng.IntN(400)) * time.Second)
	return b.now.Unix()
}

const idChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func (b *Builder) id(prefix string) string {
	buf := make([]byte, 0, len(prefix)+1+24)
	buf = append(buf, prefix...)
	buf = append(buf, '_', '1')
	for range 23 {
		buf = append(buf, idChars[b.rng.IntN(len(idChars))])
	}
	return string(buf)
}

func (b *Builder) put(o map[string]any) string {
	id := o["id"].(string)
	if _, dup := b.objs[id]; dup {
		panic("stripefake: duplicate id " + id)
	}
	fillDefaults(o)
	b.objs[id] = o
	b.order = append(b.order, id)
	return id
}

func (b *Builder) obj(id string) map[string]any {
	o, ok := b.objs[id]
	if !ok {
		panic("stripefake: builder: unknown object " + id)
	}
	return o
}

// nullable writes Stripe's null for empty optional strings.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func metadata(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CustomerSpec describes a customer; empty Email or Phone stay null.
type CustomerSpec struct {
	Name, Email, Phone, Description string
	Metadata                        map[string]string
}

// Customer creates a customer and returns its ID.
func (b *Builder) Customer(s CustomerSpec) string {
	return b.put(map[string]any{
		"id": b.id("cus"), "object": "customer", "created": b.tick(),
		"name": nullable(s.Name), "email": nullable(s.Email), "phone": nullable(s.Phone),
		"description": nullable(s.Description), "metadata": metadata(s.Metadata),
		"currency": b.currency, "delinquent": false, "balance": 0,
	})
}

// DeleteCustomer deletes a customer: Stripe then answers for it, directly
// and where it is expanded, with {id, object: "customer", deleted: true},
// and leaves it out of customer lists. Objects that reference it keep the
// ID.
func (b *Builder) DeleteCustomer(id string) {
	if objectType(b.obj(id)) != "customer" {
		panic("stripefake: builder: not a customer: " + id)
	}
	b.objs[id] = map[string]any{"id": id, "object": "customer", "deleted": true}
}

// Product creates a product and returns its ID.
func (b *Builder) Product(name string) string {
	id, created := b.id("prod"), b.tick()
	return b.put(map[string]any{
		"id": id, "object": "product", "created": created, "updated": created, "name": name,
		"active": true, "type": "service", "metadata": map[string]any{},
	})
}

// Price creates a per-unit price of product; recurring prices bill monthly.
func (b *Builder) Price(product string, unitAmount int64, nickname string, recurring bool) string {
	o := map[string]any{
		"id": b.id("price"), "object": "price", "created": b.tick(), "product": product,
		"unit_amount": unitAmount, "unit_amount_decimal": strconv.FormatInt(unitAmount, 10),
		"currency": b.currency, "nickname": nullable(nickname),
		"active": true, "billing_scheme": "per_unit", "type": "one_time", "recurring": nil,
		"metadata": map[string]any{}, "tax_behavior": "exclusive",
	}
	if recurring {
		o["type"] = "recurring"
		o["recurring"] = map[string]any{"interval": "month", "interval_count": 1, "usage_type": "licensed"}
	}
	return b.put(o)
}

// Coupon creates a coupon taking percentOff percent (whole percent) or
// amountOff minor units off an invoice.
func (b *Builder) Coupon(name string, percentOff, amountOff int64) string {
	o := map[string]any{
		"id": b.id("co"), "object": "coupon", "created": b.tick(), "name": name,
		"duration": "once", "valid": true, "percent_off": nil, "amount_off": nil, "currency": nil,
		"metadata": map[string]any{},
	}
	if percentOff > 0 {
		o["percent_off"] = percentOff
	} else {
		o["amount_off"] = amountOff
		o["currency"] = b.currency
	}
	return b.put(o)
}

// ChargeSpec describes a successful card charge.
type ChargeSpec struct {
	Customer    string
	Amount      int64
	Description string
	// BillingName and BillingEmail default to the customer's.
	BillingName, BillingEmail string
	// FeeTaxBps adds tax on Stripe's fee (basis points of the fee) as a
	// separate fee_details entry, as Stripe does in VAT countries.
	FeeTaxBps int64
	// Currency and ExchangeRate make a foreign-currency charge: Amount is in
	// Currency and the balance transaction converts to the account currency
	// at ExchangeRate (a decimal string, e.g. "1.0834").
	Currency, ExchangeRate string
	Metadata               map[string]string
	invoice                string
}

// stripeFee is 2.9% + 30¢, rounded half up like Stripe.
func stripeFee(amount int64) int64 { return (amount*29+500)/1000 + 30 }

// Charge creates a charge and its balance transaction and returns its ID.
func (b *Builder) Charge(s ChargeSpec) string {
	name, email := s.BillingName, s.BillingEmail
	if s.Customer != "" {
		c := b.obj(s.Customer)
		if name == "" {
			name, _ = c["name"].(string)
		}
		if email == "" {
			email, _ = c["email"].(string)
		}
	}
	cur := s.Currency
	if cur == "" {
		cur = b.currency
	}
	id := b.id("ch")
	txn := b.id("txn")
	created := b.tick()
	b.put(map[string]any{
		"id": id, "object": "charge", "created": created, "amount": s.Amount, "amount_captured": s.Amount,
		"amount_refunded": int64(0), "refunded": false, "currency": cur, "customer": nullable(s.Customer),
		"invoice": nullable(s.invoice), "payment_intent": b.id("pi"), "description": nullable(s.Description),
		"paid": true, "captured": true, "status": "succeeded", "balance_transaction": txn,
		"billing_details": map[string]any{"name": nullable(name), "email": nullable(email), "phone": nil, "address": nil},
		"receipt_email":   nullable(email), "metadata": metadata(s.Metadata),
		"application_fee_amount": nil, "on_behalf_of": nil,
		"payment_method_details": map[string]any{"type": "card"},
	})

	amount := s.Amount
	var rate any
	if s.ExchangeRate != "" {
		r := json.Number(s.ExchangeRate)
		f, err := r.Float64()
		if err != nil {
			panic("stripefake: bad exchange rate " + s.ExchangeRate)
		}
		amount = int64(float64(s.Amount)*f + 0.5)
		rate = r
	}
	fee := stripeFee(amount)
	details := []any{feeDetail(fee, b.currency, "stripe_fee", "Stripe processing fees")}
	if s.FeeTaxBps > 0 {
		tax := (fee*s.FeeTaxBps + 5000) / 10000
		details = append(details, feeDetail(tax, b.currency, "tax", "VAT"))
		fee += tax
	}
	b.balanceTxn(txn, created, "charge", "charge", amount, fee, id, rate, details, "")
	return id
}

func feeDetail(amount int64, cur, typ, desc string) map[string]any {
	return map[string]any{"amount": amount, "currency": cur, "type": typ, "description": desc, "application": nil}
}

func (b *Builder) balanceTxn(id string, created int64, typ, category string, amount, fee int64, source string, rate any, details []any, desc string) {
	if details == nil {
		details = []any{}
	}
	b.put(map[string]any{
		"id": id, "object": "balance_transaction", "created": created,
		"available_on": created + 2*86400, "status": "available",
		"amount": amount, "fee": fee, "net": amount - fee, "currency": b.currency,
		"type": typ, "reporting_category": category, "source": nullable(source),
		"exchange_rate": rate, "fee_details": details, "description": nullable(desc),
	})
	b.pending = append(b.pending, id)
}

// LineSpec is one invoice line: Quantity units of Price, or, when Price is
// empty, an ad-hoc line of Amount.
type LineSpec struct {
	Price       string
	Quantity    int64
	Amount      int64
	Description string
}

// InvoiceSpec describes an invoice that is finalized and paid by card.
type InvoiceSpec struct {
	Customer string
	Lines    []LineSpec
	Coupon   string // coupon ID; applied to the whole invoice
	TaxBps   int64  // sales tax in basis points of the discounted subtotal
	// BillingReason is "manual" (default), "subscription_create" or
	// "subscription_cycle"; the latter two get a subscription ID.
	BillingReason string
	FeeTaxBps     int64
	// Shipping is a shipping cost (before tax; not taxed) added to the
	// total: amount_shipping and shipping_cost.
	Shipping int64
	// CreditBalance is the customer's Stripe credit balance applied to the
	// invoice (starting_balance −CreditBalance): the card pays the rest.
	CreditBalance int64
	// PrePaymentCredit, when set, is a credit note issued on the open
	// invoice before it is paid: the card pays what it leaves due.
	PrePaymentCredit *CreditNoteSpec
}

// Invoice creates a paid invoice and the charge that paid it.
func (b *Builder) Invoice(s InvoiceSpec) (invoiceID, chargeID string) {
	reason := s.BillingReason
	if reason == "" {
		reason = "manual"
	}
	invoiceID = b.id("in")
	created := b.tick()
	var sub any
	if reason != "manual" {
		sub = b.id("sub")
	}
	var lines []any
	var subtotal int64
	for _, l := range s.Lines {
		line := map[string]any{
			"id": b.id("il"), "object": "line_item", "invoice": invoiceID, "currency": b.currency,
			"quantity": l.Quantity, "description": nullable(l.Description), "discountable": true,
			"discount_amounts": []any{}, "metadata": map[string]any{}, "proration": false,
			"period": map[string]any{"start": created, "end": created},
			"type":   "invoiceitem", "price": nil,
		}
		amount := l.Amount
		if l.Price != "" {
			p := deepCopy(b.obj(l.Price)).(map[string]any)
			if l.Quantity == 0 {
				l.Quantity = 1
				line["quantity"] = int64(1)
			}
			amount = p["unit_amount"].(int64) * l.Quantity
			line["price"] = p
			if p["type"] == "recurring" && sub != nil {
				line["type"] = "subscription"
				line["subscription"] = sub
				line["period"] = map[string]any{"start": created, "end": b.now.AddDate(0, 1, 0).Unix()}
			}
		}
		line["amount"] = amount
		line["amount_excluding_tax"] = amount
		if p, ok := line["price"].(map[string]any); ok {
			line["unit_amount_excluding_tax"] = p["unit_amount_decimal"]
		}
		fillDefaults(line)
		subtotal += amount
		lines = append(lines, line)
	}
	discounts, totalDiscounts := []any{}, []any{}
	var discount int64
	if s.Coupon != "" {
		c := b.obj(s.Coupon)
		c["times_redeemed"] = c["times_redeemed"].(int64) + 1
		if pct, ok := c["percent_off"].(int64); ok {
			discount = (subtotal*pct + 50) / 100
		} else {
			discount = min(c["amount_off"].(int64), subtotal)
		}
		di := b.put(map[string]any{
			"id": b.id("di"), "object": "discount", "coupon": deepCopy(c), "customer": s.Customer,
			"invoice": invoiceID, "invoice_item": nil, "subscription": sub, "start": created, "end": nil,
			"checkout_session": nil, "promotion_code": nil,
		})
		discounts = append(discounts, di)
		totalDiscounts = append(totalDiscounts, map[string]any{"amount": discount, "discount": di})
	}
	tax := ((subtotal-discount)*s.TaxBps + 5000) / 10000
	total := subtotal - discount + tax + s.Shipping
	taxAmounts := []any{}
	if tax > 0 {
		taxAmounts = append(taxAmounts, map[string]any{"amount": tax, "inclusive": false, "tax_rate": b.id("txr"),
			"taxability_reason": nil, "taxable_amount": subtotal - discount})
	}
	b.invoices++
	cust := b.obj(s.Customer)
	collection := "charge_automatically"
	if reason == "manual" {
		collection = "send_invoice"
	}
	inv := map[string]any{
		"id": invoiceID, "object": "invoice", "created": created, "number": fmt.Sprintf("NSR-%04d", b.invoices),
		"customer": s.Customer, "customer_name": cust["name"], "customer_email": cust["email"],
		"currency": b.currency, "status": "paid", "paid": true, "billing_reason": reason,
		"collection_method": collection, "subscription": sub, "due_date": nil,
		"subtotal": subtotal, "subtotal_excluding_tax": subtotal, "tax": tax, "total": total,
		"total_excluding_tax": subtotal - discount, "amount_due": total - s.CreditBalance, "amount_paid": total - s.CreditBalance, "amount_remaining": int64(0),
		"starting_balance": -s.CreditBalance, "ending_balance": int64(0),
		"discounts": discounts, "total_discount_amounts": totalDiscounts, "total_tax_amounts": taxAmounts,
		"lines":    map[string]any{"object": "list", "data": lines, "has_more": false, "url": "/v1/invoices/" + invoiceID + "/lines"},
		"metadata": map[string]any{}, "charge": nil, "payment_intent": nil,
		"period_start": created, "period_end": created, "effective_at": created, "webhooks_delivered_at": created,
		"attempted": true, "attempt_count": int64(1),
		"status_transitions": map[string]any{"finalized_at": created, "marked_uncollectible_at": nil, "paid_at": created, "voided_at": nil},
	}
	if reason == "manual" {
		inv["due_date"] = created + 30*86400
	}
	if s.Shipping != 0 {
		inv["amount_shipping"] = s.Shipping
		inv["shipping_cost"] = map[string]any{"amount_subtotal": s.Shipping, "amount_tax": int64(0),
			"amount_total": s.Shipping, "shipping_rate": b.id("shr"), "taxes": []any{}}
	}
	b.put(inv)
	due := total - s.CreditBalance
	if s.PrePaymentCredit != nil {
		due -= b.creditNote(invoiceID, *s.PrePaymentCredit, "pre_payment")["total"].(int64)
		inv["amount_due"], inv["amount_paid"] = due, due
	}
	chargeID = b.Charge(ChargeSpec{Customer: s.Customer, Amount: due, Description: "Payment for Invoice", FeeTaxBps: s.FeeTaxBps, invoice: invoiceID})
	inv["charge"] = chargeID
	inv["payment_intent"] = b.obj(chargeID)["payment_intent"]
	return invoiceID, chargeID
}

// Refund refunds amount of a charge (0 = everything not yet refunded).
// Stripe keeps its fee on refunds, so the refund's fee is zero.
func (b *Builder) Refund(charge string, amount int64, reason string) string {
	c := b.obj(charge)
	left := c["amount"].(int64) - c["amount_refunded"].(int64)
	if left <= 0 {
		panic("stripefake: builder: nothing left to refund on " + charge)
	}
	if amount == 0 || amount > left {
		amount = left
	}
	c["amount_refunded"] = c["amount_refunded"].(int64) + amount
	c["refunded"] = c["amount_refunded"] == c["amount"]
	id, txn, created := b.id("re"), b.id("txn"), b.tick()
	b.put(map[string]any{
		"id": id, "object": "refund", "created": created, "amount": amount, "charge": charge,
		"currency": c["currency"], "reason": nullable(reason), "status": "succeeded",
		"balance_transaction": txn, "payment_intent": c["payment_intent"], "metadata": map[string]any{},
	})
	// A refund of a foreign-currency charge settles at the charge's rate.
	settled, rate := amount, any(nil)
	if bt := b.obj(c["balance_transaction"].(string)); bt["exchange_rate"] != nil {
		rate = bt["exchange_rate"]
		f, _ := rate.(json.Number).Float64()
		settled = int64(float64(amount)*f + 0.5)
	}
	b.balanceTxn(txn, created, "refund", "refund", -settled, 0, id, rate, nil, "REFUND FOR CHARGE ("+charge+")")
	return id
}

// RefundWithoutCharge makes a refund with no charge (charge: null), as
// Stripe does for refunds of a customer's cash balance.
func (b *Builder) RefundWithoutCharge(amount int64, reason string) string {
	id, txn, created := b.id("re"), b.id("txn"), b.tick()
	b.put(map[string]any{
		"id": id, "object": "refund", "created": created, "amount": amount, "charge": nil,
		"currency": b.currency, "reason": nullable(reason), "status": "succeeded",
		"balance_transaction": txn, "payment_intent": nil, "metadata": map[string]any{},
	})
	b.balanceTxn(txn, created, "refund", "refund", -amount, 0, id, nil, nil, "REFUND")
	return id
}

// SetCurrency sets the account's (settlement and payout) currency for
// everything created after it.
func (b *Builder) SetCurrency(cur string) { b.currency = cur }

// DisputeWon reinstates a lost dispute's funds (a dispute_reversal
// transaction), as when the evidence wins after the withdrawal was paid out.
func (b *Builder) DisputeWon(dispute string) string {
	d := b.obj(dispute)
	d["status"] = "won"
	txn := b.id("txn")
	b.balanceTxn(txn, b.tick(), "adjustment", "dispute_reversal", d["amount"].(int64), 0, dispute, nil, nil,
		"Chargeback reversal for "+d["charge"].(string))
	d["balance_transactions"] = append(d["balance_transactions"].([]any), deepCopy(b.obj(txn)))
	return txn
}

// Settle overrides the amount a charge settled for (its balance
// transaction's amount and net), to model a conversion Stripe rounded
// differently from what its published exchange rate gives.
func (b *Builder) Settle(charge string, delta int64) {
	bt := b.obj(b.obj(charge)["balance_transaction"].(string))
	bt["amount"] = bt["amount"].(int64) + delta
	bt["net"] = bt["net"].(int64) + delta
}

// Dispute opens (and loses) a dispute for the whole charge: the amount is
// withdrawn and Stripe charges a $15 dispute fee.
func (b *Builder) Dispute(charge, reason string) string {
	c := b.obj(charge)
	amount := c["amount"].(int64)
	id, txn, created := b.id("dp"), b.id("txn"), b.tick()
	b.put(map[string]any{
		"id": id, "object": "dispute", "created": created, "amount": amount, "charge": charge,
		"currency": c["currency"], "reason": reason, "status": "lost", "payment_intent": c["payment_intent"],
		"metadata": map[string]any{}, "is_charge_refundable": false,
	})
	const disputeFee = 1500
	b.balanceTxn(txn, created, "adjustment", "dispute", -amount, disputeFee, id, nil,
		[]any{feeDetail(disputeFee, b.currency, "stripe_fee", "Dispute fee")}, "Chargeback withdrawal for "+charge)
	c["disputed"] = true
	d := b.obj(id)
	d["balance_transactions"] = []any{deepCopy(b.obj(txn))}
	d["evidence_details"] = map[string]any{"due_by": created + 7*86400, "has_evidence": false, "past_due": false, "submission_count": int64(0)}
	return id
}

// AdjustmentSpec is any other balance transaction (fees, issuing holds,
// categories nsrecon does not know yet, …).
type AdjustmentSpec struct {
	Type, ReportingCategory string
	Amount, Fee             int64
	Source                  string // an ID; need not exist as an object
	Description             string
}

// Adjustment adds a bare balance transaction and returns its ID.
func (b *Builder) Adjustment(s AdjustmentSpec) string {
	id := b.id("txn")
	b.balanceTxn(id, b.tick(), s.Type, s.ReportingCategory, s.Amount, s.Fee, s.Source, nil, nil, s.Description)
	return id
}

// PayoutSpec describes a payout.
type PayoutSpec struct {
	ArrivalDate time.Time // midnight UTC of the arrival day
	Status      string    // default "paid"
	// Manual payouts (automatic=false) move Amount and sweep nothing;
	// Stripe cannot list their transactions.
	Manual bool
	Amount int64
	// Delta is added to an automatic payout's amount, to make a payout that
	// does not match its transactions.
	Delta       int64
	Description string
	// ReconciliationStatus overrides Stripe's ("completed" for automatic
	// payouts, "not_applicable" for manual ones), e.g. "in_progress".
	ReconciliationStatus string
}

// Payout creates a payout. An automatic payout sweeps every balance
// transaction waiting in the balance, and its own "payout" transaction
// withdraws exactly their net total (plus Delta).
func (b *Builder) Payout(s PayoutSpec) string {
	id, txn, created := b.id("po"), b.id("txn"), b.tick()
	amount := s.Amount
	if !s.Manual {
		amount = s.Delta
		for _, t := range b.pending {
			amount += b.obj(t)["net"].(int64)
			b.obj(t)["_payout"] = id
		}
		b.pending = nil
	}
	status := s.Status
	if status == "" {
		status = "paid"
	}
	desc := s.Description
	if desc == "" {
		desc = "STRIPE PAYOUT"
	}
	recon := "completed"
	if s.Manual {
		recon = "not_applicable"
	}
	if s.ReconciliationStatus != "" {
		recon = s.ReconciliationStatus
	}
	b.put(map[string]any{
		"id": id, "object": "payout", "created": created, "amount": amount, "currency": b.currency,
		"arrival_date": s.ArrivalDate.Unix(), "automatic": !s.Manual, "status": status,
		"method": "standard", "type": "bank_account", "source_type": "card", "description": desc,
		"balance_transaction": txn, "destination": "ba_1NsrEcOnBankAcct0000000", "failure_balance_transaction": nil,
		"failure_code": nil, "failure_message": nil, "statement_descriptor": nil,
		"reconciliation_status": recon, "metadata": map[string]any{},
	})
	b.balanceTxn(txn, created, "payout", "payout", -amount, 0, id, nil, nil, desc)
	// The payout's own transaction belongs to the payout it pays, not to
	// the next one.
	b.pending = b.pending[:len(b.pending)-1]
	if !s.Manual {
		b.obj(txn)["_payout"] = id
	}
	return id
}

// Scenario returns the account as served by the fake, exactly as if it had
// been written with WriteDir and read back with LoadScenario.
func (b *Builder) Scenario() *Scenario {
	sc := &Scenario{Objects: map[string]map[string]any{}}
	for _, id := range b.order {
		data, err := marshal(b.objs[id])
		if err != nil {
			panic(err)
		}
		objs, err := decodeArray(append(append([]byte("["), data...), ']'))
		if err != nil {
			panic(err)
		}
		sc.Objects[id] = objs[0]
	}
	return sc
}

// WriteDir writes the account as JSON files (one per object type) in dir,
// replacing any *.json files there.
func (b *Builder) WriteDir(dir string) error { return writeDir(dir, b.order, b.objs) }

package payout

import (
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
)

// Conversions from stripe-go objects to Snapshot types. They copy what
// Stripe sent and classify nothing: the planner decides what a transaction
// means from its reporting_category.

func unixTime(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func toPayout(p *stripe.Payout) Payout {
	out := Payout{
		ID: p.ID, Amount: p.Amount, Currency: string(p.Currency), Status: string(p.Status),
		Automatic: p.Automatic, ArrivalDate: unixTime(p.ArrivalDate), Created: unixTime(p.Created),
		Description: p.Description, ReconciliationStatus: string(p.ReconciliationStatus),
	}
	if p.FailureBalanceTransaction != nil {
		out.FailureBalanceTransaction = p.FailureBalanceTransaction.ID
	}
	return out
}

// sourceTypes maps ID prefixes to Stripe object names, for sources that
// were not expanded (or that Stripe cannot expand).
var sourceTypes = map[string]string{
	"ch": "charge", "py": "charge", // py_: non-card payments are charges too
	"re": "refund", "pyr": "refund",
	"dp": "dispute", "du": "dispute",
	"po": "payout", "tr": "transfer", "trr": "transfer_reversal",
	"fee": "application_fee", "fr": "fee_refund", "tu": "topup",
	"iauth": "issuing.authorization", "ipi": "issuing.transaction", "idp": "issuing.dispute",
	"ccsbtxn": "customer_cash_balance_transaction", "ptf": "platform_tax_fee",
}

func sourceTypeFromID(id string) string {
	prefix, _, ok := strings.Cut(id, "_")
	if !ok {
		return ""
	}
	return sourceTypes[prefix]
}

func toBalanceTransaction(t *stripe.BalanceTransaction) BalanceTransaction {
	out := BalanceTransaction{
		ID: t.ID, Amount: t.Amount, Fee: t.Fee, Net: t.Net, Currency: string(t.Currency),
		Type: string(t.Type), ReportingCategory: string(t.ReportingCategory),
		Created: unixTime(t.Created), AvailableOn: unixTime(t.AvailableOn), Description: t.Description,
	}
	if t.Source != nil {
		out.Source = t.Source.ID
		out.SourceType = string(t.Source.Type)
		if out.SourceType == "" {
			out.SourceType = sourceTypeFromID(t.Source.ID)
		}
	}
	if t.ExchangeRate != 0 {
		// stripe-go decodes exchange_rate into a float64. Stripe sends a
		// short decimal (at most ~15 significant digits), and the shortest
		// representation that round-trips a float64 ('f', -1) is exactly
		// that decimal, so the string equals what Stripe wrote.
		out.ExchangeRate = strconv.FormatFloat(t.ExchangeRate, 'f', -1, 64)
	}
	for _, d := range t.FeeDetails {
		if d == nil {
			continue
		}
		out.FeeDetails = append(out.FeeDetails, FeeDetail{
			Amount: d.Amount, Currency: string(d.Currency), Type: d.Type,
			Description: d.Description, Application: d.Application,
		})
	}
	return out
}

// expanded reports whether an expandable field holds the object rather
// than just its ID (stripe-go fills only ID in the latter case).
func expanded(object string) bool { return object != "" }

func toCharge(c *stripe.Charge) *Charge {
	out := &Charge{
		ID: c.ID, Amount: c.Amount, AmountRefunded: c.AmountRefunded, AmountCaptured: c.AmountCaptured, Currency: string(c.Currency),
		Description: c.Description, Created: unixTime(c.Created), ReceiptEmail: c.ReceiptEmail,
		Metadata: c.Metadata, ApplicationFeeAmount: c.ApplicationFeeAmount,
	}
	if c.Customer != nil {
		out.Customer = c.Customer.ID
	}
	if c.Invoice != nil {
		out.Invoice = c.Invoice.ID
	}
	if c.PaymentIntent != nil {
		out.PaymentIntent = c.PaymentIntent.ID
	}
	if c.BillingDetails != nil {
		out.BillingName = c.BillingDetails.Name
		out.BillingEmail = c.BillingDetails.Email
	}
	if c.Transfer != nil {
		out.Transfer = c.Transfer.ID
	}
	if c.OnBehalfOf != nil {
		out.OnBehalfOf = c.OnBehalfOf.ID
	}
	return out
}

func toRefund(r *stripe.Refund) *Refund {
	out := &Refund{
		ID: r.ID, Amount: r.Amount, Currency: string(r.Currency), Reason: string(r.Reason),
		Status: string(r.Status), Created: unixTime(r.Created),
	}
	if r.Charge != nil {
		out.Charge = r.Charge.ID
	}
	return out
}

func toDispute(d *stripe.Dispute) *Dispute {
	out := &Dispute{
		ID: d.ID, Amount: d.Amount, Currency: string(d.Currency), Reason: string(d.Reason),
		Status: string(d.Status), Created: unixTime(d.Created),
	}
	if d.Charge != nil {
		out.Charge = d.Charge.ID
	}
	return out
}

func toCustomer(c *stripe.Customer) *Customer {
	return &Customer{
		ID: c.ID, Deleted: c.Deleted, Name: c.Name, Email: c.Email, Description: c.Description,
		Phone: c.Phone, Metadata: c.Metadata,
	}
}

// toInvoice converts inv with lines, the complete list of its lines (the
// invoice object itself carries only the first page).
func toInvoice(inv *stripe.Invoice, lines []*stripe.InvoiceLineItem) *Invoice {
	out := &Invoice{
		ID: inv.ID, Number: inv.Number, Currency: string(inv.Currency), Status: string(inv.Status),
		BillingReason: string(inv.BillingReason), Created: unixTime(inv.Created), DueDate: unixTime(inv.DueDate),
		Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total, AmountPaid: inv.AmountPaid,
		AmountDue: inv.AmountDue, StartingBalance: inv.StartingBalance, Shipping: inv.AmountShipping,
		PrePaymentCreditNotes: inv.PrePaymentCreditNotesAmount, PostPaymentCreditNotes: inv.PostPaymentCreditNotesAmount,
		Metadata: inv.Metadata, Lines: make([]InvoiceLine, 0, len(lines)),
	}
	if inv.Customer != nil {
		out.Customer = inv.Customer.ID
	}
	if inv.Charge != nil {
		out.Charge = inv.Charge.ID
	}
	for _, l := range lines {
		out.Lines = append(out.Lines, toInvoiceLine(l))
	}
	for _, d := range inv.TotalDiscountAmounts {
		if d != nil {
			out.Discounts = append(out.Discounts, toDiscount(d.Amount, d.Discount))
		}
	}
	return out
}

// toDiscount is amount taken off by discount d, named by its coupon when
// d was expanded.
func toDiscount(amount int64, d *stripe.Discount) Discount {
	disc := Discount{Amount: amount}
	if d != nil {
		disc.ID = d.ID
		if c := d.Coupon; c != nil {
			// The coupon is the reusable thing (one NetSuite discount
			// item); the discount is one customer's use of it.
			if c.ID != "" {
				disc.ID = c.ID
			}
			disc.Name = c.Name
			if disc.Name == "" {
				disc.Name = c.ID
			}
		}
	}
	return disc
}

func toInvoiceLine(l *stripe.InvoiceLineItem) InvoiceLine {
	out := InvoiceLine{ID: l.ID, Description: l.Description, Amount: l.Amount, Quantity: l.Quantity, Type: string(l.Type)}
	if p := l.Period; p != nil && p.Start != 0 && p.End != 0 {
		out.Period = &Period{Start: unixTime(p.Start), End: unixTime(p.End)}
	}
	if p := l.Price; p != nil {
		out.Price = Price{ID: p.ID, Nickname: p.Nickname, UnitAmount: p.UnitAmount, Metadata: p.Metadata}
		if p.Product != nil {
			out.Price.ProductID = p.Product.ID
			out.Price.ProductName = p.Product.Name
		}
	}
	return out
}

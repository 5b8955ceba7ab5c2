package netsuite

// Booking is what a transaction record books: its amount in minor units of
// Currency (lower-case ISO 4217), the account it posts to where the record
// names one, and its date. The ledger keeps it for every record made, so an
// audit export can show amounts without asking NetSuite.
type Booking struct {
	Amount   int64
	Currency string
	Account  string // NetSuite internal ID; "" when NetSuite picks it (a payment to Undeposited Funds)
	Date     string // YYYY-MM-DD
}

// booker is a record body that books money. Customers and items do not.
type booker interface {
	booking() Booking
}

// BookingOf returns what body books, and false for a record that books
// no money (a customer, an item).
func BookingOf(body Body) (Booking, bool) {
	b, ok := body.(booker)
	if !ok {
		return Booking{}, false
	}
	return b.booking(), true
}

func (v *Invoice) booking() Booking {
	return Booking{Amount: v.Item.Total(), Currency: v.Item.currency(), Date: v.TranDate}
}

func (m *CreditMemo) booking() Booking {
	return Booking{Amount: m.Item.Total(), Currency: m.Item.currency(), Date: m.TranDate}
}

func (p *CustomerPayment) booking() Booking {
	return Booking{Amount: p.Payment.Minor, Currency: p.Payment.Currency, Date: p.TranDate}
}

func (r *CustomerRefund) booking() Booking {
	b := Booking{Amount: r.Total.Minor, Currency: r.Total.Currency, Date: r.TranDate}
	if r.Account != nil {
		b.Account = r.Account.ID
	}
	return b
}

func (d *Deposit) booking() Booking {
	return Booking{Amount: d.Total(), Currency: d.currency(), Account: d.Account.ID, Date: d.TranDate}
}

// currency is the currency of the lines (all lines share it).
func (l *ItemList) currency() string {
	for _, it := range l.Items {
		if it.Amount.Currency != "" {
			return it.Amount.Currency
		}
	}
	return ""
}

// currency is the deposit's currency, as its lines carry it.
func (d *Deposit) currency() string {
	switch {
	case len(d.Payment.Items) > 0:
		return d.Payment.Items[0].Amount.Currency
	case len(d.Other.Items) > 0:
		return d.Other.Items[0].Amount.Currency
	case len(d.CashBack.Items) > 0:
		return d.CashBack.Items[0].Amount.Currency
	}
	return ""
}

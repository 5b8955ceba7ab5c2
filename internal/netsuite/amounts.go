package netsuite

// Amounted is implemented by every record body nsrecon writes: Amounts
// returns a pointer to each money amount the body holds, so a planner can
// check (or, by an explicit rule, round) them to NetSuite's precision.
type Amounted interface {
	Amounts() []*Amount
}

func (l *ItemList) amounts() []*Amount {
	out := make([]*Amount, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, &l.Items[i].Amount)
	}
	return out
}

func (l *ApplyList) amounts() []*Amount {
	if l == nil {
		return nil
	}
	out := make([]*Amount, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, &l.Items[i].Amount)
	}
	return out
}

func (*Customer) Amounts() []*Amount        { return nil }
func (*ServiceSaleItem) Amounts() []*Amount { return nil }
func (*DiscountItem) Amounts() []*Amount    { return nil }
func (v *Invoice) Amounts() []*Amount       { return v.Item.amounts() }
func (m *CreditMemo) Amounts() []*Amount    { return append(m.Item.amounts(), m.Apply.amounts()...) }
func (p *CustomerPayment) Amounts() []*Amount {
	return append([]*Amount{&p.Payment}, p.Apply.amounts()...)
}
func (r *CustomerRefund) Amounts() []*Amount {
	return append([]*Amount{&r.Total}, r.Apply.amounts()...)
}

func (d *Deposit) Amounts() []*Amount {
	out := make([]*Amount, 0, len(d.Payment.Items)+len(d.Other.Items)+len(d.CashBack.Items))
	for i := range d.Payment.Items {
		out = append(out, &d.Payment.Items[i].Amount)
	}
	for i := range d.Other.Items {
		out = append(out, &d.Other.Items[i].Amount)
	}
	for i := range d.CashBack.Items {
		out = append(out, &d.CashBack.Items[i].Amount)
	}
	return out
}

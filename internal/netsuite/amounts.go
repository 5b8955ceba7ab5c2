package netsuite

// Amounted is implemented by every record body nsrecon writes: EachAmount
// calls fn with a pointer to each money amount the body holds, so a
// planner can check (or, by an explicit rule, round) them to NetSuite's
// precision.
type Amounted interface {
	EachAmount(fn func(*Amount))
}

func (l *ItemList) eachAmount(fn func(*Amount)) {
	for i := range l.Items {
		fn(&l.Items[i].Amount)
	}
}

func (l *ApplyList) eachAmount(fn func(*Amount)) {
	if l == nil {
		return
	}
	for i := range l.Items {
		fn(&l.Items[i].Amount)
	}
}

func (*Customer) EachAmount(func(*Amount))        {}
func (*ServiceSaleItem) EachAmount(func(*Amount)) {}
func (*DiscountItem) EachAmount(func(*Amount))    {}
func (v *Invoice) EachAmount(fn func(*Amount))    { v.Item.eachAmount(fn) }

func (m *CreditMemo) EachAmount(fn func(*Amount)) {
	m.Item.eachAmount(fn)
	m.Apply.eachAmount(fn)
}

func (p *CustomerPayment) EachAmount(fn func(*Amount)) {
	fn(&p.Payment)
	p.Apply.eachAmount(fn)
}

func (r *CustomerRefund) EachAmount(fn func(*Amount)) {
	fn(&r.Total)
	r.Apply.eachAmount(fn)
}

func (d *Deposit) EachAmount(fn func(*Amount)) {
	for i := range d.Payment.Items {
		fn(&d.Payment.Items[i].Amount)
	}
	for i := range d.Other.Items {
		fn(&d.Other.Items[i].Amount)
	}
	for i := range d.CashBack.Items {
		fn(&d.CashBack.Items[i].Amount)
	}
}

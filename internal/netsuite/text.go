package netsuite

import "unicode/utf8"

// NetSuite's lengths of the free-text fields nsrecon fills, in characters
// (from the fields' help in NetSuite; longer values are refused).
const (
	MaxMemo        = 999 // memo, comments, descriptions
	MaxName        = 83  // companyName, entityId
	MaxPersonName  = 32  // firstName, lastName
	MaxItemName    = 60  // itemId, displayName
	MaxOtherRefNum = 45  // invoice otherRefNum (PO/Check Number)
)

// texter is implemented by bodies with free-text fields: eachText calls
// fn with each field and its length limit.
type texter interface {
	eachText(fn func(p *string, max int))
}

// FitText cuts every free-text field of b to NetSuite's length, so a long
// Stripe description or name never makes NetSuite refuse the record.
func FitText(b Body) {
	if t, ok := b.(texter); ok {
		t.eachText(fit)
	}
}

func fit(p *string, max int) {
	if len(*p) <= max || utf8.RuneCountInString(*p) <= max { // bytes ≥ runes: most fields stop here
		return
	}
	n := 0
	for i := range *p {
		if n == max {
			*p = (*p)[:i]
			return
		}
		n++
	}
}

func (c *Customer) eachText(fn func(*string, int)) {
	fn(&c.CompanyName, MaxName)
	fn(&c.EntityID, MaxName)
	fn(&c.FirstName, MaxPersonName)
	fn(&c.LastName, MaxPersonName)
	fn(&c.Comments, MaxMemo)
}

func (s *ServiceSaleItem) eachText(fn func(*string, int)) {
	fn(&s.ItemID, MaxItemName)
	fn(&s.DisplayName, MaxItemName)
	fn(&s.SalesDesc, MaxMemo)
}

func (d *DiscountItem) eachText(fn func(*string, int)) {
	fn(&d.ItemID, MaxItemName)
	fn(&d.Description, MaxMemo)
}

func (l *ItemList) eachText(fn func(*string, int)) {
	for i := range l.Items {
		fn(&l.Items[i].Description, MaxMemo)
	}
}

func (v *Invoice) eachText(fn func(*string, int)) {
	v.Item.eachText(fn)
	fn(&v.Memo, MaxMemo)
	fn(&v.OtherRefNum, MaxOtherRefNum)
}

func (m *CreditMemo) eachText(fn func(*string, int)) {
	m.Item.eachText(fn)
	fn(&m.Memo, MaxMemo)
}

func (p *CustomerPayment) eachText(fn func(*string, int)) { fn(&p.Memo, MaxMemo) }
func (r *CustomerRefund) eachText(fn func(*string, int))  { fn(&r.Memo, MaxMemo) }

func (d *Deposit) eachText(fn func(*string, int)) {
	fn(&d.Memo, MaxMemo)
	for i := range d.Other.Items {
		fn(&d.Other.Items[i].Memo, MaxMemo)
	}
	for i := range d.CashBack.Items {
		fn(&d.CashBack.Items[i].Memo, MaxMemo)
	}
}

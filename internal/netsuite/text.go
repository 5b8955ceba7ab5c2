package netsuite

// NetSuite's lengths of the free-text fields nsrecon fills, in characters
// (from the fields' help in NetSuite; longer values are refused).
const (
	MaxMemo        = 999 // memo, comments, descriptions
	MaxName        = 83  // companyName, entityId
	MaxPersonName  = 32  // firstName, lastName
	MaxItemName    = 60  // itemId, displayName
	MaxOtherRefNum = 45  // invoice otherRefNum (PO/Check Number)
)

type textField struct {
	p   *string
	max int
}

// texter is implemented by bodies with free-text fields.
type texter interface{ texts() []textField }

// FitText cuts every free-text field of b to NetSuite's length, so a long
// Stripe description or name never makes NetSuite refuse the record.
func FitText(b Body) {
	t, ok := b.(texter)
	if !ok {
		return
	}
	for _, f := range t.texts() {
		if r := []rune(*f.p); len(r) > f.max {
			*f.p = string(r[:f.max])
		}
	}
}

func (c *Customer) texts() []textField {
	return []textField{{&c.CompanyName, MaxName}, {&c.EntityID, MaxName}, {&c.FirstName, MaxPersonName},
		{&c.LastName, MaxPersonName}, {&c.Comments, MaxMemo}}
}

func (s *ServiceSaleItem) texts() []textField {
	return []textField{{&s.ItemID, MaxItemName}, {&s.DisplayName, MaxItemName}, {&s.SalesDesc, MaxMemo}}
}

func (d *DiscountItem) texts() []textField {
	return []textField{{&d.ItemID, MaxItemName}, {&d.Description, MaxMemo}}
}

func (l *ItemList) texts() []textField {
	out := make([]textField, 0, len(l.Items))
	for i := range l.Items {
		out = append(out, textField{&l.Items[i].Description, MaxMemo})
	}
	return out
}

func (v *Invoice) texts() []textField {
	return append(v.Item.texts(), textField{&v.Memo, MaxMemo}, textField{&v.OtherRefNum, MaxOtherRefNum})
}

func (m *CreditMemo) texts() []textField { return append(m.Item.texts(), textField{&m.Memo, MaxMemo}) }
func (p *CustomerPayment) texts() []textField {
	return []textField{{&p.Memo, MaxMemo}}
}
func (r *CustomerRefund) texts() []textField { return []textField{{&r.Memo, MaxMemo}} }

func (d *Deposit) texts() []textField {
	out := []textField{{&d.Memo, MaxMemo}}
	for i := range d.Other.Items {
		out = append(out, textField{&d.Other.Items[i].Memo, MaxMemo})
	}
	for i := range d.CashBack.Items {
		out = append(out, textField{&d.CashBack.Items[i].Memo, MaxMemo})
	}
	return out
}

package netsuite

// TypeJournalEntry is the record of summary mode (reconcile.mode: summary).
const TypeJournalEntry = "journalEntry"

// JournalLine is a line of a journal entry: a debit or a credit (never
// both) to an account.
type JournalLine struct {
	Account Ref     `json:"account"`
	Debit   *Amount `json:"debit,omitempty"`
	Credit  *Amount `json:"credit,omitempty"`
	Memo    string  `json:"memo,omitempty"`
}

// JournalEntry books one payout in summary mode: the bank line and one
// line per reporting category and account, in the payout currency.
type JournalEntry struct {
	ExternalID string `json:"externalId"`
	TranDate   string `json:"tranDate"`
	Memo       string `json:"memo"`
	Currency   *Ref   `json:"currency,omitempty"`
	Line       struct {
		Items []JournalLine `json:"items"`
	} `json:"line"`
	Classification
}

func (*JournalEntry) RecordType() string { return TypeJournalEntry }
func (j *JournalEntry) Refs() []*Ref {
	out := make([]*Ref, 0, len(j.Line.Items)+5)
	for i := range j.Line.Items {
		out = append(out, &j.Line.Items[i].Account)
	}
	return append(out, append(j.Classification.refs(), nonNil(j.Currency)...)...)
}

// Totals are the entry's debits and credits; NetSuite saves it only when
// they are equal.
func (j *JournalEntry) Totals() (debit, credit int64) {
	for _, l := range j.Line.Items {
		if l.Debit != nil {
			debit += l.Debit.Minor
		}
		if l.Credit != nil {
			credit += l.Credit.Minor
		}
	}
	return debit, credit
}

// booking is the entry's first line, the bank line: the payout, signed
// (a debit to the bank is money in).
func (j *JournalEntry) booking() Booking {
	b := Booking{Date: j.TranDate}
	if len(j.Line.Items) == 0 {
		return b
	}
	l := j.Line.Items[0]
	b.Account = l.Account.ID
	switch {
	case l.Debit != nil:
		b.Amount, b.Currency = l.Debit.Minor, l.Debit.Currency
	case l.Credit != nil:
		b.Amount, b.Currency = -l.Credit.Minor, l.Credit.Currency
	}
	return b
}

func (j *JournalEntry) EachAmount(fn func(*Amount)) {
	for i := range j.Line.Items {
		if l := &j.Line.Items[i]; l.Debit != nil {
			fn(l.Debit)
		} else if l.Credit != nil {
			fn(l.Credit)
		}
	}
}

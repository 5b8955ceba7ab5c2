package push

import (
	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// booked is what the ledger keeps of a record's amounts when it is done.
func booked(body netsuite.Body) ledger.Booked {
	b, ok := netsuite.BookingOf(body)
	if !ok {
		return ledger.Booked{}
	}
	return ledger.Booked{Amount: b.Amount, Currency: b.Currency, Account: b.Account, Date: b.Date}
}

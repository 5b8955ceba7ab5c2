package nsfake

import (
	"fmt"
	"math/big"
)

// checkJournal enforces what NetSuite enforces when a journal entry is
// saved: lines that each post a debit or a credit (not both, not
// negative) to an existing account, and total debits equal to total
// credits. Callers hold s.mu.
func (s *Server) checkJournal(f map[string]any) *apiError {
	lines, e := sublist(f, "line")
	if e != nil {
		return e
	}
	if len(lines) < 2 {
		return badRequest("USER_ERROR", "line", "A journal entry needs at least two lines.")
	}
	debit, credit := new(big.Rat), new(big.Rat)
	for i, l := range lines {
		p := fmt.Sprintf("line.items[%d]", i)
		if e := s.checkRef(l, "account", true, "account"); e != nil {
			e.path = p + ".account"
			return e
		}
		_, hasD := l["debit"]
		_, hasC := l["credit"]
		if hasD == hasC {
			return badRequest("INVALID_FLD_VALUE", p, "A journal line has a debit or a credit, not both and not neither.")
		}
		key, sum := "debit", debit
		if hasC {
			key, sum = "credit", credit
		}
		amt, e := amountOf(l, key, p+"."+key, true)
		if e != nil {
			return e
		}
		if amt.Sign() < 0 {
			return badRequest("INVALID_FLD_VALUE", p+"."+key, "Journal amounts must not be negative.")
		}
		sum.Add(sum, amt)
	}
	if debit.Cmp(credit) != 0 {
		return badRequest("USER_ERROR", "line", "The total debits (%s) must equal the total credits (%s).", fmtDec(debit), fmtDec(credit))
	}
	return nil
}

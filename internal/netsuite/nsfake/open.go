package nsfake

import (
	"math/big"
)

// What is still open on a transaction, as NetSuite keeps it: an invoice's
// amount remaining (total less the payments and credit memos applied to
// it), a customer payment's or credit memo's unapplied amount (its amount
// less what it is applied to and the customer refunds applied to it).
// NetSuite refuses an apply line for more than that ("Unable to find a
// matching line for sublist apply" once nothing is open); so does the fake.
// SuiteQL shows the same figures as transaction.foreignamountunpaid and
// transaction.foreignpaymentamountunused.

// openAmount is what remains open on transaction id, ignoring record
// excludeID (the one being replaced by an upsert), and whether id is a
// transaction that has an open amount at all. Callers hold s.mu.
func (s *Server) openAmount(id, excludeID string) (*big.Rat, bool) {
	switch s.typeOf[id] {
	case "invoice":
		return s.remaining(id, excludeID), true
	case "customerPayment":
		pay, _ := parseDec(s.records["customerPayment"][id].fields["payment"])
		return s.unused(id, pay, excludeID), true
	case "creditMemo":
		return s.unused(id, lineTotal(s.records["creditMemo"][id].fields), excludeID), true
	}
	return nil, false
}

// unused is amount less what credit id applies to invoices and what
// customer refunds apply of it. Callers hold s.mu.
func (s *Server) unused(id string, amount *big.Rat, excludeID string) *big.Rat {
	rem := new(big.Rat)
	if amount != nil {
		rem.Set(amount)
	}
	if own := s.records[s.typeOf[id]][id]; own != nil && id != excludeID {
		rem.Sub(rem, appliedSum(own.fields, ""))
	}
	for rid, ref := range s.records["customerRefund"] {
		if rid != excludeID {
			rem.Sub(rem, appliedSum(ref.fields, id))
		}
	}
	return rem
}

// appliedSum is Σ the applied amounts of a record's apply lines, to doc
// only when doc is not "".
func appliedSum(fields map[string]any, doc string) *big.Rat {
	sum := new(big.Rat)
	lines, _ := sublist(fields, "apply")
	for _, l := range lines {
		d, _ := refID(l["doc"])
		if (doc != "" && d != doc) || !applied(l) {
			continue
		}
		if a, ok := parseDec(l["amount"]); ok {
			sum.Add(sum, a)
		}
	}
	return sum
}

// checkOpen refuses applying more to doc than is open on it, and applying
// a document of another customer. Callers hold s.mu.
func (s *Server) checkOpen(rec *record, doc string, amt *big.Rat, selfID string) *apiError {
	docRec := s.records[s.typeOf[doc]][doc]
	if docRec == nil {
		return nil // checkRef reported it
	}
	if own, theirs := entityOf(rec.fields), entityOf(docRec.fields); own != "" && theirs != "" && own != theirs {
		return badRequest("INVALID_FLD_VALUE", "apply",
			"Unable to find a matching line for sublist apply with key: [doc] and value: [%s] (it belongs to customer %s, not %s).", doc, theirs, own)
	}
	open, ok := s.openAmount(doc, selfID)
	if !ok || amt.Cmp(open) <= 0 {
		return nil
	}
	if open.Sign() <= 0 {
		return badRequest("INVALID_FLD_VALUE", "apply",
			"Unable to find a matching line for sublist apply with key: [doc] and value: [%s] (nothing is open on %s %s).", doc, s.typeOf[doc], doc)
	}
	return badRequest("INVALID_FLD_VALUE", "apply",
		"The amount applied to %s %s (%s) exceeds what is open on it (%s).", s.typeOf[doc], doc, fmtDec(amt), fmtDec(open))
}

// entityOf is the customer a transaction is for.
func entityOf(f map[string]any) string {
	for _, k := range []string{"customer", "entity"} {
		if id, ok := refID(f[k]); ok {
			return id
		}
	}
	return ""
}

// openColumn answers the SuiteQL columns of what is open on a
// transaction. Callers hold s.mu.
func (s *Server) openColumn(rec *record, col string) (string, bool) {
	var want string
	switch rec.typ {
	case "invoice":
		want = "foreignamountunpaid"
	case "customerPayment", "creditMemo":
		want = "foreignpaymentamountunused"
	}
	if col != want {
		return "", false
	}
	open, ok := s.openAmount(rec.id, "")
	if !ok {
		return "", false
	}
	return fmtDec(open), true
}

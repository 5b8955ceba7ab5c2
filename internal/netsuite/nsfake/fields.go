package nsfake

import (
	"strings"
	"unicode/utf8"
)

// textLimits are NetSuite's lengths of free-text body fields (characters).
var textLimits = map[string]int{
	"memo": 999, "comments": 999, "salesDescription": 999, "description": 999,
	"companyName": 83, "entityId": 83, "firstName": 32, "lastName": 32,
	"itemId": 60, "displayName": 60, "otherRefNum": 45, "phone": 32,
}

func checkTextLengths(f map[string]any) *apiError {
	for field, max := range textLimits {
		if v, ok := f[field].(string); ok && utf8.RuneCountInString(v) > max {
			return badRequest("INVALID_FLD_VALUE", field, "The field %s contained more than the maximum number ( %d ) of characters allowed.", field, max)
		}
	}
	return nil
}

// checkPhone refuses what NetSuite's phone fields refuse: fewer than seven
// digits, or characters that are not digits, spaces or + ( ) - . x.
func checkPhone(f map[string]any) *apiError {
	v, ok := f["phone"].(string)
	if !ok || v == "" {
		return nil
	}
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-.xX", r):
		default:
			return badRequest("INVALID_FLD_VALUE", "phone", "Phone number should only contain digits and the characters + ( ) - . x: %q", v)
		}
	}
	if digits < 7 {
		return badRequest("INVALID_FLD_VALUE", "phone", "Phone number should have seven digits or more: %q", v)
	}
	return nil
}

// checkCustomerID enforces the Customer ID: required when auto-numbering
// is off, and never the ID of another customer. Callers hold s.mu.
func (s *Server) checkCustomerID(rec *record, selfID string) *apiError {
	id, _ := rec.fields["entityId"].(string)
	if id == "" {
		if s.opts.ManualCustomerIDs {
			return badRequest("USER_ERROR", "entityId", "Please enter value(s) for: Customer ID")
		}
		return nil
	}
	for otherID, other := range s.records["customer"] {
		if otherID != selfID && other.fields["entityId"] == id {
			return badRequest("DUP_ENTITY", "entityId", "This entity already exists: a customer record with the ID %q (internal ID %s).", id, otherID)
		}
	}
	return nil
}

// checkCustomerName: a company needs a company name, a person a first and
// last name.
func checkCustomerName(f map[string]any) *apiError {
	if f["isPerson"] == true {
		if v, _ := f["lastName"].(string); v == "" {
			return badRequest("USER_ERROR", "lastName", "Please enter value(s) for: Last Name")
		}
		return nil
	}
	if v, _ := f["companyName"].(string); v == "" {
		return badRequest("USER_ERROR", "companyName", "Please enter value(s) for: Company Name")
	}
	return nil
}

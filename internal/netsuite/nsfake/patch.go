package nsfake

import (
	"fmt"
	"net/http"
	"strings"
)

// patch updates an existing record (PATCH …/<type>/<id> or eid:<x>): the
// fields sent replace the stored ones, except keyed sublists, whose sent
// lines change or join the stored lines by their key, as NetSuite's update
// does without ?replace=.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, typ, id string) *apiError {
	t, ok := writableType(typ)
	if !ok {
		return badRequest("INVALID_RCRD_TYPE", "", "The record type [%s] is invalid or not supported by the fake.", typ)
	}
	body, e := decodeBody(r)
	if e != nil {
		return e
	}
	if _, ok := body["externalId"]; ok && strings.HasPrefix(id, "eid:") {
		return badRequest("INVALID_CONTENT", "externalId", "The externalId cannot change in a PATCH by external ID.")
	}
	if e := enforceSchema(typ, body, validationOf(r)); e != nil {
		return e
	}
	delete(body, "id")
	delete(body, "externalId")
	s.mu.Lock()
	defer s.mu.Unlock()
	existing := s.lookup(typ, id)
	if existing == nil {
		return notFound(typ, id)
	}
	// Unkeyed sublists sent are appended to the stored lines unless
	// replaced (only those sent: the rest stay as they are).
	mergeUnkeyedSublists(typ, body, existing.fields, r.URL.Query().Get("replace"))
	fields := deepCopy(existing.fields).(map[string]any)
	for k, v := range body {
		if key, keyed := t.Keyed[k]; keyed {
			merged, e := mergeKeyed(fields[k], v, k, key)
			if e != nil {
				return e
			}
			fields[k] = merged
			continue
		}
		fields[k] = v
	}
	rec := &record{typ: typ, id: existing.id, eid: existing.eid, fields: fields}
	if e := s.validate(rec, existing.id); e != nil {
		return e
	}
	s.commit(rec)
	s.location(w, r, typ, rec.id)
	return nil
}

// mergeKeyed merges the sent lines of a keyed sublist into the stored ones:
// a line whose key matches a stored line replaces it, others are added.
func mergeKeyed(stored, sent any, name, key string) (any, *apiError) {
	sentM, ok := sent.(map[string]any)
	if !ok {
		return nil, badRequest("INVALID_CONTENT", name, "%s must be an object with items.", name)
	}
	newLines, e := sublist(map[string]any{name: sentM}, name)
	if e != nil {
		return nil, e
	}
	oldLines, _ := sublist(map[string]any{name: stored}, name)
	out := make([]any, 0, len(oldLines)+len(newLines))
	index := map[string]int{}
	for _, l := range oldLines {
		k, _ := refID(l[key])
		index[k] = len(out)
		out = append(out, l)
	}
	for i, l := range newLines {
		k, ok := refID(l[key])
		if !ok {
			return nil, badRequest("USER_ERROR", fmt.Sprintf("%s.items[%d].%s", name, i, key), "Please enter value(s) for: %s", key)
		}
		if at, dup := index[k]; dup {
			out[at] = l
			continue
		}
		index[k] = len(out)
		out = append(out, l)
	}
	return map[string]any{"items": out}, nil
}

// checkPartyCurrency refuses a transaction in a currency its customer may
// not use: neither the customer's primary currency nor on its currency
// list. Callers hold s.mu.
func (s *Server) checkPartyCurrency(rec *record) *apiError {
	t, _ := writableType(rec.typ)
	if t.Party == "" {
		return nil
	}
	cur, ok := refID(rec.fields["currency"])
	if !ok {
		return nil
	}
	custID, _ := refID(rec.fields[t.Party])
	cust := s.records["customer"][custID]
	if cust == nil {
		return nil // the reference check names it
	}
	primary, hasPrimary := refID(cust.fields["currency"])
	if !hasPrimary {
		return nil // a customer with no known currency (preloaded without one)
	}
	if primary == cur {
		return nil
	}
	lines, _ := sublist(cust.fields, "currencyList")
	for _, l := range lines {
		if id, _ := refID(l["currency"]); id == cur {
			return nil
		}
	}
	return badRequest("INVALID_FLD_VALUE", "currency",
		"You have entered an Invalid Field Value %s for the following field: currency (customer %s may not transact in it: add it to the customer's currencies)", cur, custID)
}

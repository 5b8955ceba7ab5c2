package nsfake

import (
	"net/http"
	"strings"
)

// patch updates some fields of an existing record (PATCH …/<type>/<id>,
// NetSuite's update): the body's fields replace the stored ones, the rest
// stay, and the result is validated as a whole.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, typ, id string) *apiError {
	if !writable[typ] {
		return badRequest("INVALID_RCRD_TYPE", "", "The record type [%s] is invalid or not supported by the fake.", typ)
	}
	body, e := decodeBody(r)
	if e != nil {
		return e
	}
	if _, ok := body["externalId"]; ok && strings.HasPrefix(id, "eid:") {
		return badRequest("INVALID_CONTENT", "externalId", "The externalId cannot change in a PATCH by external ID.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	existing := s.lookup(typ, id)
	if existing == nil {
		return notFound(typ, id)
	}
	merged := deepCopy(existing.fields).(map[string]any)
	for k, v := range body {
		merged[k] = v
	}
	if existing.eid != "" {
		merged["externalId"] = existing.eid
	}
	mergeUnkeyedSublists(typ, merged, existing.fields, r.URL.Query().Get("replace"))
	rec, e := s.newRecord(typ, merged, existing.id)
	if e != nil {
		return e
	}
	if e := s.validate(rec, existing.id); e != nil {
		return e
	}
	rec.id = existing.id
	s.commit(rec)
	s.location(w, r, typ, rec.id)
	return nil
}

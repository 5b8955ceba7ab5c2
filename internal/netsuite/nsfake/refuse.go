package nsfake

import "strings"

// RefuseWrites makes the fake refuse every write (PUT) of a record whose
// external ID starts with prefix, with 400 USER_ERROR and detail, until
// AllowWrites: a refusal nobody could foresee (a workflow script, a
// locked period), for tests of a payout that fails partway.
func (s *Server) RefuseWrites(prefix, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refusals == nil {
		s.refusals = map[string]string{}
	}
	s.refusals[prefix] = detail
}

// AllowWrites lifts every RefuseWrites.
func (s *Server) AllowWrites() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals = nil
}

// refused is the injected refusal of a write of eid, if any. Callers hold
// s.mu.
func (s *Server) refused(eid string) *apiError {
	for prefix, detail := range s.refusals {
		if strings.HasPrefix(eid, prefix) {
			return badRequest("USER_ERROR", "", "%s", detail)
		}
	}
	return nil
}

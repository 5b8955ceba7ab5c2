package nsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// permitted applies the role's permissions (Options.Permissions) to a
// request on a record type.
func (s *Server) permitted(typ, method string) *apiError {
	level := s.opts.Permissions[typ]
	if level == "none" || (level == "view" && method != http.MethodGet) {
		return &apiError{status: http.StatusForbidden, code: "INSUFFICIENT_PERMISSION",
			detail: fmt.Sprintf("Permission Violation: You need a higher level of the '%s' permission to %s this record.", typ, map[bool]string{true: "view", false: "edit"}[method == http.MethodGet])}
	}
	return nil
}

// list answers GET …/<type>[?limit=&offset=]: the IDs of the records of a
// type, in NetSuite's collection shape.
func (s *Server) list(w http.ResponseWriter, r *http.Request, typ string) *apiError {
	limit, offset := 1000, 0
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v > 0 {
		limit = min(v, 1000)
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v >= 0 {
		offset = v
	}
	s.mu.Lock()
	all := s.sorted(typ)
	s.mu.Unlock()
	items := []any{}
	for i := offset; i < len(all) && len(items) < limit; i++ {
		items = append(items, map[string]any{"id": all[i].id,
			"links": []any{map[string]string{"rel": "self", "href": recordPrefix + typ + "/" + all[i].id}}})
	}
	w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=collection; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"items": items, "count": len(items), "offset": offset, "totalResults": len(all),
		"hasMore": offset+len(items) < len(all), "links": []any{},
	})
	return nil
}

package stripefake

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
)

// What the fake knows about Stripe's request rules, kept in its own table
// (api_2023-10-16.json, generated from Stripe's OpenAPI schemas for API
// 2023-10-16 by TestAPITable) and never taken from the client: which
// endpoints exist, which query parameters each takes, and which fields an
// expand path may walk through and expand.

//go:embed api_2023-10-16.json
var apiJSON []byte

// apiTable is the shape of api_2023-10-16.json.
type apiTable struct {
	Version string `json:"version"`
	// Endpoints maps a path template ("/v1/invoices/{invoice}/lines") to
	// what it accepts and answers.
	Endpoints map[string]endpointSpec `json:"endpoints"`
	// Expandable maps a schema name to the fields an expand path may name
	// in it (Stripe's x-expandableFields), within four levels of every
	// endpoint's response.
	Expandable map[string]map[string]expandSpec `json:"expandable"`
}

type endpointSpec struct {
	Params []string `json:"params"` // query parameters, expand included
	Ranges []string `json:"ranges"` // those that also take [gt]/[gte]/[lt]/[lte]
	// Response is the schema name of the answer (a list's own title,
	// e.g. "BalanceTransactionsList", whose "data" holds the objects).
	Response string `json:"response"`
}

// expandSpec is one field an expand path may name.
type expandSpec struct {
	// Ref: the field is a reference (an ID or the object), so it can be
	// the last segment of an expand path. Other fields (lists, arrays,
	// embedded objects) can only be walked through.
	Ref bool `json:"ref,omitempty"`
	// To are the schemas the field's value can be.
	To []string `json:"to"`
}

var api = mustParseAPI(apiJSON)

func mustParseAPI(data []byte) *apiTable {
	var t apiTable
	if err := json.Unmarshal(data, &t); err != nil {
		panic("stripefake: api table: " + err.Error())
	}
	return &t
}

// maxExpandDepth is how many levels of a property Stripe expands at most.
const maxExpandDepth = 4

// endpoint finds the path template urlPath matches.
func (t *apiTable) endpoint(urlPath string) (string, endpointSpec, bool) {
	got := strings.Split(strings.Trim(urlPath, "/"), "/")
	for tmpl, spec := range t.Endpoints {
		want := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(want) == len(got) && slices.EqualFunc(want, got, func(w, g string) bool {
			return strings.HasPrefix(w, "{") || w == g
		}) {
			return tmpl, spec, true
		}
	}
	return "", endpointSpec{}, false
}

// checkExpand tells whether Stripe accepts the expand path p on an
// endpoint answering schema root: each segment must be a field the
// schemas it can be in let an expand path name (a "data." first for a
// list), the last one a reference, and at most four levels. A segment
// must be a field of every schema the value can be: "data.source.charge"
// is refused on balance transactions, since a refund's or a dispute's
// source has a charge and a charge's has none, and the schemas do not say
// what Stripe does on a page mixing both.
func (t *apiTable) checkExpand(root, p string) *apiError {
	segs := strings.Split(p, ".")
	if len(segs) > maxExpandDepth {
		return invalid(400, "", "expand", "You cannot expand more than 4 levels of a property. Property: %s", p)
	}
	at := []string{root}
	for i, seg := range segs {
		var next []string
		ref, all := false, true
		for _, name := range at {
			if f, ok := t.Expandable[name][seg]; ok {
				next = append(next, f.To...)
				ref = ref || f.Ref
			} else {
				all = false
			}
		}
		if !all && len(next) > 0 {
			// Strict: Stripe does not document whether a nested expansion
			// that only some of the value's types have (data.source.charge
			// on a page mixing charges and refunds) is accepted, so the
			// fake refuses it and clients fetch such objects one by one.
			return invalid(400, "", "expand", "This property cannot be expanded on every object it may be (%s).", strings.Join(segs[:i+1], "."))
		}
		if len(next) == 0 && !ref || (i == len(segs)-1 && !ref) {
			return invalid(400, "", "expand", "This property cannot be expanded (%s).", strings.Join(segs[:i+1], "."))
		}
		slices.Sort(next)
		at = slices.Compact(next)
	}
	return nil
}

package nsfake

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
)

const (
	recordPrefix = "/services/rest/record/v1/"
	suiteQLPath  = "/services/rest/query/v1/suiteql"
)

// TypeInfo is what the fake knows about a record type nsrecon writes,
// from NetSuite's REST documentation.
type TypeInfo struct {
	Name        string
	Transaction bool
	// Unkeyed are the sublists whose lines NetSuite cannot match to
	// existing ones: an update adds the sent lines to those already there
	// unless the request names the sublist in ?replace=.
	Unkeyed []string
	// Keyed are sublists whose lines NetSuite matches by a field (the
	// value): an update changes or adds the sent lines and keeps the rest.
	Keyed map[string]string
	// Party is the field naming a transaction's customer, whose currencies
	// limit the transaction's.
	Party string
}

// WritableTypes returns the record types nsrecon creates; other types
// exist only through Preload. The fake keeps this list apart from
// netsuite.RecordTypes on purpose, so a mistake in the client's table
// cannot hide in the fake; a test holds the two against each other.
func WritableTypes() []TypeInfo {
	return []TypeInfo{
		{Name: "customer", Keyed: map[string]string{"currencyList": "currency"}},
		{Name: "serviceSaleItem"},
		{Name: "discountItem"},
		{Name: "invoice", Transaction: true, Unkeyed: []string{"item"}, Party: "entity"},
		{Name: "customerPayment", Transaction: true, Party: "customer"},
		{Name: "creditMemo", Transaction: true, Unkeyed: []string{"item"}, Party: "entity"},
		{Name: "customerRefund", Transaction: true, Party: "customer"},
		{Name: "deposit", Transaction: true, Unkeyed: []string{"other", "cashback"}},
		{Name: "journalEntry", Transaction: true, Unkeyed: []string{"line"}},
	}
}

func writableType(name string) (TypeInfo, bool) {
	for _, t := range WritableTypes() {
		if t.Name == name {
			return t, true
		}
	}
	return TypeInfo{}, false
}

var writable = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range WritableTypes() {
		m[t.Name] = true
	}
	return m
}()

var transactionTypes = func() []string {
	var out []string
	for _, t := range WritableTypes() {
		if t.Transaction {
			out = append(out, t.Name)
		}
	}
	return out
}()

// itemTypes are the types an item line may reference.
var itemTypes = []string{"serviceSaleItem", "discountItem", "item", "nonInventorySaleItem",
	"otherChargeSaleItem", "salesTaxItem", "taxGroup", "subtotalItem", "paymentItem"}

// splitRecordPath cuts /services/rest/record/v1/<type>[/<id>].
func splitRecordPath(r *http.Request) (parts []string, ok bool) {
	p, found := strings.CutPrefix(r.URL.EscapedPath(), recordPrefix)
	if !found {
		return nil, false
	}
	for _, seg := range strings.Split(strings.TrimRight(p, "/"), "/") {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		parts = append(parts, u)
	}
	return parts, len(parts) > 0 && parts[0] != ""
}

func routeName(r *http.Request) string {
	if r.URL.Path == suiteQLPath {
		return r.Method + " suiteql"
	}
	if name, ok := asyncRouteName(r); ok {
		return name
	}
	parts, ok := splitRecordPath(r)
	if !ok {
		return r.Method + " " + r.URL.Path
	}
	return r.Method + " " + parts[0]
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.advanceAsync() // async.go: batch tasks whose processor time is over take effect first
	if s.routeAsync(w, r) {
		return
	}
	if r.URL.Path == suiteQLPath {
		if r.Method != http.MethodPost {
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED", detail: "SuiteQL takes POST."})
			return
		}
		s.serveSuiteQL(w, r)
		return
	}
	parts, ok := splitRecordPath(r)
	if !ok {
		writeError(w, &apiError{status: http.StatusNotFound, code: "INVALID_URL", detail: "No such resource: " + r.URL.Path})
		return
	}
	if e := s.permitted(parts[0], r.Method); e != nil {
		writeError(w, e)
		return
	}
	var err *apiError
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet:
		err = s.list(w, r, parts[0])
	case len(parts) == 2 && r.Method == http.MethodGet:
		err = s.get(w, parts[0], parts[1])
	case len(parts) == 2 && r.Method == http.MethodPut:
		err = s.upsert(w, r, parts[0], parts[1])
	case len(parts) == 2 && r.Method == http.MethodPatch:
		err = s.patch(w, r, parts[0], parts[1])
	default:
		err = &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
			detail: fmt.Sprintf("%s is not supported on %s by the fake.", r.Method, r.URL.Path)}
	}
	if err != nil {
		writeError(w, err)
	}
}

func (s *Server) location(w http.ResponseWriter, r *http.Request, typ, id string) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Location", scheme+"://"+r.Host+recordPrefix+typ+"/"+id)
	w.WriteHeader(http.StatusNoContent)
}

// lookup finds a record by internal ID or "eid:<x>". Callers hold s.mu.
func (s *Server) lookup(typ, id string) *record {
	if eid, ok := strings.CutPrefix(id, "eid:"); ok {
		id = s.byExt[typ][eid]
	}
	return s.records[typ][id]
}

func notFound(typ, id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NONEXISTENT_ID",
		detail: fmt.Sprintf("The record instance does not exist. Provide a valid record instance ID (%s %s).", typ, id)}
}

func (s *Server) get(w http.ResponseWriter, typ, id string) *apiError {
	s.mu.Lock()
	rec := s.lookup(typ, id)
	var out map[string]any
	if rec != nil {
		out = deepCopy(rec.fields).(map[string]any)
		out["id"] = rec.id
		if rec.eid != "" {
			out["externalId"] = rec.eid
		}
		if typ == "invoice" {
			out["amountRemaining"] = json.Number(fmtDec(s.remaining(rec.id, "")))
		}
		out["links"] = []any{map[string]string{"rel": "self", "href": recordPrefix + typ + "/" + rec.id}}
	}
	s.mu.Unlock()
	if rec == nil {
		return notFound(typ, id)
	}
	w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=singular; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(out)
	return nil
}

// mergeUnkeyedSublists makes an upsert of an existing record of type typ
// behave as NetSuite's update does: lines of unkeyed sublists not listed in
// replace are appended to the stored ones (a client that forgets replace=
// doubles its lines, and the fake's checks then see it).
func mergeUnkeyedSublists(typ string, body, stored map[string]any, replace string) {
	replaced := map[string]bool{}
	for _, s := range strings.Split(replace, ",") {
		replaced[strings.TrimSpace(s)] = true
	}
	t, _ := writableType(typ)
	for _, name := range t.Unkeyed {
		sent, ok := body[name].(map[string]any)
		if !ok || replaced[name] {
			continue
		}
		old, _ := stored[name].(map[string]any)
		oldItems, _ := old["items"].([]any)
		newItems, _ := sent["items"].([]any)
		sent["items"] = append(append([]any{}, deepCopy(oldItems).([]any)...), newItems...)
	}
}

func (s *Server) upsert(w http.ResponseWriter, r *http.Request, typ, id string) *apiError {
	if !writable[typ] {
		return badRequest("INVALID_RCRD_TYPE", "", "The record type [%s] is invalid or not supported by the fake.", typ)
	}
	eid, ok := strings.CutPrefix(id, "eid:")
	if !ok || eid == "" {
		return &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
			detail: "PUT is only supported with an external ID (…/eid:<id>); use PATCH to update by internal ID."}
	}
	body, e := decodeBody(r)
	if e != nil {
		return e
	}
	if e := enforceSchema(typ, body, validationOf(r)); e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recID, e := s.upsertLocked(typ, eid, body, r.URL.Query().Get("replace"))
	if e != nil {
		return e
	}
	s.location(w, r, typ, recID)
	return nil
}

// upsertLocked creates or replaces the record of type typ with external ID
// eid from body, as a PUT …/eid:<eid> does (also each task of an async
// batch), and returns its internal ID. Callers hold s.mu.
func (s *Server) upsertLocked(typ, eid string, body map[string]any, replace string) (string, *apiError) {
	if got, present := body["externalId"]; present && got != eid {
		return "", badRequest("INVALID_CONTENT", "externalId", "The externalId in the body (%v) does not match the URL (%s).", got, eid)
	}
	body["externalId"] = eid
	if e := s.refused(eid); e != nil { // refuse.go
		return "", e
	}
	existing := s.lookup(typ, "eid:"+eid)
	selfID := ""
	if existing != nil {
		selfID = existing.id
		mergeUnkeyedSublists(typ, body, existing.fields, replace)
	}
	rec, e := s.newRecord(typ, body, selfID)
	if e != nil {
		return "", e
	}
	if e := s.validate(rec, selfID); e != nil {
		return "", e
	}
	if existing != nil {
		rec.id = existing.id
	} else {
		rec.id = s.newID()
	}
	s.commit(rec)
	return rec.id, nil
}

// newRecord splits id/externalId off the body. Callers hold s.mu.
func (s *Server) newRecord(typ string, body map[string]any, selfID string) (*record, *apiError) {
	rec := &record{typ: typ, fields: body}
	if v, ok := body["externalId"]; ok {
		eid, isStr := v.(string)
		if !isStr || !validExternalID(eid) {
			return nil, badRequest("INVALID_FLD_VALUE", "externalId", "Invalid externalId %v: use letters, digits, '_' and '-'.", v)
		}
		rec.eid = eid
	}
	delete(body, "externalId")
	delete(body, "id")
	return rec, nil
}

// validExternalID follows nsrecon's convention (letters, digits, _ and -),
// stricter than NetSuite, to catch bad IDs early.
func validExternalID(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return false
		}
	}
	return true
}

// commit stores a validated record, with the totals NetSuite computes.
// Callers hold s.mu.
func (s *Server) commit(rec *record) {
	switch rec.typ {
	case "customer":
		// NetSuite gives every customer a primary currency: the
		// subsidiary's base currency unless one is sent.
		if rec.fields["currency"] == nil && s.opts.DefaultCurrency != "" {
			rec.fields["currency"] = map[string]any{"id": s.opts.DefaultCurrency}
		}
		listPrimaryCurrency(rec.fields)
	case "invoice", "creditMemo":
		rec.fields["total"] = json.Number(fmtDec(lineTotal(rec.fields)))
	case "deposit":
		t, _ := s.depositTotalChecked(rec.fields, rec.id) // validated already
		rec.fields["total"] = json.Number(fmtDec(t))
	}
	s.put(rec)
}

// ---- references and amounts ----

// refID reads {"id":"4"} (or a bare id) from a field value.
func refID(v any) (string, bool) {
	switch x := v.(type) {
	case map[string]any:
		return scalarID(x["id"])
	default:
		return scalarID(v)
	}
}

func scalarID(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case json.Number:
		return x.String(), true
	}
	return "", false
}

func (s *Server) existsAs(id string, types ...string) (string, bool) {
	for _, t := range types {
		if s.records[t][id] != nil {
			return t, true
		}
	}
	return "", false
}

func invalidRef(path, field string, v any) *apiError {
	return badRequest("INVALID_KEY_OR_REF", path, "Invalid %s reference key %v.", field, printable(v))
}

func printable(v any) string {
	if id, ok := refID(v); ok {
		return id
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// checkRef validates an optional (or required) reference field.
func (s *Server) checkRef(fields map[string]any, field string, required bool, types ...string) *apiError {
	v, present := fields[field]
	if !present || v == nil {
		if required {
			return badRequest("USER_ERROR", field, "Please enter value(s) for: %s", field)
		}
		return nil
	}
	id, ok := refID(v)
	if !ok {
		return invalidRef(field, field, v)
	}
	if _, ok := s.existsAs(id, types...); !ok {
		return invalidRef(field, field, v)
	}
	return nil
}

// sublist returns the items of {"items":[…]}.
func sublist(fields map[string]any, name string) ([]map[string]any, *apiError) {
	v, ok := fields[name]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("INVALID_CONTENT", name, "%s must be an object with items.", name)
	}
	raw, _ := m["items"].([]any)
	// "items": null is taken as empty: nsrecon's record types send it for an
	// empty sublist, and what NetSuite does with it is unverified.
	if v, has := m["items"]; has && v != nil && raw == nil {
		return nil, badRequest("INVALID_CONTENT", name+".items", "%s.items must be an array.", name)
	}
	out := make([]map[string]any, 0, len(raw))
	for i, it := range raw {
		line, ok := it.(map[string]any)
		if !ok {
			return nil, badRequest("INVALID_CONTENT", fmt.Sprintf("%s.items[%d]", name, i), "Sublist lines must be objects.")
		}
		out = append(out, line)
	}
	return out, nil
}

func amountOf(line map[string]any, key, path string, required bool) (*big.Rat, *apiError) {
	v, ok := line[key]
	if !ok || v == nil {
		if required {
			return nil, badRequest("USER_ERROR", path, "Please enter value(s) for: %s", key)
		}
		return new(big.Rat), nil
	}
	if _, isStr := v.(string); isStr { // amounts are JSON numbers on the wire
		return nil, badRequest("INVALID_FLD_VALUE", path, "Invalid number %q.", v)
	}
	r, ok := parseDec(v)
	if !ok {
		return nil, badRequest("INVALID_FLD_VALUE", path, "Invalid number %v.", printable(v))
	}
	// A currency's precision in NetSuite is 0 or 2: a third decimal has
	// nowhere to go. (NetSuite would round it; the fake refuses, so that a
	// client that would be rounded silently fails loudly here.)
	if !new(big.Rat).Mul(r, big.NewRat(100, 1)).IsInt() {
		return nil, badRequest("INVALID_FLD_VALUE", path, "Invalid amount %s: NetSuite keeps at most 2 decimals.", printable(v))
	}
	return r, nil
}

// lineTotal is Σ item line amounts of an invoice or credit memo (already
// validated).
func lineTotal(fields map[string]any) *big.Rat {
	t := new(big.Rat)
	lines, _ := sublist(fields, "item")
	for _, l := range lines {
		if a, ok := parseDec(l["amount"]); ok {
			t.Add(t, a)
		}
	}
	return t
}

func applied(line map[string]any) bool {
	a, present := line["apply"]
	return !present || a == true
}

// remaining is an invoice's total less the payments and credit memos
// applied to it, ignoring record excludeID (the one being replaced).
// Callers hold s.mu.
func (s *Server) remaining(invoiceID, excludeID string) *big.Rat {
	inv := s.records["invoice"][invoiceID]
	if inv == nil {
		return new(big.Rat)
	}
	rem := lineTotal(inv.fields)
	for _, t := range []string{"customerPayment", "creditMemo"} {
		for id, rec := range s.records[t] {
			if id == excludeID {
				continue
			}
			lines, _ := sublist(rec.fields, "apply")
			for _, l := range lines {
				if doc, _ := refID(l["doc"]); doc == invoiceID && applied(l) {
					if a, ok := parseDec(l["amount"]); ok {
						rem.Sub(rem, a)
					}
				}
			}
		}
	}
	return rem
}

// validate enforces what NetSuite enforces on save. selfID is the internal
// ID of the record being replaced by an upsert, if any. Callers hold s.mu.
func (s *Server) validate(rec *record, selfID string) *apiError {
	f := rec.fields
	for field, typ := range map[string]string{
		"subsidiary": "subsidiary", "department": "department", "class": "classification",
		"location": "location", "currency": "currency",
	} {
		if rec.typ == "serviceSaleItem" || rec.typ == "discountItem" {
			if field == "subsidiary" {
				continue // a multi-select there; checked below
			}
		}
		if e := s.checkRef(f, field, false, typ); e != nil {
			return e
		}
	}
	if e := s.checkPartyCurrency(rec); e != nil {
		return e
	}
	if e := checkTextLengths(f); e != nil {
		return e
	}
	for _, field := range s.opts.Mandatory[rec.typ] {
		if v, ok := f[field]; !ok || v == nil || v == "" {
			return badRequest("USER_ERROR", field, "Please enter value(s) for: %s", field)
		}
	}
	switch rec.typ {
	case "customer":
		if e := checkCustomerName(f); e != nil {
			return e
		}
		if e := s.checkCustomerID(rec, selfID); e != nil {
			return e
		}
		if e := checkPhone(f); e != nil {
			return e
		}
		lines, e := sublist(f, "currencyList")
		if e != nil {
			return e
		}
		primary, _ := refID(f["currency"])
		for i, l := range lines {
			p := fmt.Sprintf("currencyList.items[%d].currency", i)
			if e := s.checkRef(l, "currency", true, "currency"); e != nil {
				e.path = p
				return e
			}
			if id, _ := refID(l["currency"]); s.opts.SingleCurrencyCustomers && id != primary {
				return badRequest("FEATURE_DISABLED", p, "The feature 'Multiple Currencies per customer' is not enabled in this account.")
			}
		}
		return nil
	case "serviceSaleItem", "discountItem":
		if _, ok := f["itemId"].(string); !ok {
			return badRequest("USER_ERROR", "itemId", "Please enter value(s) for: Item Name/Number")
		}
		acct := "incomeAccount"
		if rec.typ == "discountItem" {
			acct = "account"
		}
		if e := s.checkRef(f, acct, false, "account"); e != nil {
			return e
		}
		if e := s.checkRef(f, "taxSchedule", false, "taxSchedule"); e != nil {
			return e
		}
		subs, e := sublist(f, "subsidiary")
		if e != nil {
			return e
		}
		for i, l := range subs {
			if e := s.checkRef(l, "id", true, "subsidiary"); e != nil {
				e.path = fmt.Sprintf("subsidiary.items[%d]", i)
				return e
			}
		}
		return nil
	case "invoice", "creditMemo":
		if e := s.checkRef(f, "entity", true, "customer"); e != nil {
			return e
		}
		lines, e := sublist(f, "item")
		if e != nil {
			return e
		}
		if len(lines) == 0 {
			return badRequest("USER_ERROR", "item", "You must enter at least one line item for this transaction.")
		}
		for i, l := range lines {
			p := fmt.Sprintf("item.items[%d]", i)
			if e := s.checkRef(l, "item", true, itemTypes...); e != nil {
				e.path = p + ".item"
				return e
			}
			if _, e := amountOf(l, "amount", p+".amount", true); e != nil {
				return e
			}
			if e := s.checkRef(l, "taxCode", false, "salesTaxItem", "taxGroup"); e != nil {
				e.path = p + ".taxCode"
				return e
			}
		}
		if rec.typ == "creditMemo" {
			return s.checkApply(rec, selfID, lineTotal(f))
		}
		return nil
	case "customerPayment":
		if e := s.checkRef(f, "customer", true, "customer"); e != nil {
			return e
		}
		if e := s.checkRef(f, "account", false, "account"); e != nil {
			return e
		}
		pay, e := amountOf(f, "payment", "payment", true)
		if e != nil {
			return e
		}
		if pay.Sign() < 0 {
			return badRequest("INVALID_FLD_VALUE", "payment", "The payment amount must not be negative.")
		}
		if e := checkRate(f); e != nil {
			return e
		}
		return s.checkApply(rec, selfID, pay)
	case "customerRefund":
		if e := s.checkRef(f, "customer", true, "customer"); e != nil {
			return e
		}
		if e := s.checkRef(f, "account", false, "account"); e != nil {
			return e
		}
		if _, e := amountOf(f, "total", "total", false); e != nil {
			return e
		}
		if e := checkRate(f); e != nil {
			return e
		}
		return s.checkApply(rec, selfID, nil)
	case "deposit":
		if e := s.checkRef(f, "account", true, "account"); e != nil {
			return e
		}
		_, e := s.depositTotalChecked(f, selfID)
		return e
	case "journalEntry":
		return s.checkJournal(f) // journal.go
	}
	return nil
}

func checkRate(f map[string]any) *apiError {
	v, ok := f["exchangeRate"]
	if !ok || v == nil {
		return nil
	}
	r, ok := parseDec(v)
	if !ok || r.Sign() <= 0 {
		return badRequest("INVALID_FLD_VALUE", "exchangeRate", "Invalid exchange rate %v.", printable(v))
	}
	return nil
}

// checkApply checks an apply sublist: every document exists, and invoices
// are not paid or credited beyond their amount remaining. limit, when
// non-nil, caps the sum applied (a payment cannot apply more than it is).
func (s *Server) checkApply(rec *record, selfID string, limit *big.Rat) *apiError {
	lines, e := sublist(rec.fields, "apply")
	if e != nil {
		return e
	}
	want := map[string]*big.Rat{}
	sum := new(big.Rat)
	for i, l := range lines {
		p := fmt.Sprintf("apply.items[%d]", i)
		docTypes := []string{"invoice"}
		if rec.typ == "customerRefund" {
			docTypes = []string{"creditMemo", "customerPayment"}
		}
		if e := s.checkRef(l, "doc", true, docTypes...); e != nil {
			e.path = p + ".doc"
			return e
		}
		amt, e := amountOf(l, "amount", p+".amount", true)
		if e != nil {
			return e
		}
		if !applied(l) {
			continue
		}
		if amt.Sign() < 0 {
			return badRequest("INVALID_FLD_VALUE", p+".amount", "Applied amounts must not be negative.")
		}
		doc, _ := refID(l["doc"])
		if want[doc] == nil {
			want[doc] = new(big.Rat)
		}
		want[doc].Add(want[doc], amt)
		sum.Add(sum, amt)
	}
	for doc, amt := range want {
		if s.typeOf[doc] == "invoice" {
			if rem := s.remaining(doc, selfID); amt.Cmp(rem) > 0 {
				return badRequest("INVALID_FLD_VALUE", "apply",
					"The amount applied to invoice %s (%s) exceeds its amount remaining (%s).", doc, fmtDec(amt), fmtDec(rem))
			}
		}
		if e := s.checkOpen(rec, doc, amt, selfID); e != nil { // open.go
			return e
		}
	}
	if limit != nil && sum.Cmp(limit) > 0 {
		return badRequest("INVALID_FLD_VALUE", "apply",
			"The total applied (%s) exceeds the amount of the transaction (%s).", fmtDec(sum), fmtDec(limit))
	}
	return nil
}

// depositTotalChecked validates a deposit's lines and computes its total
// from the stored transactions: payments count positive and refunds
// negative, each at its own amount, not at the paymentAmount the client
// sent. selfID is the deposit being replaced, whose lines do not count as
// "already deposited". Callers hold s.mu.
//
// A transaction with an exchangeRate is converted and rounded half away from zero (as the planner assumes NetSuite does) to
// 2 decimals. That is the fake's approximation: NetSuite converts with the
// deposit currency's precision and its own rounding.
func (s *Server) depositTotalChecked(f map[string]any, selfID string) (*big.Rat, *apiError) {
	total := new(big.Rat)
	payments, e := sublist(f, "payment")
	if e != nil {
		return nil, e
	}
	seen := map[string]bool{}
	for i, l := range payments {
		p := fmt.Sprintf("payment.items[%d]", i)
		if l["deposit"] != true {
			continue
		}
		id, ok := scalarID(l["id"])
		if !ok {
			id, ok = refID(l["doc"])
		}
		if !ok {
			return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Invalid payment reference key %v.", printable(l["id"]))
		}
		typ := s.typeOf[id]
		txn := s.records[typ][id]
		if txn == nil || (typ != "customerPayment" && typ != "customerRefund") {
			return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Invalid payment reference key %s: not a customer payment or refund.", id)
		}
		var amt *big.Rat
		switch typ {
		case "customerPayment":
			if !s.undeposited(txn.fields) {
				return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Customer payment %s is not in Undeposited Funds.", id)
			}
			amt, _ = parseDec(txn.fields["payment"])
		case "customerRefund":
			acct, _ := refID(txn.fields["account"])
			if s.opts.UndepositedFunds == "" || acct != s.opts.UndepositedFunds {
				return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Customer refund %s is not paid from Undeposited Funds.", id)
			}
			amt, _ = parseDec(txn.fields["total"])
			if amt != nil {
				amt = new(big.Rat).Neg(amt)
			}
		}
		if amt == nil {
			amt = new(big.Rat)
		}
		if seen[id] {
			return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Transaction %s is listed twice.", id)
		}
		seen[id] = true
		if other := s.depositedBy(id, selfID); other != "" {
			return nil, badRequest("INVALID_KEY_OR_REF", p+".id", "Transaction %s is already deposited by deposit %s.", id, other)
		}
		if rate, ok := parseDec(txn.fields["exchangeRate"]); ok {
			amt = roundHalfAway(new(big.Rat).Mul(amt, rate), 2)
		}
		total.Add(total, amt)
	}
	for _, sub := range []struct {
		name string
		sign int
	}{{"other", 1}, {"cashback", -1}} {
		lines, e := sublist(f, sub.name)
		if e != nil {
			return nil, e
		}
		for i, l := range lines {
			p := fmt.Sprintf("%s.items[%d]", sub.name, i)
			if e := s.checkRef(l, "account", true, "account"); e != nil {
				e.path = p + ".account"
				return nil, e
			}
			if sub.name == "other" {
				if e := s.checkRef(l, "entity", false, "customer"); e != nil {
					e.path = p + ".entity"
					return nil, e
				}
			}
			amt, e := amountOf(l, "amount", p+".amount", true)
			if e != nil {
				return nil, e
			}
			if sub.sign < 0 {
				total.Sub(total, amt)
			} else {
				total.Add(total, amt)
			}
		}
	}
	return total, nil
}

// depositedBy returns the deposit other than selfID holding txn.
func (s *Server) depositedBy(txn, selfID string) string {
	for id, dep := range s.records["deposit"] {
		if id == selfID {
			continue
		}
		lines, _ := sublist(dep.fields, "payment")
		for _, l := range lines {
			if got, _ := scalarID(l["id"]); got == txn && l["deposit"] == true {
				return id
			}
		}
	}
	return ""
}

// undeposited reports whether a customer payment posts to Undeposited
// Funds: its undepFunds select is "T" (the REST schema's select object,
// {"id": "T"}), or its account is the Undeposited Funds account.
func (s *Server) undeposited(f map[string]any) bool {
	if sel, ok := f["undepFunds"].(map[string]any); ok && sel["id"] == "T" {
		return true
	}
	acct, _ := refID(f["account"])
	return acct != "" && acct == s.opts.UndepositedFunds
}

// listPrimaryCurrency puts a customer's primary currency on its currency
// list, as NetSuite's Currencies subtab always shows it: a customer made
// with a primary currency alone and one made with both read back alike.
func listPrimaryCurrency(f map[string]any) {
	primary, ok := refID(f["currency"])
	if !ok {
		return
	}
	lines, _ := sublist(f, "currencyList")
	items := make([]any, 0, len(lines)+1)
	for _, l := range lines {
		if id, _ := refID(l["currency"]); id == primary {
			return
		}
		items = append(items, l)
	}
	f["currencyList"] = map[string]any{"items": append([]any{map[string]any{"currency": map[string]any{"id": primary}}}, items...)}
}

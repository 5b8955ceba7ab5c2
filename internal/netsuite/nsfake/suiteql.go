package nsfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The fake understands a small SuiteQL subset, enough for lookups by email
// and external ID:
//
//	SELECT <col>[, <col>…] | * FROM customer|transaction|item|account|currency|
//	  subsidiary|department|classification|location
//	  [WHERE <cond> [AND|OR <cond>…]] [ORDER BY <col> [ASC|DESC]]
//	<cond> := <expr> = <literal> | <expr> IN (<literal>[, <literal>…])
//	<expr> := <col> | LOWER(<col>) | UPPER(<col>)
//
// AND binds tighter than OR, as in SQL.
//
// String literals use SQL quoting ('o''brien'). Anything else is answered
// with 400 and a detail saying what the fake did not understand.

type sqlToken struct {
	kind string // "ident", "string", "number", "punct"
	text string
}

func lexSQL(q string) ([]sqlToken, error) {
	var out []sqlToken
	rs := []rune(q)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(rs) {
					return nil, fmt.Errorf("unterminated string literal")
				}
				if rs[i] == '\'' {
					if i+1 < len(rs) && rs[i+1] == '\'' {
						b.WriteRune('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteRune(rs[i])
				i++
			}
			out = append(out, sqlToken{"string", b.String()})
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.') {
				j++
			}
			out = append(out, sqlToken{"ident", string(rs[i:j])})
			i = j
		case unicode.IsDigit(c) || c == '-':
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			out = append(out, sqlToken{"number", string(rs[i:j])})
			i = j
		case strings.ContainsRune(",()=*", c):
			out = append(out, sqlToken{"punct", string(c)})
			i++
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return out, nil
}

type sqlCond struct {
	fn, col, lit string   // fn is "", "lower" or "upper"
	in           []string // IN (…): any of these; lit is unused
}

type sqlQuery struct {
	cols    []string // lower-case; "*" for all
	table   string
	where   [][]sqlCond // OR of ANDs
	orderBy string
	desc    bool
}

type sqlParser struct {
	toks []sqlToken
	pos  int
}

func (p *sqlParser) peek() sqlToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return sqlToken{}
}

func (p *sqlParser) next() sqlToken { t := p.peek(); p.pos++; return t }

func (p *sqlParser) keyword(kw string) bool {
	if t := p.peek(); t.kind == "ident" && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

func (p *sqlParser) expect(kind, text string) error {
	t := p.next()
	if t.kind != kind || (text != "" && !strings.EqualFold(t.text, text)) {
		want := text
		if want == "" {
			want = kind
		}
		got := t.text
		if got == "" {
			got = "end of query"
		}
		return fmt.Errorf("expected %s, found %q", want, got)
	}
	return nil
}

func parseSuiteQL(q string) (*sqlQuery, error) {
	toks, err := lexSQL(q)
	if err != nil {
		return nil, err
	}
	p := &sqlParser{toks: toks}
	if !p.keyword("SELECT") {
		return nil, fmt.Errorf("only SELECT is supported")
	}
	out := &sqlQuery{}
	for {
		t := p.next()
		switch {
		case t.kind == "punct" && t.text == "*":
			out.cols = append(out.cols, "*")
		case t.kind == "ident" && !strings.EqualFold(t.text, "FROM"):
			out.cols = append(out.cols, strings.ToLower(t.text))
		default:
			return nil, fmt.Errorf("expected a column name, found %q", t.text)
		}
		if p.peek().text != "," {
			break
		}
		p.next()
	}
	if err := p.expect("ident", "FROM"); err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind != "ident" {
		return nil, fmt.Errorf("expected a table name")
	}
	out.table = strings.ToLower(t.text)
	if p.keyword("WHERE") {
		for {
			var c sqlCond
			t := p.next()
			if t.kind != "ident" {
				return nil, fmt.Errorf("expected a column in WHERE, found %q", t.text)
			}
			if fn := strings.ToLower(t.text); (fn == "lower" || fn == "upper") && p.peek().text == "(" {
				p.next()
				col := p.next()
				if col.kind != "ident" {
					return nil, fmt.Errorf("expected a column inside %s()", fn)
				}
				if err := p.expect("punct", ")"); err != nil {
					return nil, err
				}
				c.fn, c.col = fn, strings.ToLower(col.text)
			} else {
				c.col = strings.ToLower(t.text)
			}
			if err := p.condValue(&c); err != nil {
				return nil, err
			}
			if len(out.where) == 0 {
				out.where = append(out.where, nil)
			}
			out.where[len(out.where)-1] = append(out.where[len(out.where)-1], c)
			if p.keyword("OR") {
				out.where = append(out.where, nil)
				continue
			}
			if !p.keyword("AND") {
				break
			}
		}
	}
	if p.keyword("ORDER") {
		if err := p.expect("ident", "BY"); err != nil {
			return nil, err
		}
		col := p.next()
		if col.kind != "ident" {
			return nil, fmt.Errorf("expected a column after ORDER BY")
		}
		out.orderBy = strings.ToLower(col.text)
		if p.keyword("DESC") {
			out.desc = true
		} else {
			p.keyword("ASC")
		}
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unsupported SuiteQL near %q", p.peek().text)
	}
	return out, nil
}

// suiteQLTables are the SuiteQL tables the fake answers, with the record
// types each holds. Accounts, currencies and classification records exist
// only when a test preloads them.
func suiteQLTables() map[string][]string {
	return map[string][]string{
		"customer": {"customer"}, "transaction": transactionTypes, "item": itemTypes,
		"account": {"account"}, "currency": {"currency"}, "subsidiary": {"subsidiary"},
		"department": {"department"}, "classification": {"classification"}, "location": {"location"},
	}
}

// tranTypeCode is the transaction.type value SuiteQL shows.
var tranTypeCode = map[string]string{
	"invoice": "CustInvc", "customerPayment": "CustPymt", "creditMemo": "CustCred",
	"customerRefund": "CustRfnd", "deposit": "Deposit",
}

// column reads a SuiteQL column of a record as SuiteQL shows it (a string),
// and whether it has a value.
func column(rec *record, col string) (string, bool) {
	switch col {
	case "id":
		return rec.id, true
	case "externalid":
		return rec.eid, rec.eid != ""
	case "type":
		if c, ok := tranTypeCode[rec.typ]; ok {
			return c, true
		}
	case "recordtype":
		return strings.ToLower(rec.typ), true
	}
	for k, v := range rec.fields {
		if !strings.EqualFold(k, col) {
			continue
		}
		switch x := v.(type) {
		case string:
			return x, x != ""
		case json.Number:
			return x.String(), true
		case bool:
			if x {
				return "T", true
			}
			return "F", true
		case map[string]any:
			return refID(x)
		}
	}
	return "", false
}

func (s *Server) serveSuiteQL(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(strings.TrimSpace(r.Header.Get("Prefer")), "transient") {
		writeError(w, badRequest("INVALID_HEADER", "", "SuiteQL requests need the header Prefer: transient."))
		return
	}
	limit, offset := 1000, 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, badRequest("INVALID_PARAMETER", "limit", "limit must be 1 to 1000."))
			return
		}
		limit = n
	}
	if v := r.URL.Query().Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, badRequest("INVALID_PARAMETER", "offset", "offset must be a non-negative integer."))
			return
		}
		offset = n
	}
	body, e := decodeBody(r)
	if e != nil {
		writeError(w, e)
		return
	}
	q, _ := body["q"].(string)
	parsed, err := parseSuiteQL(q)
	if err != nil {
		writeError(w, badRequest("INVALID_PARAMETER", "q",
			"Invalid search query. The fake NetSuite supports SELECT … FROM customer|transaction|item WHERE col = 'literal' [AND …]: %v.", err))
		return
	}
	types, ok := suiteQLTables()[parsed.table]
	if !ok {
		writeError(w, badRequest("INVALID_PARAMETER", "q", "Invalid search query. Record '%s' was not found (the fake knows %s).", parsed.table, strings.Join(slices.Sorted(maps.Keys(suiteQLTables())), ", ")))
		return
	}

	s.mu.Lock()
	type hit struct {
		rec *record
		row map[string]any
	}
	var rows []hit
	var recs []*record
	for _, t := range types {
		recs = append(recs, s.sorted(t)...)
	}
	for _, rec := range recs {
		if !matches(rec, parsed.where) {
			continue
		}
		row := map[string]any{"links": []any{}}
		for _, c := range parsed.cols {
			if c == "*" {
				for _, k := range []string{"id", "externalid"} {
					if v, ok := column(rec, k); ok {
						row[k] = v
					}
				}
				for k := range rec.fields {
					if v, ok := column(rec, strings.ToLower(k)); ok {
						row[strings.ToLower(k)] = v
					}
				}
				continue
			}
			if v, ok := column(rec, c); ok {
				row[c] = v // SuiteQL leaves out empty columns
			} else if v, ok := s.openColumn(rec, c); ok { // open.go
				row[c] = v
			}
		}
		rows = append(rows, hit{rec, row})
	}
	s.mu.Unlock()

	sort.SliceStable(rows, func(i, j int) bool { return idLess(rows[i].rec.id, rows[j].rec.id) })
	if parsed.orderBy != "" {
		sort.SliceStable(rows, func(i, j int) bool {
			a, _ := column(rows[i].rec, parsed.orderBy)
			b, _ := column(rows[j].rec, parsed.orderBy)
			less := a < b
			if na, ea := strconv.Atoi(a); ea == nil {
				if nb, eb := strconv.Atoi(b); eb == nil {
					less = na < nb
				}
			}
			if parsed.desc {
				return !less && a != b
			}
			return less
		})
	}
	total := len(rows)
	page := []any{}
	for i := offset; i < total && i < offset+limit; i++ {
		page = append(page, rows[i].row)
	}
	hasMore := offset+len(page) < total
	self := fmt.Sprintf("%s?limit=%d&offset=%d", suiteQLPath, limit, offset)
	links := []any{map[string]string{"rel": "self", "href": self}}
	if hasMore {
		links = append(links, map[string]string{"rel": "next",
			"href": fmt.Sprintf("%s?limit=%d&offset=%d", suiteQLPath, limit, offset+limit)})
	}
	w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=collection; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"links": links, "count": len(page), "hasMore": hasMore, "items": page,
		"offset": offset, "totalResults": total,
	})
}

// condValue parses what follows a condition's column: = <literal> or
// IN (<literal>, …).
func (p *sqlParser) condValue(c *sqlCond) error {
	literal := func(after string) (string, error) {
		lit := p.next()
		if lit.kind != "string" && lit.kind != "number" {
			return "", fmt.Errorf("expected a literal after %s, found %q", after, lit.text)
		}
		return lit.text, nil
	}
	if p.keyword("IN") {
		if err := p.expect("punct", "("); err != nil {
			return err
		}
		for {
			lit, err := literal("IN (")
			if err != nil {
				return err
			}
			c.in = append(c.in, lit)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
		return p.expect("punct", ")")
	}
	if err := p.expect("punct", "="); err != nil {
		return fmt.Errorf("only '=' and IN comparisons are supported: %w", err)
	}
	lit, err := literal("'='")
	c.lit = lit
	return err
}

// matches reports whether rec meets any of the AND groups (no WHERE: all).
func matches(rec *record, where [][]sqlCond) bool {
	if len(where) == 0 {
		return true
	}
	for _, g := range where {
		if matchesAll(rec, g) {
			return true
		}
	}
	return false
}

func matchesAll(rec *record, conds []sqlCond) bool {
	for _, c := range conds {
		v, ok := column(rec, c.col)
		if !ok {
			return false // NULL = anything is not true
		}
		switch c.fn {
		case "lower":
			v = strings.ToLower(v)
		case "upper":
			v = strings.ToUpper(v)
		}
		if c.in != nil {
			if !slices.Contains(c.in, v) {
				return false
			}
		} else if v != c.lit {
			return false
		}
	}
	return true
}

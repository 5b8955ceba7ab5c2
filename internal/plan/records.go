package plan

import (
	"slices"
	"time"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// add appends a record with its dependencies derived from its references.
func (b *builder) add(r Record) {
	if _, dup := b.index[r.ExternalID]; dup {
		return
	}
	b.fit(r.Body)
	refs := r.Body.Refs()
	// Most records have a handful of references; a deposit has one per
	// transaction, so dedupe through a set there to stay linear.
	var seen map[string]bool
	if len(refs) > 16 {
		seen = make(map[string]bool, len(refs))
	}
	for _, ref := range refs {
		id := ref.ExternalID
		if id == "" {
			continue
		}
		if seen != nil {
			if !seen[id] {
				seen[id] = true
				r.Deps = append(r.Deps, id)
			}
		} else if !slices.Contains(r.Deps, id) {
			r.Deps = append(r.Deps, id)
		}
	}
	b.index[r.ExternalID] = len(b.plan.Records)
	b.plan.Records = append(b.plan.Records, r)
	b.noteCurrency(r.Body)
}

// fit makes a body what the account accepts beyond its amounts: free text
// within NetSuite's lengths, the configured tax code on item lines.
func (b *builder) fit(body netsuite.Body) {
	netsuite.FitText(body)
	if b.s.TaxCode == "" {
		return
	}
	switch x := body.(type) {
	case *netsuite.Invoice:
		x.Item.SetTaxCode(b.s.TaxCode)
	case *netsuite.CreditMemo:
		x.Item.SetTaxCode(b.s.TaxCode)
	}
}

// taxSchedule is the configured tax schedule of items nsrecon creates.
func (b *builder) taxSchedule() *netsuite.Ref {
	if b.s.TaxSchedule == "" {
		return nil
	}
	return &netsuite.Ref{ID: b.s.TaxSchedule}
}

func (b *builder) planned(extID string) bool {
	_, ok := b.index[extID]
	return ok
}

// ref returns a reference to an existing NetSuite object named by config,
// recording a missing-mapping problem when the key is unset.
func (b *builder) ref(m Mapping, object string) netsuite.Ref {
	if m.ID == "" {
		b.missing(m.Key, object)
	}
	return netsuite.Ref{ID: m.ID}
}

// missing records one problem per unset config key, however many objects
// need it: one fix, one message.
func (b *builder) missing(key Key, object string) {
	if b.missingKeys[key] {
		return
	}
	b.missingKeys[key] = true
	b.problem(outcome.CodeMissingMapping, object, "set "+string(key)+" in the config to a NetSuite internal ID ",
		"%s needs the NetSuite mapping %s, which is not configured", object, key)
}

func refPtr(r netsuite.Ref) *netsuite.Ref { return &r }

func (b *builder) classification() netsuite.Classification {
	opt := func(id string) *netsuite.Ref {
		if id == "" {
			return nil
		}
		return &netsuite.Ref{ID: id}
	}
	return netsuite.Classification{
		Subsidiary: opt(b.s.Subsidiary), Department: opt(b.s.Department),
		Class: opt(b.s.Class), Location: opt(b.s.Location),
	}
}

func (b *builder) subsidiaryList() *netsuite.RefList {
	if b.s.Subsidiary == "" {
		return nil
	}
	return &netsuite.RefList{Items: []netsuite.Ref{{ID: b.s.Subsidiary}}}
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// truncate cuts s to at most n runes (NetSuite field limits count characters).
func truncate(s string, n int) string {
	if n < 1 {
		n = 1
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

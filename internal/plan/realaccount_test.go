package plan

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nsrecon/nsrecon/internal/netsuite"
)

// TestTextWithinNetSuiteLimits: names, memos and descriptions longer than
// NetSuite's fields are cut to them, counting characters, not bytes.
func TestTextWithinNetSuiteLimits(t *testing.T) {
	b := newSnap("usd")
	long := strings.Repeat("Ünïcødé ", 200)
	b.customer("cus_1", long, "a@acme.test")
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.s.Transactions[0].ID = "txn_" + strings.Repeat("x", 1200) // lands in memos
	p := Build(b.finish(), settings(), nil)
	for _, r := range p.Records {
		switch body := r.Body.(type) {
		case *netsuite.Customer:
			if n := utf8.RuneCountInString(body.CompanyName); n != netsuite.MaxName {
				t.Errorf("companyName has %d characters", n)
			}
		case *netsuite.CustomerPayment:
			if n := utf8.RuneCountInString(body.Memo); n != netsuite.MaxMemo {
				t.Errorf("payment memo has %d characters", n)
			}
		}
	}
}

// TestDerivedEntityIDAndPhone: customers.entity_id: derived names each
// customer after its name and Stripe ID; a phone NetSuite would refuse is
// left out, with a note.
func TestDerivedEntityIDAndPhone(t *testing.T) {
	b := newSnap("usd")
	b.customer("cus_1", "Acme", "a@acme.test")
	b.customer("cus_2", "Acme", "b@acme.test")
	b.s.Customers["cus_1"].Phone = "+44 20 7946 0958"
	b.s.Customers["cus_2"].Phone = "call me"
	b.charge("ch_1", "cus_1", "", 1000, 59)
	b.charge("ch_2", "cus_2", "", 1000, 59)
	s := settings()
	s.EntityID = EntityIDDerived
	p := Build(b.finish(), s, nil)
	c1 := rec(t, p, "stripe_cus_1").Body.(*netsuite.Customer)
	c2 := rec(t, p, "stripe_cus_2").Body.(*netsuite.Customer)
	if c1.EntityID != "Acme (cus_1)" || c2.EntityID != "Acme (cus_2)" {
		t.Errorf("entity IDs %q %q", c1.EntityID, c2.EntityID)
	}
	if c1.Phone == "" || c2.Phone != "" || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "cus_2") {
		t.Errorf("phones %q %q, notes %v", c1.Phone, c2.Phone, p.Notes)
	}
	if p := Build(b.s, settings(), nil); rec(t, p, "stripe_cus_1").Body.(*netsuite.Customer).EntityID != "" {
		t.Error("auto: an entity ID was sent")
	}
}

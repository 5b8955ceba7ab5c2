package plan

import (
	"fmt"
	"strings"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// payer is who paid a charge, as a NetSuite customer nsrecon makes.
type payer struct {
	name, email, phone string
	source             string // the Stripe object that names them (cus_… or the guest charge)
	extID              string
	comments           string
	stripe             *payout.Customer // nil for a guest charge
}

// customer returns the reference to the NetSuite customer for a charge,
// planning the customer record when nsrecon makes it.
func (b *builder) customer(ch *payout.Charge, object string) (netsuite.Ref, bool) {
	if b.s.CustomerMode == "global" {
		m := b.s.Mapping(KeyGlobalCustomer)
		return b.ref(m, object), m.ID != ""
	}
	p, existing, ok := b.payerOf(ch, object)
	if !ok || existing != nil {
		return deref(existing), ok
	}
	if b.s.CustomerMode == "match_email" && p.email != "" {
		if m, ok := b.known.(CustomerMatcher); ok {
			if id, ok := m.CustomerByEmail(normEmail(p.email)); ok {
				return netsuite.Ref{ID: id}, true
			}
		}
		// One NetSuite customer per email, within a payout and across
		// payouts: Stripe customers sharing an address share it.
		p.extID = ExternalID("email_" + hashID(normEmail(p.email)))
	}
	if b.planned(p.extID) || b.known.Has(p.extID) {
		// Made by this plan or an earlier payout: not validated or sent
		// again (a customer deleted in Stripe since still exists here).
		return netsuite.Ref{ExternalID: p.extID}, true
	}
	return b.newCustomer(p)
}

func deref(r *netsuite.Ref) netsuite.Ref {
	if r == nil {
		return netsuite.Ref{}
	}
	return *r
}

// payerOf names who paid a charge: its Stripe customer, or for a guest
// charge whoever its billing details name (one NetSuite customer per email
// address). existing is set when that is an existing NetSuite customer
// (Stripe metadata netsuite_customer_id, or the global customer for a
// guest without an email).
func (b *builder) payerOf(ch *payout.Charge, object string) (p payer, existing *netsuite.Ref, ok bool) {
	if ch.Customer == "" {
		p = payer{name: ch.BillingName, email: firstNonEmpty(ch.BillingEmail, ch.ReceiptEmail), source: ch.ID}
		if p.email == "" && b.s.GlobalCustomer != "" {
			return p, &netsuite.Ref{ID: b.s.GlobalCustomer}, true
		}
		p.extID = ExternalID("email_" + hashID(normEmail(p.email)))
		p.comments = "Stripe guest customer (billing details of " + ch.ID + ")"
		return p, nil, true
	}
	c := b.snap.Customers[ch.Customer]
	if c == nil {
		b.problem(outcome.CodeMissingObject, object, "", "charge %s: customer %q was not returned by Stripe", ch.ID, ch.Customer)
		return p, nil, false
	}
	if c.Deleted {
		return b.deletedPayer(ch, c)
	}
	if id := strings.TrimSpace(c.Metadata["netsuite_customer_id"]); id != "" {
		if !netsuite.Digits(id) {
			b.problem(outcome.CodeMalformed, c.ID,
				"set netsuite_customer_id on "+c.ID+" in Stripe to the NetSuite customer's internal ID (digits only), or remove it",
				"customer %s has metadata netsuite_customer_id %q, which is not a NetSuite internal ID", c.ID, id)
			return p, nil, false
		}
		return p, &netsuite.Ref{ID: id}, true
	}
	return payer{
		name: c.Name, email: c.Email, phone: c.Phone, source: c.ID,
		extID: ExternalID(c.ID), comments: "Stripe customer " + c.ID, stripe: c,
	}, nil, true
}

// deletedPayer names who paid a charge whose Stripe customer was deleted:
// Stripe keeps nothing of it but the ID. The NetSuite customer an earlier
// payout made for it stays the payer; else the charge's billing details
// name them, as for a guest (one NetSuite customer per email), never
// without an email.
func (b *builder) deletedPayer(ch *payout.Charge, c *payout.Customer) (payer, *netsuite.Ref, bool) {
	if ext := ExternalID(c.ID); b.planned(ext) || b.known.Has(ext) {
		return payer{}, &netsuite.Ref{ExternalID: ext}, true
	}
	p := payer{name: ch.BillingName, email: firstNonEmpty(ch.BillingEmail, ch.ReceiptEmail), source: ch.ID}
	if p.email == "" {
		b.problem(outcome.CodeMissingField, ch.ID,
			"create the customer in NetSuite by hand and set the payment's customer, or set customers.mode: global",
			"charge %s: its customer %s was deleted in Stripe and the charge's billing details have no email; NetSuite customers need one", ch.ID, c.ID)
		return p, nil, false
	}
	p.extID = ExternalID("email_" + hashID(normEmail(p.email)))
	p.comments = "Stripe customer " + c.ID + " (deleted; billing details of " + ch.ID + ")"
	return p, nil, true
}

// newCustomer plans the NetSuite customer for a payer, which needs a name
// and an email.
func (b *builder) newCustomer(p payer) (netsuite.Ref, bool) {
	name := p.name
	if name == "" {
		name = b.s.DefaultCustomerName
	}
	var missing []string
	if name == "" {
		missing = append(missing, "name")
	}
	if p.email == "" {
		missing = append(missing, "email")
	}
	if len(missing) > 0 {
		fix := "add the " + strings.Join(missing, " and ") + " to " + p.source + " in Stripe"
		if name == "" {
			fix += ", or set " + string(KeyDefaultName)
		}
		b.problem(outcome.CodeMissingField, p.source, fix,
			"customer %s has no %s; NetSuite customers need a name and an email", p.source, strings.Join(missing, " or "))
		return netsuite.Ref{}, false
	}
	if !validEmail(p.email) {
		b.problem(outcome.CodeInvalidEmail, p.source, "correct the email of "+p.source+" in Stripe",
			"customer %s has the email %q, which is not an address NetSuite accepts", p.source, p.email)
		return netsuite.Ref{}, false
	}
	c := &netsuite.Customer{
		ExternalID:     p.extID,
		Email:          strings.TrimSpace(p.email),
		Phone:          b.phone(p),
		Comments:       p.comments,
		Classification: b.classification(),
	}
	if b.s.EntityID == EntityIDDerived {
		// Unique however many Stripe customers share a name: NetSuite
		// refuses a second customer with the same ID.
		suffix := " (" + p.source + ")"
		c.EntityID = truncate(name, netsuite.MaxName-len([]rune(suffix))) + suffix
	}
	kind := b.s.CustomerType
	if p.stripe != nil && p.stripe.Metadata["netsuite_customer_type"] != "" {
		kind = p.stripe.Metadata["netsuite_customer_type"]
	}
	if kind == "individual" {
		// NetSuite names an individual by first and last name (seed 003);
		// the last word of the Stripe name is taken as the last name.
		c.IsPerson = true
		first, last := splitName(name)
		c.FirstName, c.LastName = truncate(first, 32), truncate(last, 32)
	} else {
		c.CompanyName = truncate(name, 83)
	}
	b.add(Record{Type: netsuite.TypeCustomer, ExternalID: p.extID, Source: p.source, Body: c})
	return netsuite.Ref{ExternalID: p.extID}, true
}

// EntityID settings (customers.entity_id).
const (
	EntityIDAuto    = "auto"
	EntityIDDerived = "derived"
)

// phone is the payer's phone when NetSuite would take it (7 to 32
// characters of digits, spaces and + ( ) - . x, with at least 7 digits);
// otherwise it is left out, and the plan's notes say so.
func (b *builder) phone(p payer) string {
	if p.phone == "" {
		return ""
	}
	digits := 0
	ok := len(p.phone) <= 32
	for _, r := range p.phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-.xX", r):
		default:
			ok = false
		}
	}
	if ok && digits >= 7 {
		return p.phone
	}
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("the phone number of %s (%q) is not sent: NetSuite would refuse it", p.source, p.phone))
	return ""
}

// splitName splits "Ada King Lovelace" into "Ada King" and "Lovelace"; a
// single word is the last name.
func splitName(name string) (first, last string) {
	f := strings.Fields(name)
	if len(f) < 2 {
		return "", strings.TrimSpace(name)
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

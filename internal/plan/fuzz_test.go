package plan

import (
	"fmt"
	"testing"

	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/payout"
)

// FuzzBuild feeds the planner random payouts assembled from the fuzzer's
// bytes: charges in the payout's or a foreign currency, invoice charges,
// invoices paid partly from a credit balance, refunds and disputes
// (sometimes of unknown charges, sometimes more than is open: partly
// refunded, then disputed in full; refunds of an earlier payout's charge
// against what NetSuite says is open), under either rules.over_refund,
// credit notes (pre-payment ones beside an invoice's payment, one
// credited to the customer balance, refunds issued through one, whole or
// in part, with lines that sometimes do not add up),
// fees with and without details, other categories (mapped, unmapped,
// unknown) and corrupted amounts. Whatever comes in, the plan is either
// ready with a deposit equal to the payout and every application within
// what is open, or held with a reason (a held plan is never sent: the
// pusher writes only its ledger row). Never a panic, never a silent
// imbalance.
func FuzzBuild(f *testing.F) {
	f.Add([]byte{0, 10, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{3, 200, 7, 7, 7, 1, 0, 255, 9, 4, 4, 4, 4})
	f.Add([]byte("jpy charges and refunds and disputes"))
	f.Add([]byte{0, 1, 5, 2, 14, 0, 0, 2, 0, 13, 0, 0, 14, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &byteReader{data: data}
		cur := []string{"usd", "jpy", "kwd", "eur"}[r.next()%4]
		b := newSnap(cur)
		b.customer("cus_1", "Acme", "a@acme.test")
		b.customer("cus_2", "", "b@beta.test")
		b.s.Invoices["in_1"] = &payout.Invoice{ID: "in_1", Currency: cur, Total: 5000,
			Lines: []payout.InvoiceLine{{Amount: 5000, Quantity: 1, Price: payout.Price{ID: "price_1"}}}}
		var charges []string
		s := settings()
		s.BalanceItem = "450"
		if r.next()%2 == 0 {
			s.OverRefundRule, s.OverRefundAcct = "deposit_line", "910"
		}
		// An earlier payout's charge, with what NetSuite says is open on it.
		b.s.Charges["ch_old"] = &payout.Charge{ID: "ch_old", Amount: 99999, Currency: cur, Customer: "cus_1"}
		known := openKnown{KnownSet{"stripe_ch_old": true}, map[string]string{"stripe_ch_old": money.Format(int64(r.next())*400, cur)}}
		b.s.Invoices["in_2"] = &payout.Invoice{ID: "in_2", Customer: "cus_1", Currency: cur, Total: 8000, StartingBalance: -3000, AmountDue: 5000, AmountPaid: 5000,
			Lines: []payout.InvoiceLine{{Amount: 8000, Quantity: 1, Price: payout.Price{ID: "price_2"}}}}
		creditNotes(b, cur, r)
		for i := 0; r.more() && i < 40; i++ {
			op := r.next() % 15
			amt := int64(r.next())*int64(r.next()+1) + 1
			switch op {
			case 0, 1: // charge
				id := fmt.Sprintf("ch_%d", i)
				cus := []string{"cus_1", "cus_2", ""}[r.next()%3]
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: amt, Currency: cur, Customer: cus, BillingEmail: "g@x.test", BillingName: "G"}
				b.bt("charge", "charge", id, amt, amt/30)
				charges = append(charges, id)
			case 2: // invoice charge
				id := fmt.Sprintf("ch_%d", i)
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: 5000, Currency: cur, Customer: "cus_1", Invoice: "in_1"}
				b.bt("charge", "charge", id, 5000, 175)
				charges = append(charges, id)
			case 3: // foreign charge
				id := fmt.Sprintf("ch_%d", i)
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: amt, Currency: "gbp", Customer: "cus_1"}
				bt := b.bt("charge", "charge", id, amt+int64(r.next()%7), 10)
				bt.ExchangeRate = []string{"1.27", "0.5", "", "x"}[r.next()%4]
			case 4: // refund of a charge (or of an unknown one)
				ch := "ch_old"
				if len(charges) > 0 && r.next()%4 != 0 {
					ch = charges[int(r.next())%len(charges)]
				} else {
					b.s.Charges[ch] = &payout.Charge{ID: ch, Amount: 99999, Currency: cur, Customer: "cus_1"}
				}
				b.refund(fmt.Sprintf("re_%d", i), ch, min(amt, b.s.Charges[ch].Amount))
			case 5: // dispute
				if len(charges) == 0 {
					continue
				}
				ch := charges[int(r.next())%len(charges)]
				id := fmt.Sprintf("dp_%d", i)
				b.s.Disputes[id] = &payout.Dispute{ID: id, Amount: b.s.Charges[ch].Amount, Currency: cur, Charge: ch}
				b.bt("dispute", "adjustment", id, -b.s.Charges[ch].Amount, 1500,
					payout.FeeDetail{Amount: 1500, Currency: cur, Type: "stripe_fee"})
			case 6: // other categories
				cat := []string{"fee", "tax", "other_adjustment", "platform_earning", "brand_new_category", ""}[r.next()%6]
				b.bt(cat, "adjustment", "", amt-int64(r.next())*50, 0)
			case 7: // corruption: amounts that do not add up
				if n := len(b.s.Transactions); n > 0 {
					switch r.next() % 3 {
					case 0:
						b.s.Payout.Amount += int64(r.next()) + 1
					case 1:
						b.s.Transactions[n-1].Net += 1
					case 2:
						b.s.Transactions[n-1].Currency = "xyz"
					}
				}
			case 8: // missing objects
				b.bt("charge", "charge", "ch_missing", amt, 0)
			case 9: // a failed payout's funds return with its transactions carried in
				id := fmt.Sprintf("ch_f%d", i)
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: amt, Currency: cur, Customer: "cus_1"}
				fail := b.bt("payout_reversal", "payout_failure", fmt.Sprintf("po_f%d", i), amt-amt/30, 0)
				net := amt - amt/30 + int64(r.next()%2) // sometimes inconsistent
				b.s.Transactions = append(b.s.Transactions, payout.BalanceTransaction{
					ID: "txn_c" + id, Amount: net + amt/30, Fee: amt / 30, Net: net, Currency: cur,
					Type: "charge", ReportingCategory: "charge", Source: id, Via: fail.ID})
			case 10: // a partial refund, then a dispute of the whole charge
				if len(charges) == 0 {
					continue
				}
				ch := charges[int(r.next())%len(charges)]
				b.refund(fmt.Sprintf("re_p%d", i), ch, min(amt, b.s.Charges[ch].Amount))
				id := fmt.Sprintf("dp_p%d", i)
				b.s.Disputes[id] = &payout.Dispute{ID: id, Amount: b.s.Charges[ch].Amount, Currency: cur, Charge: ch}
				b.bt("dispute", "adjustment", id, -b.s.Charges[ch].Amount, 0)
			case 11: // a refund of the earlier payout's charge
				b.refund(fmt.Sprintf("re_o%d", i), "ch_old", amt)
			case 12: // an invoice paid partly from the customer's credit balance
				id := fmt.Sprintf("ch_%d", i)
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: 5000, Currency: cur, Customer: "cus_1", Invoice: "in_2"}
				b.bt("charge", "charge", id, 5000, 175)
				charges = append(charges, id)
			case 13: // an invoice with a pre-payment credit note (and one credited to the balance)
				id := fmt.Sprintf("ch_%d", i)
				b.s.Charges[id] = &payout.Charge{ID: id, Amount: 7000, Currency: cur, Customer: "cus_1", Invoice: "in_3"}
				b.bt("charge", "charge", id, 7000, 200)
				charges = append(charges, id)
			case 14: // an invoice charge, then a refund through a credit note
				refundThroughCreditNote(b, cur, i, r)
			}
		}
		snap := b.finish()
		p := Build(snap, s, known)

		var sum int64
		for _, bt := range snap.Transactions {
			if bt.Type != "payout" && bt.Via == "" {
				sum += bt.Net
			}
		}
		if p.Held() {
			for _, pr := range p.Problems {
				if pr.Code == "" || pr.Message == "" {
					t.Fatalf("problem without code or message: %+v", pr)
				}
			}
			return
		}
		if sum != p.Payout.Amount {
			t.Fatalf("ready plan but Σ net %d ≠ payout %d", sum, p.Payout.Amount)
		}
		dep := p.Records[len(p.Records)-1].Body.(*netsuite.Deposit)
		if dep.Total() != p.Payout.Amount || p.DepositTotal != p.Payout.Amount {
			t.Fatalf("ready plan but deposit %d ≠ payout %d", dep.Total(), p.Payout.Amount)
		}
		checkApplications(t, p, known, cur)
		planned := map[string]bool{}
		for _, rec := range p.Records {
			for _, ref := range rec.Body.Refs() {
				if ref.ID == "" && !planned[ref.ExternalID] && !known.Has(ref.ExternalID) {
					t.Fatalf("ready plan but %s has an unresolved reference %+v", rec.ExternalID, ref)
				}
			}
			planned[rec.ExternalID] = true
		}
	})
}

// checkApplications: in a ready plan, nothing applies more to a document
// than is open on it: an invoice's total, a payment's amount, a credit
// memo's total, or what NetSuite says is open on an earlier payout's.
func checkApplications(t *testing.T, p *Plan, known openKnown, cur string) {
	t.Helper()
	open := map[string]int64{}
	for ext, dec := range known.open {
		v, err := money.Parse(dec, cur)
		if err != nil {
			t.Fatal(err)
		}
		open[ext] = v
	}
	apply := func(from string, l *netsuite.ApplyList) {
		if l == nil {
			return
		}
		for _, a := range l.Items {
			doc := a.Doc.ExternalID
			left, ok := open[doc]
			if !ok {
				t.Fatalf("%s applies to %s, which is neither planned before it nor known open", from, doc)
			}
			if a.Amount.Minor > left {
				t.Fatalf("%s applies %d to %s, which has %d open", from, a.Amount.Minor, doc, left)
			}
			open[doc] = left - a.Amount.Minor
		}
	}
	for _, rec := range p.Records {
		switch body := rec.Body.(type) {
		case *netsuite.Invoice:
			open[rec.ExternalID] = body.Item.Total()
		case *netsuite.CreditMemo:
			apply(rec.ExternalID, body.Apply)
			open[rec.ExternalID] = body.Item.Total() - appliedTotal(body.Apply)
		case *netsuite.CustomerPayment:
			apply(rec.ExternalID, body.Apply)
			open[rec.ExternalID] = body.Payment.Minor - appliedTotal(body.Apply)
		case *netsuite.CustomerRefund:
			apply(rec.ExternalID, body.Apply)
		}
	}
}

func appliedTotal(l *netsuite.ApplyList) int64 {
	var t int64
	if l != nil {
		for _, a := range l.Items {
			t += a.Amount.Minor
		}
	}
	return t
}

type byteReader struct {
	data []byte
	i    int
}

func (r *byteReader) more() bool { return r.i < len(r.data) }

func (r *byteReader) next() byte {
	if r.i >= len(r.data) {
		return 0
	}
	r.i++
	return r.data[r.i-1]
}

// creditNotes gives the fuzzed snapshot invoice in_3 (90.00): a
// pre-payment credit note of 20.00 (sometimes with lines that do not add
// up, or not listed by Stripe) and a post-payment one of 10.00 credited
// to the customer balance.
func creditNotes(b *snap, cur string, r *byteReader) {
	b.s.CreditNotes = map[string]*payout.CreditNote{}
	b.s.Invoices["in_3"] = &payout.Invoice{ID: "in_3", Customer: "cus_1", Currency: cur, Total: 9000, AmountDue: 7000, AmountPaid: 7000,
		PrePaymentCreditNotes: 2000, PostPaymentCreditNotes: 1000,
		Lines: []payout.InvoiceLine{{ID: "il_3a", Amount: 6000, Quantity: 3, Price: payout.Price{ID: "price_3"}},
			{ID: "il_3b", Amount: 3000, Quantity: 1, Price: payout.Price{ID: "price_1"}}}}
	switch r.next() % 4 {
	case 0: // Stripe did not list it
	case 1: // its lines do not add up
		b.s.CreditNotes["cn_pre"] = &payout.CreditNote{ID: "cn_pre", Invoice: "in_3", Currency: cur, Type: "pre_payment", Status: "issued", Total: 2000,
			Lines: []payout.CreditNoteLine{{ID: "cnli_1", InvoiceLine: "il_3a", Quantity: 1, Amount: 2001}}}
	default:
		b.s.CreditNotes["cn_pre"] = &payout.CreditNote{ID: "cn_pre", Invoice: "in_3", Currency: cur, Type: "pre_payment", Status: "issued", Total: 2000,
			Lines: []payout.CreditNoteLine{{ID: "cnli_1", InvoiceLine: "il_3a", Quantity: 1, Amount: 2000}}}
	}
	b.s.CreditNotes["cn_bal"] = &payout.CreditNote{ID: "cn_bal", Invoice: "in_3", Currency: cur, Type: "post_payment", Status: "issued", Total: 1000,
		Lines: []payout.CreditNoteLine{{ID: "cnli_2", Type: "custom_line_item", Quantity: 1, Amount: 1000}}}
}

// refundThroughCreditNote adds an invoice paid in this payout and a refund
// issued through a post-payment credit note of it (with a discount and
// tax), refunding all of the credit note or part of it (the rest credited
// to the balance).
func refundThroughCreditNote(b *snap, cur string, i int, r *byteReader) {
	inv, ch, re, cn := fmt.Sprintf("in_c%d", i), fmt.Sprintf("ch_c%d", i), fmt.Sprintf("re_c%d", i), fmt.Sprintf("cn_c%d", i)
	qty := int64(r.next()%5) + 1
	total := qty*1000 - 100 + 50
	b.s.Invoices[inv] = &payout.Invoice{ID: inv, Customer: "cus_1", Currency: cur, Total: 5000, AmountDue: 5000, AmountPaid: 5000,
		PostPaymentCreditNotes: total, Lines: []payout.InvoiceLine{{ID: "il_" + inv, Amount: 5000, Quantity: 5, Price: payout.Price{ID: "price_4"}}}}
	b.s.Charges[ch] = &payout.Charge{ID: ch, Amount: 5000, Currency: cur, Customer: "cus_1", Invoice: inv}
	b.bt("charge", "charge", ch, 5000, 175)
	refunded := total - int64(r.next()%3)*100
	b.s.CreditNotes[cn] = &payout.CreditNote{ID: cn, Invoice: inv, Currency: cur, Type: "post_payment", Status: "issued", Total: total, Tax: 50, Refund: re,
		Lines:     []payout.CreditNoteLine{{ID: "cnli_" + cn, InvoiceLine: "il_" + inv, Quantity: qty, Amount: qty * 1000}},
		Discounts: []payout.Discount{{ID: "co_1", Name: "Ten", Amount: 100}}}
	b.refund(re, ch, refunded)
}

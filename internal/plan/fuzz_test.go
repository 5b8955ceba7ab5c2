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
		for i := 0; r.more() && i < 40; i++ {
			op := r.next() % 13
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

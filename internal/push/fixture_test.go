package push

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsrecon/nsrecon/internal/ledger"
	"github.com/nsrecon/nsrecon/internal/money"
	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/netsuite/nsfake"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/plan"
)

// Fixed internal IDs the fake account starts with.
const (
	acctBank   = "1"
	acctUndep  = "2"
	acctFees   = "3"
	itemSvc    = "10"
	itemRefund = "11"
)

// Credentials of the fake account.
const (
	credAccount = "123456_SB1"
	credCK      = "consumer-key"
	credCS      = "consumer-secret"
	credTID     = "token-id"
	credTS      = "token-secret"
)

// fakeOptions is nsfake.Options for the test account, with fo applied.
func fakeOptions(fo func(*nsfake.Options)) nsfake.Options {
	o := nsfake.Options{
		AccountID: credAccount, ConsumerKey: credCK, ConsumerSecret: credCS, TokenID: credTID, TokenSecret: credTS,
		Concurrency: 5, UndepositedFunds: acctUndep, Seed: 1,
	}
	if fo != nil {
		fo(&o)
	}
	return o
}

// newFake returns a fake NetSuite with the accounts and items plans use.
func newFake(fo func(*nsfake.Options)) *nsfake.Server {
	s := nsfake.New(fakeOptions(fo))
	for id, name := range map[string]string{acctBank: "Bank", acctUndep: "Undeposited Funds", acctFees: "Stripe fees"} {
		s.Preload("account", id, map[string]any{"acctName": name})
	}
	s.Preload("serviceSaleItem", itemSvc, map[string]any{"itemId": "Subscription"})
	s.Preload("serviceSaleItem", itemRefund, map[string]any{"itemId": "Refund"})
	return s
}

// serve starts s over HTTP for the test's lifetime.
func serve(t testing.TB, s *nsfake.Server) string {
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts.URL
}

// newClient is the real NetSuite client, with short backoffs so that
// fault-injection tests stay quick.
func newClient(t testing.TB, baseURL string, concurrency int) *netsuite.Client {
	c, err := netsuite.New(netsuite.Config{
		AccountID: credAccount, BaseURL: baseURL, Concurrency: concurrency, MaxAttempts: 12,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Auth: netsuite.AuthConfig{ConsumerKey: credCK, ConsumerSecret: credCS, TokenID: credTID, TokenSecret: credTS},
	}, &http.Client{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openLedger(t testing.TB, path string) *ledger.Ledger {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "ledger.db")
	}
	l, err := ledger.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// planSpec shapes a synthetic payout.
type planSpec struct {
	payout    string
	charges   int // each: an invoice and a customer payment applied to it
	customers int // charges are spread over this many customers (0: one each)
	refundN   int // every refundN-th charge is refunded: credit memo + customer refund (0: none)
	// standalone: payments stand alone, without an invoice to apply to.
	standalone bool
	// priorCustomers, if set, are customers of an earlier payout the charges
	// use instead of planning their own.
	priorCustomers []string
}

func eid(kind, payoutID string, i int) string {
	return fmt.Sprintf("stripe_%s_%s_%d", kind, payoutID, i)
}

// buildPlan builds a plan the way the planner shapes them: customers,
// invoices, payments, credit memos, refunds, then the deposit gathering the
// payments and refunds with one cash-back line for Stripe's fees. Amounts
// vary per charge so that a mix-up shows in the deposit total.
func buildPlan(s planSpec) *plan.Plan {
	const cur = "usd"
	amt := func(m int64) netsuite.Amount { return netsuite.Amount{Minor: m, Currency: cur} }
	pl := &plan.Plan{Payout: payout.Payout{ID: s.payout, Currency: cur, Status: "paid", Automatic: true,
		ArrivalDate: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)}}
	customers := s.customers
	if customers <= 0 {
		customers = s.charges
	}
	var cusIDs []string
	if len(s.priorCustomers) > 0 {
		cusIDs = s.priorCustomers
	} else {
		for i := range min(customers, s.charges) {
			id := eid("cus", s.payout, i)
			cusIDs = append(cusIDs, id)
			pl.Records = append(pl.Records, plan.Record{Type: netsuite.TypeCustomer, ExternalID: id, Source: fmt.Sprintf("cus_%s_%d", s.payout, i),
				Body: &netsuite.Customer{ExternalID: id, CompanyName: "Customer " + id, Email: "c@example.com"}})
		}
	}
	dep := &netsuite.Deposit{ExternalID: "stripe_" + s.payout, Account: netsuite.Ref{ID: acctBank}, TranDate: "2024-05-02", Memo: s.payout}
	// Empty, not nil: NetSuite (and the fake) refuse "items": null.
	dep.Payment.Items, dep.Other.Items, dep.CashBack.Items = []netsuite.DepositPayment{}, []netsuite.DepositOther{}, []netsuite.DepositCashBack{}
	var depDeps []string
	var payments, refunds []plan.Record
	var total, fees int64
	for i := range s.charges {
		cus := cusIDs[i%len(cusIDs)]
		a := int64(1000 + i%997)
		inv, pay := eid("in", s.payout, i), eid("ch", s.payout, i)
		payment := &netsuite.CustomerPayment{ExternalID: pay, Customer: netsuite.Ref{ExternalID: cus}, TranDate: "2024-05-01",
			Payment: amt(a), UndepFunds: netsuite.UndepositedFunds(), Memo: pay}
		deps := []string{cus}
		if !s.standalone {
			pl.Records = append(pl.Records, plan.Record{Type: netsuite.TypeInvoice, ExternalID: inv, Source: "in_" + inv, Deps: []string{cus},
				Body: &netsuite.Invoice{ExternalID: inv, Entity: netsuite.Ref{ExternalID: cus}, TranDate: "2024-05-01", Memo: inv,
					Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: itemSvc}, Quantity: 1, Amount: amt(a)}}}}})
			payment.Apply = &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ExternalID: inv}, Apply: true, Amount: amt(a)}}}
			deps = append(deps, inv)
		}
		payments = append(payments, plan.Record{Type: netsuite.TypeCustomerPayment, ExternalID: pay, Source: "ch_" + pay, Deps: deps, Body: payment})
		dep.Payment.Items = append(dep.Payment.Items, netsuite.DepositPayment{Doc: netsuite.Ref{ExternalID: pay}, Deposit: true, Amount: amt(a)})
		depDeps = append(depDeps, pay)
		total += a
		fees += 30 + a*29/1000
		if s.refundN > 0 && i%s.refundN == 0 {
			r := a / 2
			cm, re := eid("cm", s.payout, i), eid("re", s.payout, i)
			refunds = append(refunds,
				plan.Record{Type: netsuite.TypeCreditMemo, ExternalID: cm, Source: "re_" + re, Deps: []string{cus},
					Body: &netsuite.CreditMemo{ExternalID: cm, Entity: netsuite.Ref{ExternalID: cus}, TranDate: "2024-05-02", Memo: cm,
						Item: netsuite.ItemList{Items: []netsuite.ItemLine{{Item: netsuite.Ref{ID: itemRefund}, Quantity: 1, Amount: amt(r)}}}}},
				plan.Record{Type: netsuite.TypeCustomerRefund, ExternalID: re, Source: "re_" + re, Deps: []string{cus, cm},
					Body: &netsuite.CustomerRefund{ExternalID: re, Customer: netsuite.Ref{ExternalID: cus}, TranDate: "2024-05-02", Total: amt(r),
						Account: &netsuite.Ref{ID: acctUndep}, Memo: re,
						Apply: &netsuite.ApplyList{Items: []netsuite.ApplyLine{{Doc: netsuite.Ref{ExternalID: cm}, Apply: true, Amount: amt(r)}}}}})
			dep.Payment.Items = append(dep.Payment.Items, netsuite.DepositPayment{Doc: netsuite.Ref{ExternalID: re}, Deposit: true, Amount: amt(-r)})
			depDeps = append(depDeps, re)
			total -= r
		}
	}
	if s.charges > 0 {
		dep.CashBack.Items = append(dep.CashBack.Items, netsuite.DepositCashBack{Account: netsuite.Ref{ID: acctFees}, Amount: amt(fees), Memo: "Stripe fees"})
		total -= fees
	}
	pl.Records = append(pl.Records, payments...)
	pl.Records = append(pl.Records, refunds...)
	pl.Records = append(pl.Records, plan.Record{Type: netsuite.TypeDeposit, ExternalID: dep.ExternalID, Source: s.payout, Deps: depDeps, Body: dep})
	pl.DepositTotal, pl.Payout.Amount = total, total
	return pl
}

// apiCalls counts the REST API requests the fake received.
func apiCalls(s *nsfake.Server) int {
	n := 0
	for k, v := range s.Counts() {
		if (strings.HasPrefix(k, "GET ") || strings.HasPrefix(k, "PUT ") || strings.HasPrefix(k, "POST ") || strings.HasPrefix(k, "PATCH ")) && k != "POST token" {
			n += v
		}
	}
	return n
}

// checkNetSuite verifies what the fake holds for plans: every planned
// record exactly once (no external ID twice, none missing), nothing else of
// the types nsrecon writes beyond extra (records made outside these plans),
// and each deposit's total equal to its payout.
func checkNetSuite(t testing.TB, s *nsfake.Server, plans []*plan.Plan, extra int) {
	t.Helper()
	want := map[string]map[string]bool{}
	for _, pl := range plans {
		for _, r := range pl.Records {
			if want[r.Type] == nil {
				want[r.Type] = map[string]bool{}
			}
			want[r.Type][r.ExternalID] = true
		}
	}
	got := 0
	for typ, ids := range want {
		seen := map[string]string{}
		for _, r := range s.Records(typ) {
			if r.ExternalID == "" {
				continue // preloaded
			}
			if prev, dup := seen[r.ExternalID]; dup {
				t.Errorf("%s %s exists twice (internal IDs %s and %s)", typ, r.ExternalID, prev, r.ID)
			}
			seen[r.ExternalID] = r.ID
			got++
		}
		for id := range ids {
			if seen[id] == "" {
				t.Errorf("%s %s missing from NetSuite", typ, id)
			}
		}
	}
	n := 0
	for _, ids := range want {
		n += len(ids)
	}
	if got != n+extra {
		t.Errorf("NetSuite holds %d nsrecon records, want %d", got, n+extra)
	}
	for _, pl := range plans {
		dep := pl.Records[len(pl.Records)-1]
		var id string
		for _, r := range s.Records(netsuite.TypeDeposit) {
			if r.ExternalID == dep.ExternalID {
				id = r.ID
			}
		}
		if id == "" {
			continue // reported above
		}
		total, err := s.DepositTotal(id)
		var minor int64
		if err == nil {
			minor, err = money.Parse(total, pl.Payout.Currency)
		}
		if err != nil || minor != pl.Payout.Amount {
			t.Errorf("deposit %s total %s (%v), payout %s is %s", dep.ExternalID, total, err, pl.Payout.ID,
				money.Format(pl.Payout.Amount, pl.Payout.Currency))
		}
	}
}

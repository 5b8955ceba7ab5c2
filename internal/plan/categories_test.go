package plan

import (
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/category"
	"github.com/nsrecon/nsrecon/internal/outcome"
	stripe "github.com/stripe/stripe-go/v76"
)

// TestEveryStripeCategoryHandled: every reporting_category stripe-go v76
// defines has a representation (records, or a line once mapped); none falls
// through to "unknown to this version". Listed from the SDK's constants, so
// an upgrade that adds one fails here until it is handled.
func TestEveryStripeCategoryHandled(t *testing.T) {
	for _, cat := range []stripe.BalanceTransactionReportingCategory{
		stripe.BalanceTransactionReportingCategoryAdvance,
		stripe.BalanceTransactionReportingCategoryAdvanceFunding,
		stripe.BalanceTransactionReportingCategoryCharge,
		stripe.BalanceTransactionReportingCategoryChargeFailure,
		stripe.BalanceTransactionReportingCategoryConnectCollectionTransfer,
		stripe.BalanceTransactionReportingCategoryConnectReservedFunds,
		stripe.BalanceTransactionReportingCategoryDispute,
		stripe.BalanceTransactionReportingCategoryDisputeReversal,
		stripe.BalanceTransactionReportingCategoryFee,
		stripe.BalanceTransactionReportingCategoryIssuingAuthorizationHold,
		stripe.BalanceTransactionReportingCategoryIssuingAuthorizationRelease,
		stripe.BalanceTransactionReportingCategoryIssuingTransaction,
		stripe.BalanceTransactionReportingCategoryOtherAdjustment,
		stripe.BalanceTransactionReportingCategoryPartialCaptureReversal,
		// payout: the payout's own withdrawal, skipped by design.
		stripe.BalanceTransactionReportingCategoryPayoutReversal,
		stripe.BalanceTransactionReportingCategoryPlatformEarning,
		stripe.BalanceTransactionReportingCategoryPlatformEarningRefund,
		stripe.BalanceTransactionReportingCategoryRefund,
		stripe.BalanceTransactionReportingCategoryRefundFailure,
		stripe.BalanceTransactionReportingCategoryRiskReservedFunds,
		stripe.BalanceTransactionReportingCategoryTax,
		stripe.BalanceTransactionReportingCategoryTopup,
		stripe.BalanceTransactionReportingCategoryTopupReversal,
		stripe.BalanceTransactionReportingCategoryTransfer,
		stripe.BalanceTransactionReportingCategoryTransferReversal,
	} {
		b := newSnap("usd")
		b.bt(string(cat), "adjustment", "src_1", 1000, 0)
		p := Build(b.finish(), settings(), nil) // line categories unmapped: held naming the key
		for _, pr := range p.Problems {
			if pr.Code == outcome.CodeUnsupported {
				t.Errorf("%s: %s", cat, pr.Message)
			}
		}
	}
}

// TestEveryLineRowPostsToItsKey: every row of the category table booked as
// deposit lines posts to its row's key once mapped, and holds the payout
// naming that key while unmapped.
func TestEveryLineRowPostsToItsKey(t *testing.T) {
	for _, row := range category.All() {
		if row.Booking != category.FeeLine && row.Booking != category.DepositLine {
			continue
		}
		s := Settings{BankAccounts: map[string]string{"usd": "200"}}
		b := newSnap("usd")
		b.bt(row.Name, "adjustment", "src_1", 1000, 0)
		p := Build(b.finish(), s, nil)
		if len(p.Problems) != 1 || p.Problems[0].Code != outcome.CodeMissingMapping ||
			!strings.Contains(p.Problems[0].Message, " "+row.Key+",") {
			t.Errorf("%s unmapped: %+v", row.Name, p.Problems)
		}

		s.StripeFees, s.FeeTax, s.Categories = "300", "301", map[string]string{row.Name: "310"}
		s.AccountLines = map[string]string{row.Key: "305"} // a key of its own, beyond the fields
		if got := s.Mapping(Key(row.Key)); got.ID == "" {
			t.Fatalf("%s: Mapping(%s) unset after mapping it", row.Name, row.Key)
		}
		b = newSnap("usd")
		b.bt(row.Name, "adjustment", "src_1", 1000, 0)
		mustReady(t, Build(b.finish(), s, nil))
	}
}

// TestMappingReadsEveryKey: each mapping key reads its own Settings field.
func TestMappingReadsEveryKey(t *testing.T) {
	s := settings()
	s.GlobalCustomer, s.OrphanAccount, s.ShippingItem = "600", "601", "402"
	s.OverRefundAcct, s.BalanceItem = "602", "403"
	s.Sales, s.Refunds, s.SalesTax = "700", "701", "702"
	s.Rounding = "602"
	want := map[Key]string{
		KeyUndepositedFunds: "100", KeyStripeFees: "300", KeyFeeTax: "301", KeyApplicationFees: "302",
		KeyDisputeFees: "303", KeyFXDifference: "304", KeyRefundItem: "400", KeyTaxItem: "401", KeyShippingItem: "402",
		KeyItemIncome: "500", KeyDiscountAccount: "501", KeyGlobalCustomer: "600", KeyOrphanAccount: "601", KeyRounding: "602",
		BankKey("jpy"): "201", CurrencyKey("eur"): "2", CategoryKey("dispute_reversal"): "311",
		KeyOverRefundAcct: "602", KeyBalanceItem: "403",
		KeySales: "700", KeyRefunds: "701", KeySalesTax: "702",
		BankKey("eur"): "", KeyOrphanRule: "",
	}
	for k, id := range want {
		if got := s.Mapping(k); got != (Mapping{Key: k, ID: id}) {
			t.Errorf("Mapping(%s) = %+v, want ID %q", k, got, id)
		}
	}
	if len(fixedMappings) != 19 {
		t.Errorf("%d fixed mapping keys; this test knows 19", len(fixedMappings))
	}
}

package category

import (
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// TestEveryStripeCategoryHasARow fails when stripe-go defines a
// reporting_category the table has no row for: after an SDK upgrade, add
// the row (how it is booked, its key, its sandbox account).
func TestEveryStripeCategoryHasARow(t *testing.T) {
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
		stripe.BalanceTransactionReportingCategoryPayout,
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
		if _, ok := Lookup(string(cat)); !ok {
			t.Errorf("reporting_category %q has no row in the category table", cat)
		}
	}
}

func TestRowsAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.Name] {
			t.Errorf("%s: two rows", r.Name)
		}
		seen[r.Name] = true
		if r.Booking == 0 || r.Doc == "" {
			t.Errorf("%s: no booking or doc", r.Name)
		}
		lines := r.Booking == FeeLine || r.Booking == DepositLine
		if lines != (r.Key != "") {
			t.Errorf("%s: booking %d with key %q", r.Name, r.Booking, r.Key)
		}
		if r.Booking == DepositLine && r.Key != Key(r.Name) {
			t.Errorf("%s: deposit line posts to %q, want %q", r.Name, r.Key, Key(r.Name))
		}
	}
}

package plan

import (
	"testing"

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

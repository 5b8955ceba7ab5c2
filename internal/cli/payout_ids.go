package cli

import (
	"fmt"
	"strings"
)

// payoutNotFoundHint is the fix when Stripe has no payout by an ID given
// with --payout.
const payoutNotFoundHint = "check the ID in the Stripe Dashboard (Balances → Payouts), and that stripe.api_key is the same account's, in the same mode (test or live)"

// checkPayoutIDs refuses an ID given with --payout that cannot be a
// payout's (a charge's, an invoice's), before anything is read.
func checkPayoutIDs(ids []string) error {
	for _, id := range ids {
		if !strings.HasPrefix(id, "po_") {
			return usageErr(fmt.Errorf("--payout %q is not a Stripe payout ID", id),
				"payout IDs start with po_, e.g. nsrecon reconcile --payout po_1OaBcD (nsrecon invoices sync takes an invoice)")
		}
	}
	return nil
}

// Package outcome is nsrecon's one vocabulary for what happened to a payout:
// its status, the problems that hold or fail it, and the process exit code a
// set of outcomes maps to. Every other package imports these; none defines
// its own.
package outcome

// Status is a payout's state, as reported and as kept in the ledger.
type Status string

// Payout statuses.
const (
	Ready      Status = "ready"      // validated, nothing pushed yet (or dry run)
	Held       Status = "held"       // validation failed or needs a person; nothing pushed
	Reconciled Status = "reconciled" // deposit exists in NetSuite
	Failed     Status = "failed"     // NetSuite refused a record, or Stripe could not be read; retried next run

	// Synced is the outcome of a real-time invoice sync whose records all
	// exist in NetSuite. An invoice has no deposit, so it is never reconciled.
	Synced Status = "synced"
	// Waiting: Stripe is still assigning the payout's balance transactions
	// (reconciliation_status in_progress); nothing was read or planned and
	// the next run retries it. Never a ledger status: the ledger keeps
	// such a payout as listed (Ready) until a run reads it.
	Waiting Status = "waiting"
)

// Problem is why a payout is held or failed: which object, which rule, and
// how to fix it, worded for the person who must act.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Object  string `json:"object"` // the Stripe or NetSuite object it is about
	Fix     string `json:"fix,omitempty"`
}

// Problem codes.
const (
	CodeSumMismatch     = "PAYOUT_SUM_MISMATCH"    // Σ net ≠ payout amount
	CodeDepositMismatch = "DEPOSIT_MISMATCH"       // planned deposit ≠ payout amount
	CodeUnsupported     = "UNSUPPORTED_CATEGORY"   // category nsrecon cannot account yet / unknown
	CodeMissingMapping  = "MISSING_MAPPING"        // a config mapping is absent
	CodeMissingField    = "MISSING_FIELD"          // a Stripe object lacks a required field
	CodeMissingObject   = "MISSING_OBJECT"         // a referenced Stripe object was not fetched
	CodeUnresolvedRef   = "UNRESOLVED_REFERENCE"   // a NetSuite reference cannot be resolved
	CodeUnknownCurrency = "UNKNOWN_CURRENCY"       // not an ISO currency
	CodeInvoiceMismatch = "INVOICE_TOTAL_MISMATCH" // invoice lines ≠ invoice total
	CodeManualPayout    = "MANUAL_PAYOUT"          // not automatic: reconcile by hand
	CodeNotPaid         = "PAYOUT_NOT_PAID"        // in transit / pending: validated only
	CodeBadAmount       = "BAD_AMOUNT"             // inexact or impossible amount
	CodePrecision       = "CURRENCY_PRECISION"     // more decimals than NetSuite keeps (0 or 2)
	CodeNegativePayout  = "NEGATIVE_PAYOUT"        // a debit: NetSuite deposits cannot be negative
	CodeThrottled       = "NETSUITE_THROTTLED"     // NetSuite kept answering 429: its concurrency limit is full
	CodeNotFinalized    = "INVOICE_NOT_FINALIZED"  // a draft: only finalized invoices reach NetSuite
	CodeVoided          = "INVOICE_VOID"           // voided before it was synced
	CodeOverRefund      = "OVER_REFUND"            // a refund or dispute takes back more than is open on its payment
	CodeNotInNetSuite   = "NOT_IN_NETSUITE"        // verification: something the plan relies on is missing in NetSuite
	CodeNotOpen         = "NOT_OPEN_IN_NETSUITE"   // verification: less is open in NetSuite than the plan applies
	CodeWrongKind       = "WRONG_KIND_IN_NETSUITE" // verification: a configured internal ID is the wrong kind of record (a bank account that is not a Bank account)
	CodeMalformed       = "MALFORMED_STRIPE_DATA"  // a Stripe field is missing or malformed
	CodeInvalidEmail    = "INVALID_EMAIL"          // a customer's email is not an address NetSuite accepts
	CodePartlyWritten   = "PARTLY_WRITTEN"         // some of the payout's records exist in NetSuite, not all
	CodeOtherMode       = "BOOKED_IN_OTHER_MODE"   // records of the other reconcile.mode exist for the payout: booking it again would count it twice
)

// Exit statuses of the process, one table for --help, the README and every
// command.
const (
	ExitOK          = 0   // every payout ready (dry run) or reconciled
	ExitError       = 1   // an error stopped the run, or a payout failed in NetSuite
	ExitUsage       = 2   // usage or configuration error
	ExitHeld        = 3   // at least one payout held by validation, none failed
	ExitAuth        = 4   // Stripe or NetSuite rejected the credentials
	ExitLocked      = 11  // another run holds the ledger lock
	ExitInterrupted = 130 // interrupted; the ledger is consistent
)

// ExitCode maps payout statuses to the process exit status. Failed wins over
// held: a failure means NetSuite refused something nsrecon thought was right,
// which needs an engineer; a hold needs a finance decision, which the report
// already explains. An unknown status is a bug upstream and counts as failed,
// so it stays visible.
func ExitCode(statuses ...Status) int {
	held := false
	for _, s := range statuses {
		switch s {
		case Ready, Reconciled, Synced, Waiting:
		case Held:
			held = true
		default:
			return ExitError
		}
	}
	if held {
		return ExitHeld
	}
	return ExitOK
}

package push

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
)

// RecordError is why a record did not make it to NetSuite.
type RecordError struct {
	ExternalID, Type, Source string
	Status                   int    // HTTP status, 0 when NetSuite gave none
	Code, Detail             string // NetSuite's o:errorCode and detail, or one of the Code* below
	Permanent                bool   // NetSuite refused it: sending it again as is cannot help
}

func (e RecordError) Error() string {
	s := fmt.Sprintf("%s %s (%s): ", e.Type, e.ExternalID, e.Source)
	if e.Status != 0 {
		s += fmt.Sprintf("%d ", e.Status)
	}
	return s + e.Code + ": " + e.Detail
}

// IsAuth reports whether NetSuite refused the credentials for this record
// (netsuite.IsAuthStatus): no other record would get through either.
func (e RecordError) IsAuth() bool { return netsuite.IsAuthStatus(e.Status) }

// Problem is the one way a record NetSuite refused (or the pusher could not
// send) is told to a person: in the payout's ledger row, the run's report
// and an invoice sync's result alike.
func (e RecordError) Problem() outcome.Problem {
	obj := e.Source
	if obj == "" {
		obj = e.ExternalID
	}
	msg := fmt.Sprintf("%s %s: %s", e.Type, e.ExternalID, e.Detail)
	if e.Status != 0 {
		msg = fmt.Sprintf("NetSuite answered %d for %s %s: %s", e.Status, e.Type, e.ExternalID, e.Detail)
	}
	var fix string
	switch {
	case e.Status == http.StatusTooManyRequests:
		// Throttled, not refused: the record is fine and the network too.
		return outcome.Problem{Code: outcome.CodeThrottled, Object: obj,
			Message: fmt.Sprintf("NetSuite throttled %s %s (429, still after backing off): %s", e.Type, e.ExternalID, e.Detail),
			Fix:     "NetSuite's request limit is shared with the account's other integrations: lower netsuite.concurrency or run at a quieter hour; records already done are not sent twice"}
	case e.IsAuth():
		fix = "check netsuite.auth.* (the credentials were refused), then run again"
	case e.Permanent:
		fix = "fix the cause in NetSuite or the config and run again; records already done are not sent twice"
	default:
		fix = "NetSuite did not answer in time; the next run retries"
	}
	return outcome.Problem{Code: e.Code, Object: obj, Message: msg, Fix: fix}
}

// Codes of failures the pusher itself detects.
const (
	CodeMissingDependency = "MISSING_DEPENDENCY"   // a referenced record is neither in the ledger nor in NetSuite
	CodeUnresolvedRef     = "UNRESOLVED_REFERENCE" // a body reference has no internal ID when it is due
	CodeDependencyCycle   = "DEPENDENCY_CYCLE"     // the plan's dependencies loop
	CodeRequestFailed     = "REQUEST_FAILED"       // no answer from NetSuite after the client's retries
	CodeInterrupted       = "INTERRUPTED"          // the run was cancelled before the payout finished
)

func recordError(err error) *RecordError {
	var ne *netsuite.Error
	if errors.As(err, &ne) {
		e := &RecordError{Status: ne.Status, Code: ne.Code, Detail: ne.Detail, Permanent: netsuite.IsPermanent(err)}
		if e.Code == "" {
			e.Code = strings.ToUpper(strings.ReplaceAll(http.StatusText(ne.Status), " ", "_"))
		}
		if e.Detail == "" {
			e.Detail = ne.Title
		}
		if ne.Path != "" {
			e.Detail += " (at " + ne.Path + ")"
		}
		return e
	}
	return &RecordError{Code: CodeRequestFailed, Detail: err.Error(), Permanent: netsuite.IsPermanent(err)}
}

// listWrittenUpTo is how many records a PARTLY_WRITTEN problem names one
// by one; beyond it, counts by type (ledger show lists every one).
const listWrittenUpTo = 5

// PartlyWritten is the problem of a payout that failed, or was
// interrupted, with some of its records in NetSuite: how many of how many,
// by type (each one when there are few; ledger show lists them all), so
// nobody books them again by hand; the next run finishes the payout,
// skipping them.
func (res Result) PartlyWritten() (outcome.Problem, bool) {
	if res.Status != outcome.Failed || len(res.Written) == 0 {
		return outcome.Problem{}, false
	}
	n, of := len(res.Written), max(res.Total, len(res.Written))
	what := writtenByType(res.Written)
	if n <= listWrittenUpTo {
		what = strings.Join(res.Written, ", ")
	}
	show := "nsrecon ledger show " + res.PayoutID + " lists them"
	if res.Interrupted {
		return outcome.Problem{Code: outcome.CodePartlyWritten, Object: res.PayoutID,
			Message: fmt.Sprintf("payout %s was interrupted after writing %d of %d records (%s); the rest, and its deposit, are not in NetSuite yet",
				res.PayoutID, n, of, what),
			Fix: "run again to finish: the next run sends none of these again (" + show + "); do not enter them by hand"}, true
	}
	return outcome.Problem{Code: outcome.CodePartlyWritten, Object: res.PayoutID,
		Message: fmt.Sprintf("payout %s is partly in NetSuite: %d of its %d records exist (%s); the rest, and its deposit, do not",
			res.PayoutID, n, of, what),
		Fix: "fix what NetSuite refused and run again: the next run finishes the payout and sends none of these again (" + show + "); do not enter them by hand"}, true
}

// writtenByType counts Written entries ("<type> <external ID> (<ID>)") by
// record type, in the record-type table's order: "customer 3,
// customerPayment 104".
func writtenByType(written []string) string {
	count := map[string]int{}
	for _, w := range written {
		typ, _, _ := strings.Cut(w, " ")
		count[typ]++
	}
	var parts []string
	for _, t := range netsuite.RecordTypes() {
		if c := count[t.Name]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t.Name, c))
		}
	}
	return strings.Join(parts, ", ")
}

package reconcile

import (
	"errors"
	"fmt"

	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/push"
)

// ErrNetSuiteThrottled means NetSuite kept answering 429 after the
// client's backoff: its concurrency limit is full (it is shared with every
// other integration of the account). The run stops rather than press on;
// nothing is wrong with the records or the network.
var ErrNetSuiteThrottled = errors.New("NetSuite kept throttling requests (429)")

// CodeThrottled is the problem code of a record NetSuite throttled.
const CodeThrottled = "NETSUITE_THROTTLED"

func throttledProblem(e push.RecordError) outcome.Problem {
	return outcome.Problem{
		Code: CodeThrottled, Object: firstNonEmpty(e.Source, e.ExternalID),
		Message: fmt.Sprintf("NetSuite throttled %s %s (429, still after backing off): %s", e.Type, e.ExternalID, e.Detail),
		Fix:     "NetSuite's request limit is shared with the account's other integrations: lower netsuite.concurrency or run at a quieter hour; records already done are not sent twice",
	}
}

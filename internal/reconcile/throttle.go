package reconcile

import "errors"

// ErrNetSuiteThrottled means NetSuite kept answering 429 after the
// client's backoff: its concurrency limit is full (it is shared with every
// other integration of the account). The run stops rather than press on;
// nothing is wrong with the records or the network.
var ErrNetSuiteThrottled = errors.New("NetSuite kept throttling requests (429)")

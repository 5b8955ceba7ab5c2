package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// errFuture is a signature whose timestamp lies further in the future
// than the tolerance: stripe-go only bounds the past, and a signed
// delivery stamped ahead would stay replayable for as long.
var errFuture = errors.New("the signature's timestamp is in the future beyond the tolerance (check this host's clock)")

// verify checks a delivery's signature and timestamp, then decodes the
// event. A bad signature and a malformed body under a good one are told
// apart: the first is a wrong secret or a forgery, the second a bug
// somewhere between Stripe and here, and the fix differs.
func verify(body []byte, header, secret string, tolerance time.Duration, now time.Time) (stripe.Event, error, error) {
	var ev stripe.Event
	if tolerance <= 0 {
		tolerance = webhook.DefaultTolerance
	}
	if err := webhook.ValidatePayloadWithTolerance(body, header, secret, tolerance); err != nil {
		return ev, err, nil
	}
	if ts, ok := signedAt(header); ok && ts.Sub(now) > tolerance {
		return ev, errFuture, nil
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return ev, nil, fmt.Errorf("the signed body is not a JSON Stripe event: %v", err)
	}
	return ev, nil, nil
}

// signedAt reads t= from a Stripe-Signature header.
func signedAt(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == "t" {
			n, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}

// stripeID matches what Stripe uses as object IDs (in_…, evt_…). An event
// naming its object otherwise is not acted on: the ID would go into a
// Stripe URL, and a sync of an object that cannot exist must not be
// retried for ever.
var stripeID = regexp.MustCompile(`^[A-Za-z0-9_]{1,255}$`)

// shortQuote quotes s for a log line or reason, cut to a readable length.
func shortQuote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}

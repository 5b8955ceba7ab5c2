package push

import (
	"strings"
	"testing"
)

func TestRecordErrorProblem(t *testing.T) {
	refused := RecordError{ExternalID: "stripe_in_1", Type: "invoice", Source: "in_1", Status: 400,
		Code: "INVALID_KEY_OR_REF", Detail: "bad item", Permanent: true}
	p := refused.Problem()
	if p.Code != "INVALID_KEY_OR_REF" || p.Object != "in_1" ||
		p.Message != "NetSuite answered 400 for invoice stripe_in_1: bad item" || !strings.HasPrefix(p.Fix, "fix the cause") {
		t.Errorf("refused: %+v", p)
	}
	missing := RecordError{ExternalID: "stripe_ch_1", Type: "customerPayment", Code: CodeMissingDependency, Detail: "x", Permanent: true}
	if p := missing.Problem(); p.Object != "stripe_ch_1" || p.Message != "customerPayment stripe_ch_1: x" {
		t.Errorf("missing: %+v", p)
	}
	if p := (RecordError{Status: 403, Permanent: true}).Problem(); !strings.Contains(p.Fix, "netsuite.auth") {
		t.Errorf("auth fix: %q", p.Fix)
	}
	if p := (RecordError{Code: CodeRequestFailed}).Problem(); !strings.Contains(p.Fix, "next run retries") {
		t.Errorf("transient fix: %q", p.Fix)
	}
}

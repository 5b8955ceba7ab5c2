package reconcile

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsrecon/nsrecon/internal/netsuite"
	"github.com/nsrecon/nsrecon/internal/outcome"
	"github.com/nsrecon/nsrecon/internal/payout"
	"github.com/nsrecon/nsrecon/internal/payout/stripefake"
	"github.com/nsrecon/nsrecon/internal/plan"
	"github.com/nsrecon/nsrecon/internal/push"
)

// unreachablePusher is what push.Pusher returns when the NetSuite client
// gave up on every request after its retries.
type unreachablePusher struct{ calls int }

func (u *unreachablePusher) Push(_ context.Context, pl *plan.Plan) (push.Result, error) {
	u.calls++
	return push.Result{PayoutID: pl.Payout.ID, Status: outcome.Failed, Errors: []push.RecordError{{
		ExternalID: pl.Records[0].ExternalID, Type: pl.Records[0].Type, Code: push.CodeRequestFailed,
		Detail: "dial tcp 127.0.0.1:1: connection refused",
	}}}, nil
}

// When NetSuite does not answer, the run stops after the first payout
// instead of retrying every payout the same way, and reports that payout.
func TestStopsWhenNetSuiteUnreachable(t *testing.T) {
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", "refunds_plain"))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(stripefake.New(sc, "sk_test_x"))
	defer hs.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: "sk_test_x", APIBase: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	pusher := &unreachablePusher{}
	from, to := sc.ArrivalWindow()
	r := &Runner{Stripe: reader, Push: pusher}
	rep, err := r.Run(context.Background(), Options{From: from, To: to, Settings: sandboxSettings(t)})
	if !errors.Is(err, ErrNetSuiteUnreachable) || pusher.calls != 1 {
		t.Fatalf("err %v after %d pushes; want ErrNetSuiteUnreachable after 1", err, pusher.calls)
	}
	if len(rep.Payouts) != 1 || rep.Payouts[0].Status != outcome.Failed || len(rep.Payouts[0].Problems) == 0 {
		t.Errorf("report %+v: want the failed payout with its problem", rep.Payouts)
	}
	// The report says it stopped, why, and which payouts it never reached:
	// every other payout a complete (dry) run covers.
	all, err := (&Runner{Stripe: reader}).Run(context.Background(), Options{DryRun: true, From: from, To: to, Settings: sandboxSettings(t)})
	if err != nil || !all.Run.Complete || all.Run.StoppedBy != "" || len(all.Run.NotReached) != 0 {
		t.Fatalf("complete run: %+v, %v", all.Run, err)
	}
	if rep.Run.Complete || !strings.Contains(rep.Run.StoppedBy, "NetSuite did not answer") {
		t.Errorf("stopped run: complete %v, stopped by %q", rep.Run.Complete, rep.Run.StoppedBy)
	}
	want := []string{}
	for _, p := range all.Payouts[1:] {
		want = append(want, p.ID)
	}
	if len(want) == 0 || !slices.Equal(rep.Run.NotReached, want) {
		t.Errorf("not reached %v, want %v", rep.Run.NotReached, want)
	}
}

// refusingPusher is what push.Pusher returns when NetSuite refuses the
// credentials for the first record with the given status.
type refusingPusher struct {
	status int
	calls  int
}

func (p *refusingPusher) Push(_ context.Context, pl *plan.Plan) (push.Result, error) {
	p.calls++
	return push.Result{PayoutID: pl.Payout.ID, Status: outcome.Failed, Failed: 1, Errors: []push.RecordError{{
		ExternalID: pl.Records[0].ExternalID, Type: pl.Records[0].Type, Status: p.status,
		Code: "INVALID_LOGIN", Detail: "Invalid login attempt.", Permanent: true,
	}}}, nil
}

// NetSuite refusing the credentials, 401 or 403 alike (netsuite.IsAuth),
// stops the run after the first payout: every other would fail the same
// way.
func TestStopsWhenNetSuiteRefusesCredentials(t *testing.T) {
	sc, err := stripefake.LoadScenario(filepath.Join("..", "..", "testdata", "scenarios", "refunds_plain"))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(stripefake.New(sc, "sk_test_x"))
	defer hs.Close()
	reader, err := payout.NewReader(payout.ReaderConfig{APIKey: "sk_test_x", APIBase: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{401, 403} {
		pusher := &refusingPusher{status: status}
		from, to := sc.ArrivalWindow()
		r := &Runner{Stripe: reader, Push: pusher}
		_, err := r.Run(context.Background(), Options{From: from, To: to, Settings: sandboxSettings(t)})
		if !errors.Is(err, ErrNetSuiteAuth) || !netsuite.IsAuth(err) || pusher.calls != 1 {
			t.Errorf("%d: err %v after %d pushes; want ErrNetSuiteAuth after 1", status, err, pusher.calls)
		}
	}
}

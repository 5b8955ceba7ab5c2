package outcome

import "testing"

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		in   []Status
		want int
	}{
		{nil, ExitOK},
		{[]Status{Ready, Reconciled}, ExitOK},
		{[]Status{Waiting, Ready}, ExitOK},
		{[]Status{Ready, Held}, ExitHeld},
		{[]Status{Failed, Reconciled}, ExitError},
		{[]Status{Held, Failed}, ExitError}, // failed wins
		{[]Status{Ready, "bogus"}, ExitError},
	} {
		if got := ExitCode(tc.in...); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

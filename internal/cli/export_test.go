package cli

import (
	"errors"
	"testing"
	"time"
)

func TestExportFlags(t *testing.T) {
	cmd := func(args ...string) []string { return append([]string{"export"}, args...) }
	testFlags(t, NewCmdExport, func(o *ExportOptions) **Factory { return &o.Factory }, []flagCase[ExportOptions]{
		{name: "defaults", args: cmd(), want: ExportOptions{Format: "csv"}},
		{name: "window xlsx", args: cmd("--from", "2026-07-01", "--to", "2026-09-30", "--format", "xlsx", "-o", "q3.xlsx"),
			want: ExportOptions{From: "2026-07-01", To: "2026-09-30", Format: "xlsx", Output: "q3.xlsx"}},
		{name: "payouts", args: cmd("--payout", "po_1", "--payout", "po_2"), want: ExportOptions{Payouts: []string{"po_1", "po_2"}, Format: "csv"}},
		{name: "argument", args: cmd("po_1"), flagErr: true},
	})
}

// The selection the flags make, and the usage errors that name the fix.
func TestExportSelection(t *testing.T) {
	now := time.Date(2026, 10, 2, 15, 0, 0, 0, time.UTC)
	sel, err := (&ExportOptions{From: "2026-07-01", Format: "csv"}).selection(now)
	if err != nil || !sel.From.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) || !sel.To.Equal(now) {
		t.Errorf("window: %+v %v", sel, err)
	}
	for _, o := range []ExportOptions{
		{Format: "csv"},
		{From: "2026-07-01", Format: "xlsx"},
		{From: "2026-07-01", Format: "pdf"},
		{From: "2026-07-02", To: "2026-07-01", Format: "csv"},
		{From: "2026-07-01", Payouts: []string{"po_1"}, Format: "csv"},
	} {
		var ee *exitError
		if _, err := o.selection(now); !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%+v: %v, want a usage error", o, err)
		}
	}
}

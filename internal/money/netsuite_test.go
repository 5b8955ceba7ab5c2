package money

import "testing"

func TestNetSuitePrecision(t *testing.T) {
	for _, c := range []struct {
		minor   int64
		ccy     string
		exact   bool
		rounded int64
		format  string
	}{
		{12345, "kwd", false, 12350, "12.345"},
		{12340, "kwd", true, 12340, "12.34"},
		{-12345, "bhd", false, -12350, "-12.345"},
		{-12344, "kwd", false, -12340, "-12.344"},
		{1234, "usd", true, 1234, "12.34"},
		{500, "jpy", true, 500, "500"},
		{5, "kwd", false, 10, "0.005"},
		{4, "kwd", false, 0, "0.004"},
	} {
		if got := NetSuiteExact(c.minor, c.ccy); got != c.exact {
			t.Errorf("NetSuiteExact(%d %s) = %v", c.minor, c.ccy, got)
		}
		if got := RoundNetSuite(c.minor, c.ccy); got != c.rounded {
			t.Errorf("RoundNetSuite(%d %s) = %d, want %d", c.minor, c.ccy, got, c.rounded)
		}
		if got := FormatNetSuite(c.minor, c.ccy); got != c.format {
			t.Errorf("FormatNetSuite(%d %s) = %s, want %s", c.minor, c.ccy, got, c.format)
		}
	}
}

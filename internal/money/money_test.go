package money

import "testing"

func TestFormatParseRoundTrip(t *testing.T) {
	cases := []struct {
		minor int64
		cur   string
		want  string
	}{
		{0, "usd", "0.00"},
		{5, "usd", "0.05"},
		{-1234, "USD", "-12.34"},
		{500, "jpy", "500"},
		{-7, "krw", "-7"},
		{1, "kwd", "0.001"},
		{123456, "bhd", "123.456"},
		{100, "huf", "1.00"},
		{-9223372036854775807, "usd", "-92233720368547758.07"},
	}
	for _, c := range cases {
		if got := Format(c.minor, c.cur); got != c.want {
			t.Errorf("Format(%d,%s) = %q, want %q", c.minor, c.cur, got, c.want)
		}
		back, err := Parse(c.want, c.cur)
		if err != nil || back != c.minor {
			t.Errorf("Parse(%q,%s) = %d, %v; want %d", c.want, c.cur, back, err, c.minor)
		}
	}
}

func TestParseRejectsInexact(t *testing.T) {
	for _, s := range []string{"1.005", "abc", "", ".", "1.2.3", "99999999999999999999"} {
		if _, err := Parse(s, "usd"); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", s)
		}
	}
	if _, err := Parse("1.5", "jpy"); err == nil {
		t.Error("Parse 1.5 JPY succeeded, want error")
	}
	if v, err := Parse("12.50", "usd"); err != nil || v != 1250 {
		t.Errorf("Parse 12.50 = %d %v", v, err)
	}
}

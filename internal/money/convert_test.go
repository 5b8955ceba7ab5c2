package money

import "testing"

func TestConvert(t *testing.T) {
	cases := []struct {
		amt      int64
		from, to string
		rate     string
		want     int64
	}{
		{9999, "eur", "usd", "1.0857", 10856},
		{10000, "jpy", "usd", "0.0067", 6700}, // ¥10,000 → $67.00
		{1000, "usd", "jpy", "149.5", 1495},   // $10.00 → ¥1,495
		{1000, "usd", "kwd", "0.30745", 3075}, // $10.00 → 3.0745 KWD → 3.075 (half away)
		{-1000, "usd", "kwd", "0.30745", -3075},
	}
	for _, c := range cases {
		got, err := Convert(c.amt, c.from, c.rate, c.to)
		if err != nil || got != c.want {
			t.Errorf("Convert(%d %s→%s @%s) = %d, %v; want %d", c.amt, c.from, c.to, c.rate, got, err, c.want)
		}
	}
	if _, err := Convert(1, "eur", "", "usd"); err == nil {
		t.Error("empty rate accepted")
	}
}

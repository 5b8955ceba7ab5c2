package money

import (
	"fmt"
	"math/big"
	"strings"
)

// Convert values amount (minor units of from) in minor units of to at the
// decimal exchange rate Stripe reports, rounding half away from zero as
// NetSuite does for foreign-currency amounts.
func Convert(amount int64, from, rate, to string) (int64, error) {
	if rate == "" {
		return 0, fmt.Errorf("no exchange rate to convert %s to %s", strings.ToUpper(from), strings.ToUpper(to))
	}
	r, ok := new(big.Rat).SetString(rate)
	if !ok || r.Sign() <= 0 {
		return 0, fmt.Errorf("exchange rate %q is not a positive decimal", rate)
	}
	v := new(big.Rat).Mul(new(big.Rat).SetInt64(amount), r)
	shift := Exponent(to) - Exponent(from)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(shift))), nil))
	if shift >= 0 {
		v.Mul(v, p)
	} else {
		v.Quo(v, p)
	}
	return roundHalfAway(v)
}

func roundHalfAway(v *big.Rat) (int64, error) {
	num, den := new(big.Int).Abs(v.Num()), v.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("converted amount overflows")
	}
	if v.Sign() < 0 {
		q.Neg(q)
	}
	return q.Int64(), nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

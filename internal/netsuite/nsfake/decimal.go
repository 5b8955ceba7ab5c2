package nsfake

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
)

// The fake keeps every amount exact: JSON numbers are decoded with
// UseNumber and turned into big.Rat, never float64.

// parseDec reads a decimal amount from a decoded JSON value.
func parseDec(v any) (*big.Rat, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	case int:
		return new(big.Rat).SetInt64(int64(x)), true
	case int64:
		return new(big.Rat).SetInt64(x), true
	case float64: // only from Preload, where Go callers may pass literals
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return nil, false
	}
	if s == "" || strings.ContainsAny(s, "/") { // Rat.SetString would take "1/3"
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// fmtDec renders r as the shortest exact decimal ("12.3", "-0.05", "7").
// Every amount the fake handles is a finite decimal; should one not be, it
// is shown to 12 places.
func fmtDec(r *big.Rat) string {
	ten := big.NewInt(10)
	scaled := new(big.Rat).Set(r)
	for places := 0; places <= 12; places++ {
		if scaled.IsInt() {
			return r.FloatString(places)
		}
		scaled.Mul(scaled, new(big.Rat).SetInt(ten))
	}
	return r.FloatString(12)
}

// roundHalfAway rounds r to places decimals, ties away from zero, exactly:
// the rounding the planner assumes NetSuite applies to converted amounts.
func roundHalfAway(r *big.Rat, places int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	x := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	num, den := new(big.Int).Abs(x.Num()), x.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Lsh(rem, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, scale)
}

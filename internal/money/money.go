// Package money converts between Stripe's integer minor units and the exact
// decimal strings NetSuite expects. Nothing in nsrecon holds money as a float.
package money

import (
	"fmt"
	"strings"
)

var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true,
	"krw": true, "mga": true, "pyg": true, "rwf": true, "ugx": true, "vnd": true,
	"vuv": true, "xaf": true, "xof": true, "xpf": true,
}

var threeDecimal = map[string]bool{"bhd": true, "jod": true, "kwd": true, "omr": true, "tnd": true}

// Exponent is the number of decimal places Stripe uses for the currency's
// minor unit (ISO 4217 lower-case code, case-insensitive).
func Exponent(currency string) int {
	c := strings.ToLower(currency)
	switch {
	case zeroDecimal[c]:
		return 0
	case threeDecimal[c]:
		return 3
	default:
		return 2
	}
}

// Known reports whether currency looks like an ISO 4217 code.
func Known(currency string) bool {
	if len(currency) != 3 {
		return false
	}
	for _, r := range currency {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// Format renders minor units as an exact decimal string in major units,
// e.g. Format(-1234, "usd") = "-12.34", Format(500, "jpy") = "500".
func Format(minor int64, currency string) string {
	exp := Exponent(currency)
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor) // two's complement: correct even for MinInt64
	}
	s := fmt.Sprintf("%d", u)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Parse reads an exact decimal string in major units into minor units. It
// fails rather than round when the string has more decimals than the
// currency's minor unit allows.
func Parse(s, currency string) (int64, error) {
	exp := Exponent(currency)
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > exp {
		return 0, fmt.Errorf("money: %q has more than %d decimals for %s", orig, exp, strings.ToUpper(currency))
	}
	frac += strings.Repeat("0", exp-len(frac))
	var v int64
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
		}
		if v > (1<<63-1-int64(r-'0'))/10 {
			return 0, fmt.Errorf("money: %q overflows", orig)
		}
		v = v*10 + int64(r-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

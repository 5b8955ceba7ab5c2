package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/nsrecon/nsrecon/internal/money"
)

// ExternalID is the NetSuite external ID of the record made for a Stripe
// object: "stripe_" + the Stripe ID. NetSuite allows only letters, digits,
// '_' and '-', so anything else becomes '-' (Stripe IDs never contain it).
func ExternalID(stripeID string) string {
	var sb strings.Builder
	sb.Grow(len("stripe_") + len(stripeID))
	sb.WriteString("stripe_")
	for _, r := range stripeID {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	return sb.String()
}

// hashID is a short, stable, ID-safe digest for values that are not IDs
// (an email address), so they never reach NetSuite in an external ID.
func hashID(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:10])
}

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
	shift := money.Exponent(to) - money.Exponent(from)
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

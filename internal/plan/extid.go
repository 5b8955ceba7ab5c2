package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
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

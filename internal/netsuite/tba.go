package netsuite

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// tbaSigner signs requests with NetSuite Token-Based Authentication, which is
// OAuth 1.0a (RFC 5849) with HMAC-SHA256 and a realm.
//
// It is written here rather than taken from github.com/dghubble/oauth1: that
// library produces the same signatures (a test checks this), but its clock is
// unexported, so Config.Now could not reach the timestamp, and its default
// nonces are base64 with '+', '/' and '=', while NetSuite asks for an
// alphanumeric nonce of 6–64 characters. It also drops repeated query keys.
type tbaSigner struct {
	realm                                             string
	consumerKey, consumerSecret, tokenID, tokenSecret string
}

// authorization returns the Authorization header value for one request.
// Query parameters are part of the signature; a JSON body is not (RFC 5849
// only signs form-encoded bodies, and nsrecon never sends one to the API).
func (s *tbaSigner) authorization(method string, u *url.URL, nonce string, timestamp int64) string {
	oauth := [][2]string{
		{"oauth_consumer_key", s.consumerKey},
		{"oauth_nonce", nonce},
		{"oauth_signature_method", "HMAC-SHA256"},
		{"oauth_timestamp", strconv.FormatInt(timestamp, 10)},
		{"oauth_token", s.tokenID},
		{"oauth_version", "1.0"},
	}
	base := tbaBaseString(method, u, oauth)
	sig := tbaSign(s.consumerSecret, s.tokenSecret, base)

	var b strings.Builder
	b.WriteString(`OAuth realm="` + percentEncode(s.realm) + `"`)
	for _, kv := range oauth {
		b.WriteString(`, ` + kv[0] + `="` + percentEncode(kv[1]) + `"`)
	}
	b.WriteString(`, oauth_signature="` + percentEncode(sig) + `"`)
	return b.String()
}

// tbaBaseString is the RFC 5849 §3.4.1 signature base string: method, base
// URI and the sorted, encoded parameters, each percent-encoded again and
// joined with '&'. That second encoding is what turns the '!' of
// "!transform" into %21.
func tbaBaseString(method string, u *url.URL, oauth [][2]string) string {
	var pairs []string
	for k, vs := range u.Query() {
		for _, v := range vs {
			pairs = append(pairs, percentEncode(k)+"="+percentEncode(v))
		}
	}
	for _, kv := range oauth {
		pairs = append(pairs, percentEncode(kv[0])+"="+percentEncode(kv[1]))
	}
	sort.Strings(pairs) // encoded "k=v" strings sort by key, then value, as §3.4.1.3.2 wants
	return strings.ToUpper(method) + "&" + percentEncode(baseURI(u)) + "&" + percentEncode(strings.Join(pairs, "&"))
}

// baseURI is scheme://host[:port]/path with scheme and host lower-cased and
// default ports dropped (RFC 5849 §3.4.1.2).
func baseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host) // keeps IPv6 brackets
	if (scheme == "http" && strings.HasSuffix(host, ":80")) || (scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

func tbaSign(consumerSecret, tokenSecret, base string) string {
	mac := hmac.New(sha256.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// percentEncode is RFC 3986 §2.1 encoding as RFC 5849 §3.6 requires: only
// ALPHA, DIGIT and "-._~" stay as they are.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// newNonce returns 24 random alphanumeric characters (NetSuite: 6–64).
func newNonce() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var raw [24]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails on supported platforms
	for i, c := range raw {
		raw[i] = alphabet[int(c)%len(alphabet)] // slight bias is harmless for a nonce
	}
	return string(raw[:])
}

// realmOf turns an account ID into the TBA realm: "123456-sb1" → "123456_SB1".
func realmOf(accountID string) string {
	return strings.ToUpper(strings.ReplaceAll(accountID, "-", "_"))
}

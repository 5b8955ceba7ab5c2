package nsfake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The fake verifies credentials with its own code, written from RFC 5849 and
// Oracle's TBA pages rather than shared with the client, so that a mistake
// in the client's signer shows up as a 401 instead of being mirrored.

const (
	tbaSkew      = 300 * time.Second
	nonceMemory  = 2 * tbaSkew
	tokenPath    = "/services/rest/auth/oauth2/v1/token"
	tokenLife    = time.Hour
	maxJWTLife   = time.Hour
	assertionTyp = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// authenticate checks TBA or a bearer token; a non-empty reason means 401.
// The reason stays in the fake's counters, never in the response, as
// NetSuite also says only "Invalid login attempt".
func (s *Server) authenticate(r *http.Request) (reason string) {
	h := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(h, "OAuth "):
		return s.checkTBA(r, h[len("OAuth "):])
	case strings.HasPrefix(h, "Bearer "):
		tok := h[len("Bearer "):]
		s.mu.Lock()
		exp, ok := s.tokens[tok]
		s.mu.Unlock()
		if !ok || !s.now().Before(exp) {
			return "unknown or expired bearer token"
		}
		return ""
	case h == "":
		return "missing Authorization"
	default:
		return "unsupported Authorization scheme"
	}
}

func parseOAuthHeader(h string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed OAuth parameter %q", k)
		}
		val, err := url.PathUnescape(v[1 : len(v)-1])
		if err != nil {
			return nil, err
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("duplicate OAuth parameter %q", k)
		}
		out[k] = val
	}
	return out, nil
}

func (s *Server) checkTBA(r *http.Request, h string) string {
	p, err := parseOAuthHeader(h)
	if err != nil {
		return err.Error()
	}
	if p["realm"] != s.realm {
		return "wrong realm"
	}
	if p["oauth_signature_method"] != "HMAC-SHA256" {
		return "signature method must be HMAC-SHA256"
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return "oauth_version must be 1.0"
	}
	if s.opts.ConsumerKey == "" || p["oauth_consumer_key"] != s.opts.ConsumerKey || p["oauth_token"] != s.opts.TokenID {
		return "unknown consumer key or token"
	}
	nonce := p["oauth_nonce"]
	if len(nonce) < 6 || len(nonce) > 64 {
		return "nonce must be 6-64 characters"
	}
	ts, err := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if err != nil {
		return "bad timestamp"
	}
	now := s.now()
	if d := now.Sub(time.Unix(ts, 0)); d > tbaSkew || d < -tbaSkew {
		return "timestamp outside ±300 s"
	}

	var pairs []string
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	for k, v := range p {
		if k == "realm" || k == "oauth_signature" {
			continue
		}
		pairs = append(pairs, enc(k)+"="+enc(v))
	}
	sort.Strings(pairs)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	host = strings.TrimSuffix(host, map[string]string{"http": ":80", "https": ":443"}[scheme])
	base := r.Method + "&" + enc(scheme+"://"+host+r.URL.EscapedPath()) + "&" + enc(strings.Join(pairs, "&"))
	mac := hmac.New(sha256.New, []byte(enc(s.opts.ConsumerSecret)+"&"+enc(s.opts.TokenSecret)))
	mac.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(p["oauth_signature"])) {
		return "signature mismatch"
	}

	// Only a correctly signed request burns its nonce.
	key := p["oauth_token"] + "|" + nonce
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.nonces[key]; seen {
		return "nonce reused"
	}
	s.nonces[key] = now
	if len(s.nonces)%1024 == 0 {
		for k, t := range s.nonces {
			if now.Sub(t) > nonceMemory {
				delete(s.nonces, k)
			}
		}
	}
	return ""
}

// enc is RFC 3986 percent-encoding of everything but ALPHA / DIGIT / "-._~".
func enc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// serveToken is the OAuth 2.0 client-credentials token endpoint.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		oauthErr("invalid_request", "bad form")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr("unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	if r.PostForm.Get("client_assertion_type") != assertionTyp {
		oauthErr("invalid_request", "client_assertion_type must be "+assertionTyp)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	aud := scheme + "://" + r.Host + tokenPath
	if err := s.verifyAssertion(r.PostForm.Get("client_assertion"), aud); err != nil {
		s.count("401")
		oauthErr("invalid_grant", err.Error())
		return
	}
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	tok := hex.EncodeToString(raw[:])
	s.mu.Lock()
	s.tokens[tok] = s.now().Add(tokenLife)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	// NetSuite sends expires_in as a string.
	_ = json.NewEncoder(w).Encode(map[string]string{
		"access_token": tok, "expires_in": strconv.Itoa(int(tokenLife / time.Second)), "token_type": "bearer",
	})
}

func (s *Server) verifyAssertion(jwt, aud string) error {
	if s.opts.M2MPublicKey == nil || s.opts.M2MClientID == "" {
		return errors.New("machine-to-machine is not configured")
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errors.New("assertion is not a JWS compact serialization")
	}
	dec := base64.RawURLEncoding
	hb, err1 := dec.DecodeString(parts[0])
	cb, err2 := dec.DecodeString(parts[1])
	sig, err3 := dec.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return errors.New("assertion is not base64url")
	}
	var hdr struct{ Alg, Typ, Kid string }
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return errors.New("bad JWT header")
	}
	if hdr.Typ != "JWT" || hdr.Kid != s.opts.M2MCertificateID {
		return errors.New("wrong typ or kid")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch pub := s.opts.M2MPublicKey.(type) {
	case *rsa.PublicKey:
		if hdr.Alg != "PS256" {
			return errors.New("RSA certificate needs PS256")
		}
		if err := rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			return errors.New("bad signature")
		}
	case *ecdsa.PublicKey:
		if hdr.Alg != "ES256" || len(sig) != 64 {
			return errors.New("EC certificate needs ES256 with a 64-byte r||s signature")
		}
		rr, ss := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(pub, digest[:], rr, ss) {
			return errors.New("bad signature")
		}
	default:
		return fmt.Errorf("unsupported public key %T", pub)
	}
	var c struct {
		Iss   string          `json:"iss"`
		Aud   string          `json:"aud"`
		Scope json.RawMessage `json:"scope"`
		Iat   int64           `json:"iat"`
		Exp   int64           `json:"exp"`
	}
	if err := json.Unmarshal(cb, &c); err != nil {
		return errors.New("bad JWT claims")
	}
	if c.Iss != s.opts.M2MClientID {
		return errors.New("unknown iss")
	}
	if c.Aud != aud {
		return fmt.Errorf("aud must be %s", aud)
	}
	now := s.now().Unix()
	if c.Iat > now+int64(tbaSkew/time.Second) || c.Exp <= now || c.Exp-c.Iat > int64(maxJWTLife/time.Second) {
		return errors.New("iat/exp out of range (exp must be after now and at most 1 h after iat)")
	}
	var scopes []string
	var one string
	if json.Unmarshal(c.Scope, &one) == nil {
		scopes = strings.Split(one, ",")
	} else if json.Unmarshal(c.Scope, &scopes) != nil {
		return errors.New("bad scope claim")
	}
	for _, sc := range scopes {
		if strings.TrimSpace(sc) == "rest_webservices" {
			return nil
		}
	}
	return errors.New("scope must include rest_webservices")
}

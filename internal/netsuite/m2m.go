package netsuite

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// m2mSource obtains and caches OAuth 2.0 access tokens with the client
// credentials grant, authenticating with a JWT assertion signed by the
// private key whose certificate is mapped to the integration in NetSuite.
type m2mSource struct {
	clientID, kid, alg, tokenURL string
	scope                        string
	key                          crypto.Signer
	hc                           *http.Client
	now                          func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// assertionLifetime keeps exp well inside NetSuite's limit (exp − iat < 60 min).
const assertionLifetime = 30 * time.Minute

// parsePrivateKey reads an RSA or EC P-256 private key in PKCS#8, PKCS#1 or
// SEC 1 PEM, and picks the JWS algorithm to match when alg is empty.
func parsePrivateKey(pemText, alg string) (crypto.Signer, string, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, "", errors.New("auth.privateKeyPEM: no PEM block found")
	}
	var key any
	var err error
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			if key, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
				return nil, "", errors.New("auth.privateKeyPEM: not a PKCS#8, PKCS#1 or EC private key")
			}
		}
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if alg == "" {
			alg = "PS256"
		}
		if alg != "PS256" {
			return nil, "", fmt.Errorf("auth.algorithm %q does not fit an RSA key (want PS256)", alg)
		}
		return k, alg, nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, "", errors.New("auth.privateKeyPEM: EC key must be on P-256")
		}
		if alg == "" {
			alg = "ES256"
		}
		if alg != "ES256" {
			return nil, "", fmt.Errorf("auth.algorithm %q does not fit an EC key (want ES256)", alg)
		}
		return k, alg, nil
	default:
		return nil, "", fmt.Errorf("auth.privateKeyPEM: unsupported key type %T", key)
	}
}

// assertion builds the signed JWT that authenticates the client.
func (m *m2mSource) assertion(now time.Time) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": m.alg, "typ": "JWT", "kid": m.kid})
	claims, _ := json.Marshal(map[string]any{
		"iss":   m.clientID,
		"scope": m.scope,
		"aud":   m.tokenURL,
		"iat":   now.Unix(),
		"exp":   now.Add(assertionLifetime).Unix(),
	})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	sig, err := signJWS(m.key, m.alg, []byte(signing))
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// signJWS signs per RFC 7518: PS256 is RSASSA-PSS with SHA-256 and a salt as
// long as the hash; ES256 is the fixed-width r||s, not ASN.1.
func signJWS(key crypto.Signer, alg string, data []byte) ([]byte, error) {
	digest := sha256.Sum256(data)
	switch alg {
	case "PS256":
		k, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("netsuite: PS256 needs an RSA key")
		}
		return rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256":
		k, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return nil, errors.New("netsuite: ES256 needs an EC key")
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out, nil
	}
	return nil, fmt.Errorf("netsuite: unsupported JWS algorithm %q", alg)
}

// accessToken returns a cached token, or fetches a new one when the cached
// one is missing or within a minute (or a tenth of its life) of expiring.
func (m *m2mSource) accessToken(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock() // one fetch at a time; the others wait for its result
	now := m.now()
	if m.token != "" && now.Before(m.expires) {
		return m.token, nil
	}
	jwt, err := m.assertion(now)
	if err != nil {
		return "", err
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {jwt},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := m.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &transportError{err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &transportError{err: err}
	}
	path := req.URL.Path
	if resp.StatusCode != http.StatusOK {
		e := parseError(http.MethodPost, path, resp, body, now)
		if e.Code == "" {
			// OAuth errors are {"error":"invalid_grant", ...}, not o:errorDetails.
			var oe struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(body, &oe) == nil && oe.Error != "" {
				e.Code, e.Detail = oe.Error, ""
			}
		}
		return "", e
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"` // NetSuite sends "3600", a string
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", errors.New("netsuite: token endpoint answered without an access_token")
	}
	life := 3600 * time.Second
	if s := strings.Trim(string(tr.ExpiresIn), `"`); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			life = time.Duration(n) * time.Second
		}
	}
	margin := min(time.Minute, life/10)
	m.token, m.expires = tr.AccessToken, now.Add(life-margin)
	return m.token, nil
}

// invalidate forgets a token NetSuite refused, so the next call fetches one.
func (m *m2mSource) invalidate(token string) {
	m.mu.Lock()
	if m.token == token {
		m.token = ""
	}
	m.mu.Unlock()
}

// scrubURLError drops the URL from a *url.Error: the URL itself is harmless
// here, but keeping errors free of request details is the simpler rule.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

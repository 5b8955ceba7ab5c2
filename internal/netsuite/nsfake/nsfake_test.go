package nsfake

import (
	"context"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRoundHalfEvenAndFormat(t *testing.T) {
	for in, want := range map[string]string{
		"21.657166": "21.66", "0.125": "0.13", "0.135": "0.14", "-0.125": "-0.13",
		"-2.5051": "-2.51", "1": "1", "0.005": "0.01", "0.015": "0.02", "123456789012345.675": "123456789012345.68",
	} {
		r, ok := new(big.Rat).SetString(in)
		if !ok {
			t.Fatal(in)
		}
		if got := fmtDec(roundHalfAway(r, 2)); got != want {
			t.Errorf("round(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"90.00": "90", "-0.50": "-0.5", "0.1": "0.1", "1e2": "100"} {
		r, _ := new(big.Rat).SetString(in)
		if got := fmtDec(r); got != want {
			t.Errorf("fmtDec(%s) = %s, want %s", in, got, want)
		}
	}
	if _, ok := parseDec("1/3"); ok {
		t.Error("fraction accepted as a decimal")
	}
}

func TestParseSuiteQL(t *testing.T) {
	q, err := parseSuiteQL("select id, email from Customer where LOWER(email) = 'o''brien@example.com' and externalid='x'")
	if err != nil {
		t.Fatal(err)
	}
	if q.table != "customer" || len(q.cols) != 2 || len(q.where) != 1 || len(q.where[0]) != 2 ||
		q.where[0][0].fn != "lower" || q.where[0][0].col != "email" || q.where[0][0].lit != "o'brien@example.com" || q.where[0][1].lit != "x" {
		t.Errorf("parsed %+v", q)
	}
	for _, bad := range []string{
		"SELECT id FROM customer WHERE email = 'unterminated",
		"SELECT id FROM customer WHERE email LIKE 'x'",
		"SELECT id FROM customer WHERE email = 'a' OR 1 = 1",
		"SELECT id FROM customer WHERE id IN ()",
		"SELECT id FROM customer WHERE id IN (1, 2",
		"DELETE FROM customer",
	} {
		if q, err := parseSuiteQL(bad); err == nil {
			t.Errorf("%q parsed as %+v", bad, q)
		}
	}
	// IN lists and OR between AND groups (AND binds tighter).
	q, err = parseSuiteQL("SELECT id FROM transaction WHERE externalid IN ('a', 'b') OR id IN (1, 2) AND type = 'CustInvc'")
	if err != nil || len(q.where) != 2 || len(q.where[0][0].in) != 2 || len(q.where[1]) != 2 || q.where[1][0].in[1] != "2" {
		t.Errorf("IN/OR: %+v, %v", q, err)
	}
	// An injection attempt quoted with Quote's rules stays one literal.
	q, err = parseSuiteQL("SELECT id FROM customer WHERE email = 'a'' OR ''1''=''1'")
	if err != nil || len(q.where) != 1 || q.where[0][0].lit != "a' OR '1'='1" {
		t.Errorf("quoted literal: %+v, %v", q, err)
	}
}

// TestVerifiesOracleExampleSignature feeds the fake Oracle's published REST
// example (GET employee/40 at 1508242306), signed as Oracle's algorithm
// gives; the fake must accept it, and refuse the same header again (nonce)
// or with one character changed.
func TestVerifiesOracleExampleSignature(t *testing.T) {
	s := New(Options{
		AccountID:      "123456",
		ConsumerKey:    "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
		ConsumerSecret: "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
		TokenID:        "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
		TokenSecret:    "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
		Now:            func() time.Time { return time.Unix(1508242306+30, 0) },
	})
	header := `OAuth realm="123456", oauth_consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4", ` +
		`oauth_token="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc", oauth_nonce="fjaLirsIcCGVZWzBX0pg", ` +
		`oauth_timestamp="1508242306", oauth_signature_method="HMAC-SHA256", oauth_version="1.0", ` +
		`oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"`
	send := func(h string) int {
		r := httptest.NewRequest("GET", "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40", nil)
		r.Header.Set("Authorization", h)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Code
	}
	if code := send(header); code != http.StatusNotFound { // authenticated; no employee 40 here
		t.Fatalf("Oracle's example: status %d, want 404", code)
	}
	if code := send(header); code != http.StatusUnauthorized {
		t.Errorf("replayed nonce: status %d, want 401", code)
	}
	if code := send(strings.Replace(header, "fjaLirsIcCGVZWzBX0pg", "fjaLirsIcCGVZWzBX0ph", 1)); code != http.StatusUnauthorized {
		t.Errorf("changed nonce, same signature: status %d, want 401", code)
	}
	if c := s.Counts(); c["401 nonce reused"] != 1 || c["401 signature mismatch"] != 1 {
		t.Errorf("counts %v", c)
	}
}

func TestListenAndServeLoopbackOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := ListenAndServe(ctx, "0.0.0.0:0", New(Options{})); err == nil {
		t.Error("listened on 0.0.0.0")
	}
	url, err := ListenAndServe(ctx, "", New(Options{}))
	if err != nil || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q, %v", url, err)
	}
	resp, err := http.Get(url + "/__nsfake/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("state: %d", resp.StatusCode)
	}
}

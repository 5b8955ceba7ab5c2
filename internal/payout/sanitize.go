package payout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxBody bounds one Stripe response read into memory (a 100-object page
// with expansions is well under this).
const maxBody = 64 << 20

// sanitize stands between stripe-go and a response it could not decode. An
// answer that is not JSON, or an error status without Stripe's error
// object, would reach our errors and logs as a sample of the raw body
// (stripe-go quotes it), which may hold customer data or an HTML page. It
// is replaced by a Stripe-shaped 502 that says what was wrong without the
// body; stripe-go retries it like any 5xx.
func sanitize(res *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	problem := ""
	switch {
	case len(body) > maxBody:
		problem = fmt.Sprintf("is larger than %d MiB", maxBody>>20)
	case !json.Valid(body):
		problem = "is not valid JSON"
	case res.StatusCode >= 400 && !hasErrorObject(body):
		problem = "is an error without Stripe's error object"
	}
	if problem == "" {
		res.Body = io.NopCloser(bytes.NewReader(body))
		return res, nil
	}
	msg := fmt.Sprintf("Stripe's answer (HTTP %d, %d bytes, %s) %s; its body is not shown",
		res.StatusCode, len(body), firstOr(res.Header.Get("Content-Type"), "no content type"), problem)
	out, _ := json.Marshal(map[string]any{"error": map[string]string{"type": "api_error", "message": msg}})
	res.StatusCode, res.Status = http.StatusBadGateway, "502 Bad Gateway"
	res.Header = res.Header.Clone()
	res.Header.Set("Content-Type", "application/json")
	res.Header.Set("Content-Length", strconv.Itoa(len(out)))
	res.ContentLength = int64(len(out))
	res.Body = io.NopCloser(bytes.NewReader(out))
	return res, nil
}

func hasErrorObject(body []byte) bool {
	var e struct {
		Error map[string]any `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error != nil
}

func firstOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

package netsuite

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNotFound matches (errors.Is) any 404 from NetSuite, e.g. a lookup by an
// external ID that nobody has used yet.
var ErrNotFound = errors.New("netsuite: record not found")

// Error is an HTTP error answered by NetSuite, parsed from its
// o:errorDetails. It only ever holds what the server said, so it cannot leak
// the client's credentials.
type Error struct {
	Status     int
	Code       string // o:errorCode of the first detail, e.g. INVALID_KEY_OR_REF
	Detail     string
	Path       string // o:errorPath, e.g. "entity"
	Title      string
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
	// Location is the response's Location header: an async submission
	// refused as a duplicate (IDEMPOTENCY_ERROR) names the earlier job there.
	Location string

	// Method and URLPath say which request failed; never the query string or
	// headers.
	Method, URLPath string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("netsuite: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.URLPath + ": ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	} else if e.Title != "" {
		b.WriteString(" " + e.Title)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Path != "" {
		b.WriteString(" (at " + e.Path + ")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotFound) true for 404s.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// wireError is NetSuite's error document.
type wireError struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Details []struct {
		Detail string `json:"detail"`
		Code   string `json:"o:errorCode"`
		Path   string `json:"o:errorPath"`
	} `json:"o:errorDetails"`
}

// parseError builds an *Error from a non-2xx response. A body that is not
// NetSuite's error document (a proxy's HTML page, say) is kept, shortened,
// as the detail.
func parseError(method, path string, resp *http.Response, body []byte, now time.Time) *Error {
	e := &Error{Status: resp.StatusCode, Method: method, URLPath: path}
	var w wireError
	if json.Unmarshal(body, &w) == nil && (w.Title != "" || len(w.Details) > 0) {
		e.Title = w.Title
		if len(w.Details) > 0 {
			e.Code, e.Detail, e.Path = w.Details[0].Code, w.Details[0].Detail, w.Details[0].Path
		}
	} else {
		e.Title = http.StatusText(resp.StatusCode)
		s := strings.TrimSpace(string(body))
		if len(s) > 300 {
			s = s[:300] + "…"
		}
		e.Detail = s
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	e.Location = resp.Header.Get("Location")
	return e
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// transportError marks a failure below HTTP (connection refused or reset,
// timeout, a response cut off) that happened while the caller's context was
// still live: worth retrying.
type transportError struct{ err error }

func (e *transportError) Error() string { return "netsuite: " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// IsRetryable reports whether err may succeed if the same request is sent
// again: 429, 5xx, network errors, timeouts and dropped connections. A
// cancelled context is never retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ne *Error
	if errors.As(err, &ne) {
		return ne.Status == http.StatusTooManyRequests || ne.Status >= 500
	}
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return false // the caller's deadline, not a network timeout
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}

// IsPermanent reports whether NetSuite rejected the request for good (a 4xx
// other than 429): sending it again cannot help.
func IsPermanent(err error) bool {
	var ne *Error
	return errors.As(err, &ne) && ne.Status >= 400 && ne.Status < 500 && ne.Status != http.StatusTooManyRequests
}

// ErrAuth means NetSuite refused the credentials. A caller that stops on an
// authentication failure wraps it, so that IsAuth still knows the error
// after the *Error behind it is gone.
var ErrAuth = errors.New("NetSuite rejected the credentials")

// IsAuth reports whether err is NetSuite refusing the credentials: a 401 or
// 403, or an error wrapping ErrAuth. It is the one test of a NetSuite
// authentication failure; see also IsAuthStatus.
func IsAuth(err error) bool {
	if errors.Is(err, ErrAuth) {
		return true
	}
	var ne *Error
	return errors.As(err, &ne) && IsAuthStatus(ne.Status)
}

// IsAuthStatus reports whether a NetSuite HTTP status means the credentials
// were refused (401 or 403), for callers that kept the status but not the
// error.
func IsAuthStatus(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds. The delay doubles from backoffBase per retry up to
// backoffMax, with up to a quarter of jitter taken off so that many clients
// hit by the same 429 do not come back in lockstep.
const (
	backoffBase = 500 * time.Millisecond
	backoffMax  = 20 * time.Second
	// retryAfterMax caps a server's Retry-After: a server asking for an hour
	// gets an error instead of a silent hour-long wait.
	retryAfterMax = 2 * time.Minute
)

// StatusError is a non-2xx answer from the endpoint.
type StatusError struct {
	Status int
	// Message is the server's error message, cut to a sane length.
	Message string
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("llm: endpoint answered %d: %s", e.Status, msg)
}

// Retryable reports statuses worth another try: timeouts, conflicts, rate
// limits and server errors.
func (e *StatusError) Retryable() bool {
	return e.Status == http.StatusRequestTimeout || e.Status == http.StatusConflict ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// errIncomplete is a stream that ended without a finish reason: the
// connection dropped or the server died mid-answer.
var errIncomplete = errors.New("llm: stream ended before the model finished")

// retryable decides whether err deserves another attempt. The caller's own
// cancellation never does; an attempt's timeout does.
func retryable(parent context.Context, err error) bool {
	if parent.Err() != nil {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Retryable()
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return false
	}
	// Connection errors, attempt timeouts, truncated streams.
	return true
}

// permanentError marks failures another attempt cannot fix (a bad request
// built locally, an unparsable response).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// retryDelay is the wait before retry number n (0-based), honouring the
// server's Retry-After when it gave one.
func retryDelay(n int, err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return min(se.RetryAfter, retryAfterMax)
	}
	d := backoffBase << min(n, 10)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	return d - time.Duration(rand.Int64N(int64(d/4)+1))
}

// parseRetryAfter reads Retry-After-Ms (OpenAI's) or Retry-After (seconds or
// an HTTP date).
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 && s < 1e6 {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

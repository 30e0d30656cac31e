package llm

import (
	"context"
	"net/http"
	"time"
)

// The retry policy of this package, for other HTTP clients of model
// servers (the PRM client in judge/prm) so that every client backs off the
// same way.

// Backoff is the wait before retry number n (0-based) after err, honouring
// a StatusError's Retry-After.
func Backoff(n int, err error) time.Duration { return retryDelay(n, err) }

// RetryAfter reads a response's Retry-After-Ms or Retry-After header.
func RetryAfter(h http.Header) time.Duration { return parseRetryAfter(h, time.Now()) }

// Wait sleeps d or until ctx ends.
func Wait(ctx context.Context, d time.Duration) error { return sleep(ctx, d) }

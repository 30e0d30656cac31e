package llm

import "context"

// Limit wraps a client so that at most n calls are in flight; callers beyond
// that wait (or give up when their context ends).
func Limit(c Client, n int) Client {
	if n <= 0 {
		n = 1
	}
	return &limited{c: c, sem: make(chan struct{}, n)}
}

type limited struct {
	c   Client
	sem chan struct{}
}

func (l *limited) Chat(ctx context.Context, req Request) (Response, error) {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	defer func() { <-l.sem }()
	return l.c.Chat(ctx, req)
}

package prm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
)

// The vLLM pooling API, as this client speaks it (request and response
// read from vllm-project/vllm's vllm/entrypoints/pooling/pooling/protocol.py
// at commit 01cfbaf6, the layout of vLLM 0.11 and later; the docs of v0.18
// show the same endpoint):
//
//	POST {base}/pooling
//	{"model": "Qwen/Qwen2.5-Math-PRM-7B", "messages": [system, user, assistant]}
//	→ {"id": "pool-…", "object": "list", "created": …, "model": "…",
//	   "data": [{"index": 0, "object": "pooling", "data": [[neg, pos], …]}],
//	   "usage": {"prompt_tokens": …, "total_tokens": …}}
//
// Qwen2ForProcessRewardModel pools at each <extra_0> step tag and returns
// one [negative, positive] probability pair per tag: the assistant turn is
// the steps, each followed by the tag (the model card's format), so the
// pairs are the steps' scores in order.

// StepTag ends every step in the assistant turn.
const StepTag = "<extra_0>"

// DefaultSystem is the system prompt of the Qwen2.5-Math PRM model card.
const DefaultSystem = "Please reason step by step, and put your final answer within \\boxed{}."

// Client scores traces with a PRM served by vLLM.
type Client struct {
	// BaseURL is the server's root ("http://host:8000"); "/pooling" is
	// appended.
	BaseURL string
	Model   string
	// APIKey is sent as a bearer token when set (read from the
	// environment by the caller; never stored).
	APIKey string
	// System is the system prompt (default DefaultSystem).
	System string
	// Retries after a failed attempt (default 3); Timeout per attempt
	// (default 120 s); Concurrency bounds requests in flight (default 4).
	Retries     int
	Timeout     time.Duration
	Concurrency int
	HTTP        *http.Client

	sem chan struct{}
}

// New returns a client with defaults filled in.
func New(c Client) *Client {
	if c.System == "" {
		c.System = DefaultSystem
	}
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.Timeout <= 0 {
		c.Timeout = 120 * time.Second
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	c.sem = make(chan struct{}, c.Concurrency)
	return &c
}

// Endpoint is the server without credentials, for the record.
func (c *Client) Endpoint() string { return llm.Redact(c.BaseURL) }

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type poolingRequest struct {
	Model    string    `json:"model"`
	Messages []message `json:"messages"`
}

type poolingResponse struct {
	Object string `json:"object"`
	Model  string `json:"model"`
	Data   []struct {
		Index  int             `json:"index"`
		Object string          `json:"object"`
		Data   json.RawMessage `json:"data"`
	} `json:"data"`
}

// ErrStepTag is a step whose text holds the step tag itself: its pairs
// could not be matched to steps.
var ErrStepTag = errors.New("a step holds the PRM's step tag " + StepTag)

// Score asks the server for the scores of one trace's steps: the
// probability that each is correct. Bounded by Concurrency; retried with
// the judge client's backoff on connection errors, 408, 409, 429 and 5xx.
func (c *Client) Score(ctx context.Context, problem string, steps []string) ([]float64, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	var asst strings.Builder
	for i, s := range steps {
		if strings.Contains(s, StepTag) {
			return nil, fmt.Errorf("step %d: %w", i, ErrStepTag)
		}
		asst.WriteString(s)
		asst.WriteString(StepTag)
	}
	body, err := json.Marshal(poolingRequest{Model: c.Model, Messages: []message{
		{Role: "system", Content: c.System}, {Role: "user", Content: problem}, {Role: "assistant", Content: asst.String()}}})
	if err != nil {
		return nil, err
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	for attempt := 0; ; attempt++ {
		scores, err := c.attempt(ctx, body, len(steps))
		if err == nil {
			return scores, nil
		}
		if attempt >= c.Retries || !retryable(ctx, err) {
			if attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return nil, err
		}
		if err := llm.Wait(ctx, llm.Backoff(attempt, err)); err != nil {
			return nil, err
		}
	}
}

// permanent marks an answer another attempt would not change.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var se *llm.StatusError
	if errors.As(err, &se) {
		return se.Retryable()
	}
	var p permanent
	return !errors.As(err, &p)
}

func (c *Client) attempt(ctx context.Context, body []byte, steps int) ([]float64, error) {
	actx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.BaseURL+"/pooling", bytes.NewReader(body))
	if err != nil {
		return nil, permanent{fmt.Errorf("prm: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("prm: %s: %w", c.Endpoint(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("prm: reading the answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &llm.StatusError{Status: resp.StatusCode, Message: clip(llm.RedactSecrets(strings.TrimSpace(string(data)), c.APIKey), 200),
			RetryAfter: llm.RetryAfter(resp.Header)}
	}
	scores, err := ParsePooling(data, steps)
	if err != nil {
		return nil, permanent{err}
	}
	return scores, nil
}

// ParsePooling reads a pooling response for one input and returns the
// positive-class probability of each step; the pairs must match the steps
// one for one.
func ParsePooling(data []byte, steps int) ([]float64, error) {
	var pr poolingResponse
	if err := json.Unmarshal(data, &pr); err != nil {
		return nil, fmt.Errorf("prm: pooling answer is not JSON: %w", err)
	}
	if len(pr.Data) != 1 {
		return nil, fmt.Errorf("prm: pooling answer has %d results for one input", len(pr.Data))
	}
	var pairs [][]float64
	if err := json.Unmarshal(pr.Data[0].Data, &pairs); err != nil {
		return nil, fmt.Errorf("prm: pooling data is not a list of [negative, positive] pairs (is the server running a process reward model?): %w", err)
	}
	if len(pairs) != steps {
		return nil, fmt.Errorf("prm: %d step scores for %d steps (does the model pool at %s?)", len(pairs), steps, StepTag)
	}
	out := make([]float64, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("prm: step %d: %d values, want a [negative, positive] pair", i, len(p))
		}
		s, err := pairScore(p)
		if err != nil {
			return nil, fmt.Errorf("prm: step %d: %w", i, err)
		}
		out[i] = s
	}
	return out, nil
}

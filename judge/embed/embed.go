// Package embed turns texts into embedding vectors through an
// OpenAI-compatible /v1/embeddings endpoint (OpenAI, vLLM, Ollama, llama.cpp
// server, TEI behind a compatible route), for grouping annotators' error
// keyphrases into error types. Requests are batched, bounded in number at
// once and retried with the judge client's back-off; the key is read by the
// caller from the environment and cleaned out of every error.
package embed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/stepwise-dev/stepwise/judge/llm"
)

// Client embeds texts with one model at one endpoint.
type Client struct {
	svc     openai.EmbeddingService
	model   string
	key     string
	batch   int
	retries int
	timeout time.Duration
	sem     chan struct{}
}

// Options configure a client; zero values take the defaults.
type Options struct {
	// BaseURL is the endpoint's root, with its /v1 ("http://localhost:8000/v1").
	BaseURL string
	Model   string
	// APIKey is sent as a bearer token when set; it is never written anywhere.
	APIKey string
	// Batch is the texts per request (default 64); Concurrency the requests
	// at once (default 4); Retries after a failed attempt (default 3);
	// Timeout per attempt (default 60 s).
	Batch, Concurrency, Retries int
	Timeout                     time.Duration
	HTTP                        *http.Client
}

// New builds a client.
func New(o Options) (*Client, error) {
	if o.BaseURL == "" || o.Model == "" {
		return nil, errors.New("embeddings: want a base URL and a model")
	}
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	svc := openai.NewEmbeddingService(option.WithBaseURL(o.BaseURL), option.WithAPIKey(o.APIKey),
		option.WithHTTPClient(o.HTTP), option.WithMaxRetries(0))
	return &Client{svc: svc, model: o.Model, key: o.APIKey, batch: o.Batch, retries: max(o.Retries, 0),
		timeout: o.Timeout, sem: make(chan struct{}, o.Concurrency)}, nil
}

// Embed returns one vector per text, in order.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float64, error) {
	out := make([][]float64, len(texts))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for start := 0; start < len(texts); start += c.batch {
		end := min(start+c.batch, len(texts))
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-c.sem }()
			if err := c.batchWithRetries(ctx, texts[start:end], out[start:end]); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

func (c *Client) batchWithRetries(ctx context.Context, texts []string, out [][]float64) error {
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, texts, out)
		if err == nil {
			return nil
		}
		var se *llm.StatusError
		permanent := errors.As(err, &se) && !se.Retryable()
		if attempt >= c.retries || permanent || ctx.Err() != nil {
			return err
		}
		if err := llm.Wait(ctx, llm.Backoff(attempt, err)); err != nil {
			return err
		}
	}
}

// once is one request for a batch.
func (c *Client) once(ctx context.Context, texts []string, out [][]float64) error {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	res, err := c.svc.New(actx, openai.EmbeddingNewParams{
		Model:          openai.EmbeddingModel(c.model),
		Input:          openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: texts},
		EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
	})
	if err != nil {
		var apiErr *openai.Error
		if errors.As(err, &apiErr) {
			se := &llm.StatusError{Status: apiErr.StatusCode, Message: llm.RedactSecrets(apiErr.Message, c.key)}
			if apiErr.Response != nil {
				se.RetryAfter = llm.RetryAfter(apiErr.Response.Header)
			}
			return se
		}
		return fmt.Errorf("embeddings: %s", llm.RedactSecrets(err.Error(), c.key))
	}
	if len(res.Data) != len(texts) {
		return fmt.Errorf("embeddings: %d vectors for %d texts", len(res.Data), len(texts))
	}
	dim := -1
	for _, d := range res.Data {
		if d.Index < 0 || int(d.Index) >= len(texts) || out[d.Index] != nil {
			return fmt.Errorf("embeddings: a vector with index %d", d.Index)
		}
		if dim >= 0 && len(d.Embedding) != dim || len(d.Embedding) == 0 {
			return fmt.Errorf("embeddings: vectors of different lengths")
		}
		dim = len(d.Embedding)
		out[d.Index] = d.Embedding
	}
	return nil
}

// Settings is the [embeddings] section of the configuration: the endpoint,
// the model and the name of the variable holding the key (never the key).
type Settings struct {
	BaseURL   string `toml:"base_url"`
	Model     string `toml:"model"`
	APIKeyEnv string `toml:"api_key_env"`
}

// Configured reports whether an embedding model is set up.
func (s Settings) Configured() bool { return s.BaseURL != "" && s.Model != "" }

// Client builds a client from the settings, reading the key from the
// variable they name (OPENAI_API_KEY when none is named).
func (s Settings) Client(getenv func(string) string) (*Client, error) {
	env := s.APIKeyEnv
	if env == "" {
		env = "OPENAI_API_KEY"
	}
	return New(Options{BaseURL: s.BaseURL, Model: s.Model, APIKey: getenv(env)})
}

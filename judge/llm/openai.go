package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/respjson"
	"github.com/openai/openai-go/v3/shared"
)

// OpenAI is a Client for an OpenAI-compatible endpoint, built on the official
// openai-go SDK. It always streams (so a slow reasoning model shows progress
// and a dead connection is noticed), reads reasoning text from either field
// name, asks for the usage chunk, caps the calls in flight and retries with
// back-off. The SDK's own retries are off: ours also cover streams that break
// midway, which the SDK cannot replay.
type OpenAI struct {
	profile Profile
	svc     openai.ChatCompletionService
	sem     chan struct{}
	now     func() time.Time
	// noSchema is set once the server rejected response_format.
	noSchema atomic.Bool
	// key is kept only to clean it out of error messages (secrets.go).
	key string
}

// Option adjusts NewOpenAI.
type Option func(*openAIConfig)

type openAIConfig struct {
	getenv func(string) string
	http   *http.Client
}

// WithGetenv replaces os.Getenv for reading the API key (tests).
func WithGetenv(f func(string) string) Option { return func(c *openAIConfig) { c.getenv = f } }

// WithHTTPClient replaces the HTTP client (tests, proxies).
func WithHTTPClient(h *http.Client) Option { return func(c *openAIConfig) { c.http = h } }

// NewOpenAI builds a client for the profile. The key is read once from the
// environment variable the profile names and lives only inside the SDK's
// request options; nothing here writes it anywhere.
func NewOpenAI(p Profile, opts ...Option) (*OpenAI, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	cfg := openAIConfig{getenv: os.Getenv, http: &http.Client{}}
	for _, o := range opts {
		o(&cfg)
	}
	key := cfg.getenv(p.APIKeyEnv)
	// The service is built directly rather than through openai.NewClient, so
	// that OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS meant
	// for OpenAI are never sent to some other endpoint.
	svc := openai.NewChatCompletionService(
		option.WithBaseURL(p.BaseURL),
		option.WithAPIKey(key),
		option.WithHTTPClient(cfg.http),
		option.WithMaxRetries(0),
	)
	return &OpenAI{profile: p, svc: svc, sem: make(chan struct{}, p.Concurrency), now: time.Now, key: key}, nil
}

// Profile is the profile the client was built with, defaults filled in.
func (c *OpenAI) Profile() Profile { return c.profile }

// Complete implements the verifier's Completer interface.
func (c *OpenAI) Complete(ctx context.Context, system, user string) (string, error) {
	return Completer{Client: c}.Complete(ctx, system, user)
}

// Chat sends one completion, waiting for a concurrency slot first.
func (c *OpenAI) Chat(ctx context.Context, req Request) (Response, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	defer func() { <-c.sem }()

	start := c.now()
	retries := max(c.profile.Retries, 0)
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, req)
		if err == nil {
			resp.Attempts = attempt + 1
			resp.Latency = c.now().Sub(start)
			return resp, nil
		}
		if attempt >= retries || !retryable(ctx, err) {
			if attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return Response{}, err
		}
		if req.OnDelta != nil {
			req.OnDelta(Delta{Restart: true})
		}
		if err := sleep(ctx, retryDelay(attempt, err)); err != nil {
			return Response{}, err
		}
	}
}

// attempt is one try. A server that rejects response_format is asked again
// at once without it, and never with it again.
func (c *OpenAI) attempt(ctx context.Context, req Request) (Response, error) {
	structured := req.Schema != nil && c.profile.Structured != StructuredOff && !c.noSchema.Load()
	resp, err := c.stream(ctx, req, structured)
	if err != nil && structured && rejectsFormat(err) {
		c.noSchema.Store(true)
		resp, err = c.stream(ctx, req, false)
		structured = false
	}
	resp.Structured = structured && err == nil
	return resp, err
}

// rejectsFormat recognises a 400/422 about response_format or JSON schema.
func rejectsFormat(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) || (se.Status != http.StatusBadRequest && se.Status != http.StatusUnprocessableEntity) {
		return false
	}
	m := strings.ToLower(se.Message)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") ||
		strings.Contains(m, "schema") || strings.Contains(m, "json_object")
}

func (c *OpenAI) stream(ctx context.Context, req Request, structured bool) (Response, error) {
	actx, cancel := context.WithTimeout(ctx, c.profile.Timeout)
	defer cancel()
	st := c.svc.NewStreaming(actx, c.params(req, structured))
	defer st.Close()

	var (
		content, reasoning strings.Builder
		resp               Response
	)
	for st.Next() {
		chunk := st.Current()
		if chunk.Model != "" {
			resp.Model = chunk.Model
		}
		if chunk.JSON.Usage.Valid() {
			resp.Usage = Usage{
				PromptTokens:     int(chunk.Usage.PromptTokens),
				CompletionTokens: int(chunk.Usage.CompletionTokens),
				ReasoningTokens:  int(chunk.Usage.CompletionTokensDetails.ReasoningTokens),
				CachedTokens:     int(chunk.Usage.PromptTokensDetails.CachedTokens),
			}
			resp.UsageKnown = true
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			d := Delta{Content: ch.Delta.Content, Reasoning: deltaReasoning(extraField(ch.Delta.JSON.ExtraFields))}
			content.WriteString(d.Content)
			reasoning.WriteString(d.Reasoning)
			if ch.FinishReason != "" {
				resp.FinishReason = ch.FinishReason
			}
			if req.OnDelta != nil && (d.Content != "" || d.Reasoning != "") {
				req.OnDelta(d)
			}
		}
	}
	if err := st.Err(); err != nil {
		return Response{}, c.wrap(ctx, actx, err)
	}
	if resp.FinishReason == "" {
		return Response{}, errIncomplete
	}
	resp.Content, resp.Reasoning = content.String(), reasoning.String()
	if resp.Reasoning == "" {
		resp.Reasoning, resp.Content = SplitThink(resp.Content)
	}
	return resp, nil
}

func extraField(m map[string]respjson.Field) func(string) (string, bool) {
	return func(name string) (string, bool) {
		f, ok := m[name]
		if !ok {
			return "", false
		}
		return f.Raw(), true
	}
}

// wrap turns SDK errors into ours: API errors become StatusError (with the
// server's message but never the request, which carries the key), an attempt
// timeout says so.
func (c *OpenAI) wrap(parent, attempt context.Context, err error) error {
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		se := &StatusError{Status: apiErr.StatusCode, Message: clip(RedactSecrets(apiErr.Message, c.key), 500)}
		if apiErr.Response != nil {
			se.RetryAfter = parseRetryAfter(apiErr.Response.Header, c.now())
		}
		return se
	}
	if parent.Err() != nil {
		return parent.Err()
	}
	if errors.Is(attempt.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("llm: no complete answer within %s: %w", c.profile.Timeout, context.DeadlineExceeded)
	}
	return redactError(fmt.Errorf("llm: %s: %w", Redact(c.profile.BaseURL), err), c.key)
}

func (c *OpenAI) params(req Request, structured bool) openai.ChatCompletionNewParams {
	p := c.profile
	params := openai.ChatCompletionNewParams{
		Model:       shared.ChatModel(p.Model),
		Temperature: openai.Float(*p.Temperature),
	}
	for _, m := range req.Messages {
		switch m.Role {
		case RoleSystem:
			params.Messages = append(params.Messages, openai.SystemMessage(m.Content))
		case RoleAssistant:
			params.Messages = append(params.Messages, openai.AssistantMessage(m.Content))
		default:
			params.Messages = append(params.Messages, openai.UserMessage(m.Content))
		}
	}
	n := p.MaxTokens
	if req.MaxTokens > 0 {
		n = req.MaxTokens
	}
	if p.MaxCompletionTokens {
		params.MaxCompletionTokens = openai.Int(int64(n))
	} else {
		params.MaxTokens = openai.Int(int64(n))
	}
	if !p.NoStreamUsage {
		params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	}
	if p.ReasoningEffort != "" {
		params.ReasoningEffort = shared.ReasoningEffort(p.ReasoningEffort)
	}
	if structured {
		params.ResponseFormat = responseFormat(p.Structured, req.Schema)
	}
	if len(p.Extra) > 0 {
		params.SetExtraFields(p.Extra)
	}
	return params
}

func responseFormat(mode string, s *Schema) openai.ChatCompletionNewParamsResponseFormatUnion {
	if mode == StructuredObject {
		return openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}}
	}
	return openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
		JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
			Name:   s.Name,
			Schema: s.Schema,
			Strict: openai.Bool(true),
		},
	}}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

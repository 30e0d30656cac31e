package llm

import (
	"context"
	"time"
)

// Roles of chat messages.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Schema asks for JSON output matching a JSON Schema (structured output).
// Servers without structured output get the request without it; the caller
// parses the text either way.
type Schema struct {
	Name   string
	Schema map[string]any
}

// Request is one chat completion.
type Request struct {
	Messages []Message
	// Schema, when set, requests structured output (see Profile.Structured).
	Schema *Schema
	// MaxTokens overrides the profile's limit when positive.
	MaxTokens int
	// OnDelta receives streamed pieces as they arrive; may be nil. After a
	// retry it receives a Delta with Restart set: drop what came before.
	OnDelta func(Delta)
}

// Delta is one streamed piece of a response.
type Delta struct {
	Content   string
	Reasoning string
	// Restart says the call is being retried and earlier deltas are void.
	Restart bool
}

// Usage counts tokens for one call. ReasoningTokens are included in
// CompletionTokens, as the API reports them.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	ReasoningTokens  int `json:"reasoning_tokens,omitempty"`
	CachedTokens     int `json:"cached_tokens,omitempty"`
}

// Add sums two usages.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		PromptTokens:     u.PromptTokens + v.PromptTokens,
		CompletionTokens: u.CompletionTokens + v.CompletionTokens,
		ReasoningTokens:  u.ReasoningTokens + v.ReasoningTokens,
		CachedTokens:     u.CachedTokens + v.CachedTokens,
	}
}

// Response is a finished completion.
type Response struct {
	Content string
	// Reasoning is the model's reasoning text from delta.reasoning_content
	// (DeepSeek, older vLLM), delta.reasoning (vLLM ≥ 0.11) or a leading
	// <think>…</think> block in the content.
	Reasoning string
	// FinishReason is the server's: stop, length, tool_calls, content_filter.
	FinishReason string
	// Model is the model name the server reported.
	Model string
	Usage Usage
	// UsageKnown is false when the server sent no usage chunk.
	UsageKnown bool
	Latency    time.Duration
	// Attempts counts tries, 1 when the first succeeded.
	Attempts int
	// Structured says response_format was sent on the successful attempt.
	Structured bool
}

// Truncated reports a completion cut off by the token limit.
func (r Response) Truncated() bool { return r.FinishReason == "length" }

// Client sends chat completions.
type Client interface {
	Chat(ctx context.Context, req Request) (Response, error)
}

// ClientFunc adapts a function to Client.
type ClientFunc func(ctx context.Context, req Request) (Response, error)

// Chat calls f.
func (f ClientFunc) Chat(ctx context.Context, req Request) (Response, error) { return f(ctx, req) }

package llmtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed testdata/*.sse
var recordings embed.FS

// Recording returns a stored SSE stream from testdata/<name>.sse. It panics
// on a missing name: that is a broken test, not a runtime condition.
func Recording(name string) []byte {
	b, err := recordings.ReadFile("testdata/" + name + ".sse")
	if err != nil {
		panic(fmt.Sprintf("llmtest: no recording %q: %v", name, err))
	}
	return b
}

// Style selects which reasoning field Stream writes, as different servers do.
type Style int

// Reasoning-field styles.
const (
	// VLLM writes delta.reasoning (vLLM ≥ 0.11).
	VLLM Style = iota
	// DeepSeek writes delta.reasoning_content.
	DeepSeek
)

// Answer is a synthetic completion for Stream.
type Answer struct {
	Model     string
	Content   string
	Reasoning string
	Style     Style
	// Finish defaults to "stop".
	Finish string
	// Prompt, Completion and ReasoningTokens go into the usage chunk; a
	// zero Completion is estimated from the text.
	Prompt, Completion, ReasoningTokens int
	// NoUsage leaves out the usage chunk (a server ignoring include_usage).
	NoUsage bool
	// ChunkSize is the characters per content delta (default 16).
	ChunkSize int
}

// Stream renders an answer as a chat.completion.chunk SSE stream in the wire
// format: a role chunk, reasoning deltas, content deltas, a finish chunk,
// the usage-only chunk with an empty choices array, and data: [DONE].
func Stream(a Answer) []byte {
	if a.Model == "" {
		a.Model = "test-model"
	}
	if a.Finish == "" {
		a.Finish = "stop"
	}
	if a.ChunkSize <= 0 {
		a.ChunkSize = 16
	}
	if a.Completion == 0 {
		a.Completion = (len(a.Content)+len(a.Reasoning))/4 + 1
	}
	var b strings.Builder
	emit := func(choices any, usage any) {
		chunk := map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1767225600,
			"model": a.Model, "choices": choices, "usage": usage,
		}
		j, _ := json.Marshal(chunk)
		b.WriteString("data: ")
		b.Write(j)
		b.WriteString("\n\n")
	}
	delta := func(d map[string]any, finish any) []any {
		return []any{map[string]any{"index": 0, "delta": d, "logprobs": nil, "finish_reason": finish}}
	}
	field := "reasoning"
	if a.Style == DeepSeek {
		field = "reasoning_content"
	}
	emit(delta(map[string]any{"role": "assistant", "content": ""}, nil), nil)
	for _, piece := range split(a.Reasoning, a.ChunkSize) {
		emit(delta(map[string]any{field: piece}, nil), nil)
	}
	for _, piece := range split(a.Content, a.ChunkSize) {
		emit(delta(map[string]any{"content": piece}, nil), nil)
	}
	emit(delta(map[string]any{}, a.Finish), nil)
	if !a.NoUsage {
		emit([]any{}, map[string]any{
			"prompt_tokens": a.Prompt, "completion_tokens": a.Completion,
			"total_tokens":              a.Prompt + a.Completion,
			"completion_tokens_details": map[string]any{"reasoning_tokens": a.ReasoningTokens},
		})
	}
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// split cuts s into pieces of at most n runes.
func split(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

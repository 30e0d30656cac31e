package llm

import (
	"context"
	"fmt"
)

// Completer adapts a Client to the one-shot interface the verifier's
// autoformalizer uses: Complete(ctx, system, user) (string, error).
type Completer struct {
	Client Client
	// MaxTokens overrides the profile's limit when positive.
	MaxTokens int
}

// Complete sends one system and one user message and returns the content.
// A completion cut off by the token limit is an error: a half statement is
// worse than none.
func (c Completer) Complete(ctx context.Context, system, user string) (string, error) {
	var msgs []Message
	if system != "" {
		msgs = append(msgs, Message{Role: RoleSystem, Content: system})
	}
	msgs = append(msgs, Message{Role: RoleUser, Content: user})
	resp, err := c.Client.Chat(ctx, Request{Messages: msgs, MaxTokens: c.MaxTokens})
	if err != nil {
		return "", err
	}
	if resp.Truncated() {
		return resp.Content, fmt.Errorf("llm: completion truncated at the token limit (%d tokens)", resp.Usage.CompletionTokens)
	}
	return resp.Content, nil
}

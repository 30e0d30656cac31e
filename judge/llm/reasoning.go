package llm

import (
	"encoding/json"
	"strings"
)

// deltaReasoning picks the reasoning text of one streamed delta from its
// extra fields. DeepSeek and older vLLM send reasoning_content, vLLM ≥ 0.11
// sends reasoning, and some servers in transition send both with the same
// text, so the first non-empty one wins and the other is ignored.
func deltaReasoning(extra func(name string) (raw string, ok bool)) string {
	for _, name := range [...]string{"reasoning_content", "reasoning"} {
		raw, ok := extra(name)
		if !ok {
			continue
		}
		if s := decodeJSONString(raw); s != "" {
			return s
		}
	}
	return ""
}

// decodeJSONString decodes a raw JSON string value; null, a non-string or
// malformed JSON give "".
func decodeJSONString(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw[0] != '"' {
		return ""
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return ""
	}
	return s
}

const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// SplitThink separates an inline think block from a completion's content,
// for servers that run without a reasoning parser: "<think>r</think>c"
// gives ("r", "c"). A content with only a closing tag (the chat template
// opened the block in the prompt) splits at that tag. An unclosed opening tag
// makes the whole rest reasoning. Content without tags is returned as is.
func SplitThink(content string) (reasoning, rest string) {
	trimmed := strings.TrimLeft(content, " \t\r\n")
	if strings.HasPrefix(trimmed, thinkOpen) {
		body := trimmed[len(thinkOpen):]
		end := strings.Index(body, thinkClose)
		if end < 0 {
			return strings.TrimSpace(body), ""
		}
		return strings.TrimSpace(body[:end]), strings.TrimLeft(body[end+len(thinkClose):], " \t\r\n")
	}
	if end := strings.Index(content, thinkClose); end >= 0 && !strings.Contains(content[:end], thinkOpen) {
		return strings.TrimSpace(content[:end]), strings.TrimLeft(content[end+len(thinkClose):], " \t\r\n")
	}
	return "", content
}

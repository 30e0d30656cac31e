package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// chatContentParts decodes a message's content: a string, null, or a list of
// typed parts. Part types differ between formats (OpenAI {type:"text",text},
// Inspect ContentReasoning {type:"reasoning",reasoning}, LLaMA-Factory
// {type,value}); an unknown type is kept as text that names the type, never
// dropped.
func chatContentParts(raw json.RawMessage) ([]chatPart, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []chatPart{{kind: chatText, text: s}}, nil
	case '[':
	default:
		return nil, fmt.Errorf("expected a string, null or a list of parts, found %s", chatJSONKind(raw))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	var parts []chatPart
	for i, it := range items {
		ps, err := chatContentPart(it)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i, err)
		}
		parts = append(parts, ps...)
	}
	return parts, nil
}

// chatContentPart decodes one element of a content list.
func chatContentPart(raw json.RawMessage) ([]chatPart, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []chatPart{{kind: chatText, text: s}}, nil
	}
	var f map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("expected a part object, found %s", chatJSONKind(raw))
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	typ, _ := chatStringField(f, "type")
	switch typ {
	case "text", "input_text", "output_text":
		if s, ok := chatStringField(f, "text", "value"); ok {
			return []chatPart{{kind: chatText, text: s}}, nil
		}
	case "reasoning", "thinking":
		if p, ok := chatReasoningPart(f); ok {
			return []chatPart{p}, nil
		}
	case "redacted_thinking":
		return []chatPart{{kind: chatReasoning, text: "[redacted reasoning]"}}, nil
	case "refusal":
		if s, ok := chatStringField(f, "refusal", "text", "value"); ok {
			return []chatPart{{kind: chatText, text: "[refusal] " + s}}, nil
		}
	case "tool_call":
		if s, ok := chatStringField(f, "value"); ok {
			return chatCallValue(s), nil
		}
	}
	return []chatPart{{kind: chatText, text: chatNotedPart(typ, raw), noted: true}}, nil
}

// chatReasoningPart reads a reasoning block. Redacted reasoning (Inspect
// ContentReasoning.redacted, Anthropic redacted thinking) holds ciphertext,
// not text: the step says so and shows the summary where there is one.
func chatReasoningPart(f map[string]json.RawMessage) (chatPart, bool) {
	var redacted bool
	if r, ok := f["redacted"]; ok {
		_ = json.Unmarshal(r, &redacted)
	}
	summary, _ := chatStringField(f, "summary")
	if redacted {
		text := "[redacted reasoning]"
		if summary != "" {
			text += "\n" + summary
		}
		return chatPart{kind: chatReasoning, text: text}, true
	}
	s, ok := chatStringField(f, "reasoning", "thinking", "text", "value")
	if !ok || s == "" {
		s, ok = summary, summary != ""
	}
	return chatPart{kind: chatReasoning, text: s}, ok
}

// chatNotedPart keeps a part the codec does not understand as text naming its type.
func chatNotedPart(typ string, raw json.RawMessage) string {
	if typ == "" {
		typ = "untyped"
	}
	return "[" + typ + " part] " + chatCompact(raw)
}

// chatCallValue reads a tool call written as a JSON string
// {"name","arguments"} (LLaMA-Factory tool_call parts, ShareGPT function_call
// turns), or a list of them (parallel calls). Text that is not such JSON is
// kept as a call whose Error says why.
func chatCallValue(s string) []chatPart {
	trimmed := strings.TrimSpace(s)
	if strings.HasPrefix(trimmed, "[") {
		var list []json.RawMessage
		if err := json.Unmarshal([]byte(trimmed), &list); err == nil && len(list) > 0 {
			var parts []chatPart
			for _, it := range list {
				parts = append(parts, chatOneCallValue(it, string(it)))
			}
			return parts
		}
	}
	return []chatPart{chatOneCallValue(json.RawMessage(trimmed), s)}
}

func chatOneCallValue(raw json.RawMessage, orig string) chatPart {
	var c struct {
		Name      *string         `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
		ID        string          `json:"id"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Name == nil {
		reason := "not a JSON object with a name"
		if err != nil {
			reason = "not JSON: " + err.Error()
		}
		return chatPart{kind: chatToolCall, tool: &stepwise.Tool{Arguments: orig,
			Error: "unparsed tool call (" + reason + ")"}}
	}
	return chatCallPart(c.ID, *c.Name, c.Arguments)
}

// chatCallPart builds a call from arguments given either as a JSON-encoded
// string (the OpenAI wire format, kept as sent) or as a JSON value (Inspect,
// LLaMA-Factory; kept as compact JSON text).
func chatCallPart(id, name string, args json.RawMessage) chatPart {
	return chatPart{kind: chatToolCall, tool: &stepwise.Tool{CallID: id, Name: name, Arguments: chatArguments(args)}}
}

func chatArguments(args json.RawMessage) string {
	args = bytes.TrimSpace(args)
	if len(args) == 0 || string(args) == "null" {
		return ""
	}
	if args[0] == '"' {
		var s string
		if json.Unmarshal(args, &s) == nil {
			return s
		}
	}
	return chatCompact(args)
}

// chatStringField returns the first of the named fields that holds a JSON string.
func chatStringField(f map[string]json.RawMessage, names ...string) (string, bool) {
	for _, n := range names {
		raw, ok := f[n]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
	}
	return "", false
}

// chatCompact is raw without insignificant white space (raw itself if it is
// not valid JSON).
func chatCompact(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

// chatJSONText is a JSON value as text for Meta: strings unquoted, the rest compact.
func chatJSONText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return chatCompact(raw)
}

// chatIsNull reports whether raw is absent or null.
func chatIsNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// chatJSONKind names the JSON type of raw for error messages.
func chatJSONKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// chatID reads an id that may be a string or a number.
func chatID(raw json.RawMessage) (string, error) {
	if chatIsNull(raw) {
		return "", nil
	}
	raw = bytes.TrimSpace(raw)
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{', '[', 't', 'f':
		return "", fmt.Errorf("expected a string or a number, found %s", chatJSONKind(raw))
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// chatToolsMeta is a tools schema as text for Meta["tools"]: a JSON string is
// kept as written, a list as compact JSON; empty schemas are not kept.
func chatToolsMeta(raw json.RawMessage) string {
	if chatIsNull(raw) {
		return ""
	}
	s := strings.TrimSpace(chatJSONText(raw))
	if s == "" || s == "[]" || s == `""` {
		return ""
	}
	return s
}

// chatExtraMeta keeps a record's top-level fields that the codec does not read,
// as text, so that nothing the source says is silently dropped.
func chatExtraMeta(t *stepwise.Trace, fields map[string]json.RawMessage, known ...string) {
	skip := map[string]bool{}
	for _, k := range known {
		skip[k] = true
	}
	for k, v := range fields {
		if skip[k] || chatIsNull(v) {
			continue
		}
		chatSetMeta(t, k, chatJSONText(v))
	}
}

func chatSetMeta(t *stepwise.Trace, k, v string) {
	if v == "" {
		return
	}
	if t.Meta == nil {
		t.Meta = map[string]string{}
	}
	t.Meta[k] = v
}

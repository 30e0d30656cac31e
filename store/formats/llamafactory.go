package formats

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// llamaFactory reads LLaMA-Factory's typed-part chat data
// (data/reason_tool_use_demo_50.jsonl): {"messages":[{role, content}],
// "tools"}, where content is a list of {"type":"text"|"reasoning"|"tool_call",
// "value"}. A tool_call value is a JSON string {"name","arguments"}, several
// per turn for parallel calls; a tool message may hold a JSON string listing
// {tool_call_id,name,content} results; tools is a JSON string.
type llamaFactory struct{}

func (llamaFactory) Name() string { return "llamafactory" }
func (llamaFactory) Describe() string {
	return "LLaMA-Factory typed-part messages: text/reasoning/tool_call parts with parallel tool calls"
}

// Detect looks for a content list of {type, value} parts in the first message
// (OpenAI parts use "text", not "value").
func (llamaFactory) Detect(k Keys) bool {
	var msgs []struct {
		Role    *string `json:"role"`
		Content []struct {
			Type  *string          `json:"type"`
			Value *json.RawMessage `json:"value"`
		} `json:"content"`
	}
	raw, ok := k["messages"]
	if !ok || json.Unmarshal(raw, &msgs) != nil || len(msgs) == 0 || msgs[0].Role == nil {
		return false
	}
	c := msgs[0].Content
	return len(c) > 0 && c[0].Type != nil && c[0].Value != nil
}

type llamaFactoryMessage struct {
	Role    *string         `json:"role"`
	Content json.RawMessage `json:"content"`
}

func (llamaFactory) Decode(rec Record, opts *Options) ([]Item, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(rec.Data, &fields); err != nil {
		return nil, err
	}
	var raw []llamaFactoryMessage
	if m, ok := fields["messages"]; !ok || chatIsNull(m) {
		return nil, fmt.Errorf("missing messages")
	} else if err := json.Unmarshal(m, &raw); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	var msgs []chatMessage
	if sys, ok := chatStringField(fields, "system"); ok && sys != "" {
		msgs = append(msgs, chatMessage{role: "system", parts: []chatPart{{kind: chatText, text: sys}}})
	}
	for i, m := range raw {
		if m.Role == nil {
			return nil, fmt.Errorf("messages[%d]: missing role", i)
		}
		parts, err := chatContentParts(m.Content)
		if err != nil {
			return nil, fmt.Errorf("messages[%d].content: %w", i, err)
		}
		msg := chatMessage{role: chatRole(*m.Role), parts: parts}
		if msg.role == "tool" {
			msg.parts = lfSplitResults(parts)
		}
		msgs = append(msgs, msg)
	}
	t := &stepwise.Trace{Dataset: chatDataset(opts, "llamafactory", rec.Path), Model: opts.Model}
	out := buildChat(msgs, t)
	t.FinalAnswer = out.answer
	chatSetMeta(t, "tools", chatToolsMeta(fields["tools"]))
	chatExtraMeta(t, fields, "messages", "tools", "system")
	p := &stepwise.Problem{Text: chatProblemText(out, "", t), Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t}}, nil
}

// lfSplitResults turns a tool message text that lists several results
// [{tool_call_id, name, content}, ...] into one result each, so that each
// parallel call gets its own result step. Any other text stays one result.
func lfSplitResults(parts []chatPart) []chatPart {
	var out []chatPart
	for _, p := range parts {
		if p.kind != chatText {
			out = append(out, p)
			continue
		}
		if rs, ok := lfResultList(p.text); ok {
			out = append(out, rs...)
		} else {
			out = append(out, p)
		}
	}
	return out
}

// lfResultList parses a JSON list of result objects; every element must
// have content and a name or call id, and nothing else.
func lfResultList(s string) ([]chatPart, bool) {
	s2 := bytes.TrimSpace([]byte(s))
	if len(s2) == 0 || s2[0] != '[' {
		return nil, false
	}
	var list []map[string]json.RawMessage
	if json.Unmarshal(s2, &list) != nil || len(list) == 0 {
		return nil, false
	}
	out := make([]chatPart, 0, len(list))
	for _, r := range list {
		content, hasContent := r["content"]
		id, hasID := chatStringField(r, "tool_call_id")
		name, hasName := chatStringField(r, "name")
		extra := len(r) - 1
		if hasID {
			extra--
		}
		if hasName {
			extra--
		}
		if !hasContent || (!hasID && !hasName) || extra != 0 {
			return nil, false
		}
		out = append(out, chatPart{kind: chatToolResult, text: lfResultContent(content),
			tool: &stepwise.Tool{CallID: id, Name: name}})
	}
	return out, true
}

// lfResultContent is a result's content: a string as is, any other JSON value
// as the bytes it was written with.
func lfResultContent(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

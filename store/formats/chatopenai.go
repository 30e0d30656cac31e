package formats

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// openAIChat reads OpenAI Chat Completions conversations: one record per
// conversation, {"messages":[...]} with optional "tools", "id", "model" and
// "usage". Assistant tool_calls carry function.arguments as a JSON-encoded
// string; tool results are {"role":"tool","tool_call_id","content"}. A record
// that is itself a messages list is accepted when the format is forced (such
// a file is a list of lists, which detection does not look at).
type openAIChat struct{}

func (openAIChat) Name() string { return "openai-chat" }
func (openAIChat) Describe() string {
	return "OpenAI Chat Completions messages (with tool_calls, reasoning_content), one conversation per record"
}

// Detect takes any object with a messages list whose first element has a
// role. It is the loosest shape, so it sits last in the registry.
func (openAIChat) Detect(k Keys) bool {
	var msgs []struct {
		Role *string `json:"role"`
	}
	raw, ok := k["messages"]
	if !ok || json.Unmarshal(raw, &msgs) != nil || len(msgs) == 0 {
		return false
	}
	return msgs[0].Role != nil
}

type oaiChatMessage struct {
	Role             *string           `json:"role"`
	Content          json.RawMessage   `json:"content"`
	Name             string            `json:"name"`
	ToolCalls        []oaiChatToolCall `json:"tool_calls"`
	ToolCallID       string            `json:"tool_call_id"`
	ReasoningContent json.RawMessage   `json:"reasoning_content"`
	Reasoning        json.RawMessage   `json:"reasoning"`
	Refusal          *string           `json:"refusal"`
	FunctionCall     *oaiChatFunction  `json:"function_call"`
}

type oaiChatToolCall struct {
	ID       string          `json:"id"`
	Function json.RawMessage `json:"function"`
	// Arguments sits beside function when function is just the tool's name
	// (the Inspect shape, accepted here too).
	Arguments json.RawMessage `json:"arguments"`
}

type oaiChatFunction struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

type oaiChatUsage struct {
	PromptTokens            int `json:"prompt_tokens"`
	CompletionTokens        int `json:"completion_tokens"`
	CompletionTokensDetails *struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

var openAIChatKnown = []string{"messages", "tools", "id", "model", "usage"}

func (openAIChat) Decode(rec Record, opts *Options) ([]Item, error) {
	data := bytes.TrimSpace(rec.Data)
	fields := map[string]json.RawMessage{}
	if len(data) > 0 && data[0] == '[' {
		fields["messages"] = data
	} else if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	raw, ok := fields["messages"]
	if !ok || chatIsNull(raw) {
		return nil, fmt.Errorf("missing messages")
	}
	var rawMsgs []json.RawMessage
	if err := json.Unmarshal(raw, &rawMsgs); err != nil {
		return nil, fmt.Errorf("messages: expected a list, found %s", chatJSONKind(raw))
	}
	msgs := make([]chatMessage, 0, len(rawMsgs))
	for i, rm := range rawMsgs {
		m, err := oaiChatParts(rm)
		if err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
		msgs = append(msgs, m)
	}
	// The messages are the record; a field about them (id, model, usage)
	// that cannot be read is left out with a warning.
	var warns []string
	id, err := chatID(fields["id"])
	if err != nil {
		warns = append(warns, fmt.Sprintf("id: %v; the record is kept without its id", err))
	}
	var model string
	if m, ok := fields["model"]; ok && !chatIsNull(m) {
		if err := json.Unmarshal(m, &model); err != nil {
			warns = append(warns, fmt.Sprintf("model: expected a string, found %s; the model is left out", chatJSONKind(m)))
		}
	}
	t := &stepwise.Trace{SourceID: id, Dataset: chatDataset(opts, "openai-chat", rec.Path),
		Model: pick(opts.Model, model, true, "")}
	out := buildChat(msgs, t)
	t.FinalAnswer = out.answer
	if u, ok := fields["usage"]; ok && !chatIsNull(u) {
		var usage oaiChatUsage
		if err := json.Unmarshal(u, &usage); err != nil {
			warns = append(warns, fmt.Sprintf("usage: %v; the usage is left out", err))
		} else {
			t.Usage = &stepwise.Usage{PromptTokens: usage.PromptTokens, CompletionTokens: usage.CompletionTokens}
			if d := usage.CompletionTokensDetails; d != nil {
				t.Usage.ReasoningTokens = d.ReasoningTokens
			}
		}
	}
	chatSetMeta(t, "tools", chatToolsMeta(fields["tools"]))
	chatExtraMeta(t, fields, openAIChatKnown...)
	p := &stepwise.Problem{Text: chatProblemText(out, id, t), Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

// oaiChatParts normalizes one message: reasoning first (it was
// generated first), then content, a refusal, and the tool calls.
func oaiChatParts(raw json.RawMessage) (chatMessage, error) {
	var m oaiChatMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return chatMessage{}, err
	}
	if m.Role == nil {
		return chatMessage{}, fmt.Errorf("missing role")
	}
	msg := chatMessage{role: chatRole(*m.Role)}
	for _, r := range []json.RawMessage{m.ReasoningContent, m.Reasoning} {
		if p, ok := oaiChatReasoning(r); ok {
			msg.parts = append(msg.parts, p)
		}
	}
	parts, err := chatContentParts(m.Content)
	if err != nil {
		return chatMessage{}, fmt.Errorf("content: %w", err)
	}
	msg.parts = append(msg.parts, parts...)
	if m.Refusal != nil && *m.Refusal != "" {
		msg.parts = append(msg.parts, chatPart{kind: chatText, text: "[refusal] " + *m.Refusal})
	}
	if f := m.FunctionCall; f != nil {
		msg.parts = append(msg.parts, chatCallPart("", f.Name, f.Arguments))
	}
	for j, c := range m.ToolCalls {
		p, err := oaiChatCall(c)
		if err != nil {
			return chatMessage{}, fmt.Errorf("tool_calls[%d]: %w", j, err)
		}
		msg.parts = append(msg.parts, p)
	}
	if msg.role == "tool" {
		msg.tool = &stepwise.Tool{CallID: m.ToolCallID, Name: m.Name}
	}
	return msg, nil
}

// oaiChatReasoning reads reasoning_content or reasoning: a string, or a
// structured value kept as JSON text.
func oaiChatReasoning(raw json.RawMessage) (chatPart, bool) {
	if chatIsNull(raw) {
		return chatPart{}, false
	}
	s := chatJSONText(raw)
	return chatPart{kind: chatReasoning, text: s}, s != ""
}

// oaiChatCall reads {id, type:"function", function:{name, arguments}}, or the
// Inspect shape {id, function:"name", arguments:{...}}.
func oaiChatCall(c oaiChatToolCall) (chatPart, error) {
	f := bytes.TrimSpace(c.Function)
	switch {
	case len(f) > 0 && f[0] == '{':
		var fn oaiChatFunction
		if err := json.Unmarshal(f, &fn); err != nil {
			return chatPart{}, fmt.Errorf("function: %w", err)
		}
		return chatCallPart(c.ID, fn.Name, fn.Arguments), nil
	case len(f) > 0 && f[0] == '"':
		var name string
		if err := json.Unmarshal(f, &name); err != nil {
			return chatPart{}, fmt.Errorf("function: %w", err)
		}
		return chatCallPart(c.ID, name, c.Arguments), nil
	}
	return chatPart{}, fmt.Errorf("function: expected an object or a name, found %s", chatJSONKind(f))
}

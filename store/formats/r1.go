package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// r1Completion reads DeepSeek-R1-style generations saved one per record:
//
//   - a problem (problem, question or prompt) with a completion text
//     (response, completion, output, generation or content) holding
//     "<think>…</think> answer" (the opening tag may be missing);
//   - a problem with a separate reasoning field (reasoning_content or vLLM's
//     reasoning) beside the answer text;
//   - an OpenAI-compatible chat completion (DeepSeek API, vLLM), bare or under
//     "response", whose choices[].message carries reasoning_content or
//     reasoning. The problem then comes from problem/question/prompt, from
//     messages, or from request.messages (the last user message).
//
// The gold answer is read from answer, gold, gold_answer, ground_truth,
// reference or target (so a record's "answer" is taken as the reference
// answer, never as the model's); the model's answer is the last \boxed{} of
// the answer part.
type r1Completion struct{}

func (r1Completion) Name() string { return "r1" }
func (r1Completion) Describe() string {
	return "DeepSeek-R1 style: <think>…</think> completions or API responses with reasoning_content/reasoning"
}

var (
	r1PromptFields    = []string{"problem", "question", "prompt"}
	r1TextFields      = []string{"response", "completion", "output", "generation", "content"}
	r1ReasoningFields = []string{"reasoning_content", "reasoning"}
	r1GoldFields      = []string{"answer", "gold", "gold_answer", "ground_truth", "reference", "target"}
	r1IDFields        = []string{"id", "uuid", "idx", "unique_id"}
)

func (r1Completion) Detect(k Keys) bool {
	if r1ResponseHasReasoning(k["choices"]) {
		return true
	}
	if resp, ok := k["response"]; ok && r1ObjectHasReasoning(resp) {
		return true
	}
	if !r1HasAny(k, r1PromptFields) && !k.Has("messages") && !k.Has("request") {
		return false
	}
	for _, f := range r1ReasoningFields {
		if r1IsString(k[f]) {
			return true
		}
	}
	for _, f := range r1TextFields {
		var s string
		if json.Unmarshal(k[f], &s) == nil && (strings.Contains(s, r1Close) || strings.Contains(s, r1Open)) {
			return true
		}
	}
	return false
}

func r1HasAny(k Keys, names []string) bool {
	for _, n := range names {
		if k.Has(n) {
			return true
		}
	}
	return false
}

func r1IsString(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && v[0] == '"'
}

// r1ObjectHasReasoning reports whether v is a chat completion whose first
// choice has a reasoning field.
func r1ObjectHasReasoning(v json.RawMessage) bool {
	var obj struct {
		Choices json.RawMessage `json:"choices"`
	}
	return json.Unmarshal(v, &obj) == nil && r1ResponseHasReasoning(obj.Choices)
}

func r1ResponseHasReasoning(choices json.RawMessage) bool {
	var cs []struct {
		Message map[string]json.RawMessage `json:"message"`
	}
	if len(choices) == 0 || json.Unmarshal(choices, &cs) != nil || len(cs) == 0 {
		return false
	}
	for _, f := range r1ReasoningFields {
		if r1IsString(cs[0].Message[f]) {
			return true
		}
	}
	return false
}

// r1Response is the part of an OpenAI-compatible chat completion we read.
type r1Response struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Index   *int `json:"index"`
		Message struct {
			Content          *string `json:"content"`
			ReasoningContent *string `json:"reasoning_content"`
			Reasoning        *string `json:"reasoning"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		Details          *struct {
			ReasoningTokens int `json:"reasoning_tokens"`
		} `json:"completion_tokens_details"`
	} `json:"usage"`
}

func (r1Completion) Decode(rec Record, opts *Options) ([]Item, error) {
	var k map[string]json.RawMessage
	if err := json.Unmarshal(rec.Data, &k); err != nil {
		return nil, err
	}
	if k == nil {
		return nil, fmt.Errorf("record is null, not an object")
	}
	prompt, err := r1Prompt(k)
	if err != nil {
		return nil, err
	}
	dataset, _ := jsonText(k["dataset"])
	dataset = pick(opts.Dataset, dataset, true, "r1")
	p := &stepwise.Problem{Text: prompt, Dataset: dataset, GoldAnswer: r1First(k, r1GoldFields)}
	base := &stepwise.Trace{Dataset: dataset, SourceID: r1First(k, r1IDFields),
		Model: pick(opts.Model, r1First(k, []string{"model", "generator"}), true, "")}
	resp, isResp, err := r1FindResponse(k)
	if err != nil {
		return nil, err
	}
	if isResp {
		return r1FromResponse(p, base, resp, opts)
	}
	t, err := r1FromFields(k, base)
	if err != nil {
		return nil, err
	}
	return []Item{{Problem: p, Trace: t}}, nil
}

// r1First returns the first of fields present with a scalar value, as text.
func r1First(k map[string]json.RawMessage, fields []string) string {
	for _, f := range fields {
		if s, ok := jsonText(k[f]); ok && !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
			return s
		}
	}
	return ""
}

// r1Prompt finds the problem text: a prompt field (a string or a list of chat
// messages), else messages, else request.messages.
func r1Prompt(k map[string]json.RawMessage) (string, error) {
	for _, f := range r1PromptFields {
		v, ok := k[f]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s, nil
		}
		if s, ok := r1LastUser(v); ok {
			return s, nil
		}
		return "", fmt.Errorf("field %s: want a string or a list of chat messages", f)
	}
	if s, ok := r1LastUser(k["messages"]); ok {
		return s, nil
	}
	var req struct {
		Messages json.RawMessage `json:"messages"`
	}
	if json.Unmarshal(k["request"], &req) == nil {
		if s, ok := r1LastUser(req.Messages); ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("no problem text: want problem, question or prompt, or a user message in messages or request.messages")
}

// r1LastUser returns the text of the last user message in a chat message
// list whose content is a string or a list of {type:"text", text} parts.
func r1LastUser(v json.RawMessage) (string, bool) {
	var msgs []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if len(v) == 0 || json.Unmarshal(v, &msgs) != nil {
		return "", false
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != "user" {
			continue
		}
		var s string
		if json.Unmarshal(msgs[i].Content, &s) == nil {
			return s, true
		}
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(msgs[i].Content, &parts) != nil {
			return "", false
		}
		var b strings.Builder
		for _, p := range parts {
			if p.Type == "text" {
				b.WriteString(p.Text)
			}
		}
		return b.String(), true
	}
	return "", false
}

// r1FindResponse finds a chat completion: the record itself (it has
// choices) or its response field when that is an object.
func r1FindResponse(k map[string]json.RawMessage) (*r1Response, bool, error) {
	var raw json.RawMessage
	switch {
	case k["choices"] != nil:
		b, _ := json.Marshal(k)
		raw = b
	case len(bytes.TrimSpace(k["response"])) > 0 && bytes.TrimSpace(k["response"])[0] == '{':
		raw = k["response"]
	default:
		return nil, false, nil
	}
	var r r1Response
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, false, fmt.Errorf("chat completion: %w", err)
	}
	if len(r.Choices) == 0 {
		return nil, false, fmt.Errorf("chat completion: choices is empty")
	}
	return &r, true, nil
}

// r1FromResponse makes one trace per choice.
func r1FromResponse(p *stepwise.Problem, base *stepwise.Trace, r *r1Response, opts *Options) ([]Item, error) {
	var items []Item
	for i, c := range r.Choices {
		t := *base
		t.Sample = i
		if c.Index != nil {
			t.Sample = *c.Index
		}
		if t.SourceID == "" {
			t.SourceID = r.ID
		}
		t.Model = pick(opts.Model, base.Model, true, r.Model)
		content := ""
		if c.Message.Content != nil {
			content = *c.Message.Content
		}
		reasoning, field := r1ReasoningOf(c.Message.ReasoningContent, c.Message.Reasoning)
		if field != "" {
			r1FieldTrace(&t, reasoning, content)
			setMeta(&t, "reasoning_field", field)
		} else {
			r1InlineTrace(&t, content)
		}
		setMeta(&t, "finish_reason", c.FinishReason)
		t.Truncated = t.Truncated || c.FinishReason == "length"
		t.Usage = r1Usage(r)
		items = append(items, Item{Problem: p, Trace: &t})
	}
	return items, nil
}

// r1ReasoningOf prefers whichever reasoning field is present and non-empty
// (vLLM renamed reasoning_content to reasoning).
func r1ReasoningOf(content, reasoning *string) (string, string) {
	switch {
	case content != nil && *content != "":
		return *content, "reasoning_content"
	case reasoning != nil && *reasoning != "":
		return *reasoning, "reasoning"
	}
	return "", ""
}

func r1Usage(r *r1Response) *stepwise.Usage {
	if r.Usage == nil {
		return nil
	}
	u := &stepwise.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens}
	if r.Usage.Details != nil {
		u.ReasoningTokens = r.Usage.Details.ReasoningTokens
	}
	return u
}

// r1FromFields reads a flat record: a reasoning field with answer text, or
// one text with inline think tags.
func r1FromFields(k map[string]json.RawMessage, base *stepwise.Trace) (*stepwise.Trace, error) {
	t := base
	text, textField := r1StringField(k, r1TextFields)
	var rc, rs *string
	json.Unmarshal(k["reasoning_content"], &rc)
	json.Unmarshal(k["reasoning"], &rs)
	if reasoning, field := r1ReasoningOf(rc, rs); field != "" {
		r1FieldTrace(t, reasoning, text)
		setMeta(t, "reasoning_field", field)
	} else if textField != "" {
		r1InlineTrace(t, text)
	} else {
		return nil, fmt.Errorf("no completion: want a string in one of %s, or reasoning_content/reasoning",
			strings.Join(r1TextFields, ", "))
	}
	if fr, ok := jsonText(k["finish_reason"]); ok {
		setMeta(t, "finish_reason", fr)
		t.Truncated = t.Truncated || fr == "length"
	}
	return t, nil
}

// r1StringField returns the first of fields holding a JSON string.
func r1StringField(k map[string]json.RawMessage, fields []string) (string, string) {
	for _, f := range fields {
		var s string
		if r1IsString(k[f]) && json.Unmarshal(k[f], &s) == nil {
			return s, f
		}
	}
	return "", ""
}

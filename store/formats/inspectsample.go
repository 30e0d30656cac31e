package formats

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

type inspectMessage struct {
	Role       *string           `json:"role"`
	Content    json.RawMessage   `json:"content"`
	ToolCalls  []inspectToolCall `json:"tool_calls"`
	ToolCallID string            `json:"tool_call_id"`
	Function   string            `json:"function"`
	Error      *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

type inspectToolCall struct {
	ID string `json:"id"`
	// Function is the tool's name; arguments is a parsed JSON object.
	Function   json.RawMessage `json:"function"`
	Arguments  json.RawMessage `json:"arguments"`
	ParseError *string         `json:"parse_error"`
}

type inspectOutput struct {
	Model   string `json:"model"`
	Choices []struct {
		Message    inspectMessage `json:"message"`
		StopReason string         `json:"stop_reason"`
	} `json:"choices"`
	Usage *inspectUsage `json:"usage"`
}

type inspectUsage struct {
	InputTokens     int `json:"input_tokens"`
	OutputTokens    int `json:"output_tokens"`
	ReasoningTokens int `json:"reasoning_tokens"`
}

// inspectSample holds the sample fields the trace uses; f keeps every field
// (attachments resolved) for the ones kept as Meta.
type inspectSample struct {
	f          map[string]json.RawMessage
	id         string
	epoch      int
	messages   []inspectMessage
	output     *inspectOutput
	scores     map[string]inspectScore
	unresolved int
}

// decodeInspectSample turns one sample into an item. hdr is nil for a bare
// sample with no log around it.
func decodeInspectSample(raw json.RawMessage, hdr *inspectHeader, opts *Options) (Item, error) {
	s, err := readInspectSample(raw)
	if err != nil {
		return Item{}, err
	}
	if hdr == nil {
		hdr = &inspectHeader{}
	}
	msgs, err := inspectChat(s)
	if err != nil {
		return Item{}, err
	}
	task := hdr.Eval.Task
	t := &stepwise.Trace{
		SourceID: s.id + "/epoch" + strconv.Itoa(s.epoch),
		Dataset:  pick(opts.Dataset, "inspect/"+task, task != "", "inspect"),
		Model:    pick(opts.Model, hdr.Eval.Model, true, ""),
		Sample:   max(s.epoch-1, 0),
	}
	if t.Model == "" && s.output != nil {
		t.Model = s.output.Model
	}
	out := buildChat(msgs, t)
	p := &stepwise.Problem{SourceID: s.id, Dataset: t.Dataset}
	if p.Text, err = inspectProblem(s, out, t); err != nil {
		return Item{}, err
	}
	if p.GoldAnswer, err = inspectTarget(s.f["target"], t); err != nil {
		return Item{}, fmt.Errorf("target: %w", err)
	}
	applyInspectScores(t, s.scores, hdr)
	t.FinalAnswer = inspectFinalAnswer(s, hdr, out)
	inspectSampleMeta(t, s, hdr)
	if err := inspectSampleUsage(t, s); err != nil {
		return Item{}, err
	}
	return Item{Problem: p, Trace: t}, nil
}

// readInspectSample resolves attachments, then decodes the fields used.
func readInspectSample(raw json.RawMessage) (*inspectSample, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("sample: %s", inspectErrText(err))
	}
	texts := map[string]string{}
	if err := inspectTexts(top, texts); err != nil {
		return nil, err
	}
	resolved, unresolved := inspectResolve(raw, texts)
	s := &inspectSample{unresolved: unresolved}
	if err := json.Unmarshal(resolved, &s.f); err != nil {
		return nil, fmt.Errorf("sample: %s", inspectErrText(err))
	}
	var err error
	if s.id, err = chatID(s.f["id"]); err != nil {
		return nil, fmt.Errorf("id: %w", err)
	}
	if s.id == "" {
		return nil, fmt.Errorf("missing id")
	}
	s.epoch = 1
	for _, fd := range []struct {
		key string
		dst any
	}{{"epoch", &s.epoch}, {"messages", &s.messages}, {"output", &s.output}, {"scores", &s.scores}} {
		if v, ok := s.f[fd.key]; ok && !chatIsNull(v) {
			if err := json.Unmarshal(v, fd.dst); err != nil {
				return nil, fmt.Errorf("%s: %s", fd.key, inspectErrText(err))
			}
		}
	}
	return s, nil
}

// inspectTexts collects the texts references point at: sample.attachments
// and, in logs with a transcript, transcript.content.
func inspectTexts(top map[string]json.RawMessage, texts map[string]string) error {
	if a, ok := top["attachments"]; ok && !chatIsNull(a) {
		if err := json.Unmarshal(a, &texts); err != nil {
			return fmt.Errorf("attachments: %s", inspectErrText(err))
		}
	}
	if tr, ok := top["transcript"]; ok && !chatIsNull(tr) {
		var t struct {
			Content map[string]string `json:"content"`
		}
		if err := json.Unmarshal(tr, &t); err != nil {
			return fmt.Errorf("transcript: %s", inspectErrText(err))
		}
		for k, v := range t.Content {
			if _, dup := texts[k]; !dup {
				texts[k] = v
			}
		}
	}
	return nil
}

// inspectChat normalizes the sample's messages. A sample without messages
// (never seen, but the schema allows it) shows its input and output instead,
// so that the trace is not empty while the log has text.
func inspectChat(s *inspectSample) ([]chatMessage, error) {
	src := s.messages
	if len(src) == 0 {
		in, err := inspectInput(s.f["input"])
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		src = in
		if s.output != nil && len(s.output.Choices) > 0 {
			src = append(src, s.output.Choices[0].Message)
		}
	}
	msgs := make([]chatMessage, 0, len(src))
	for i, m := range src {
		msg, err := inspectMessageParts(m)
		if err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
		msgs = append(msgs, msg)
	}
	return msgs, nil
}

// inspectInput reads input: a string (one user message) or a message list.
func inspectInput(raw json.RawMessage) ([]inspectMessage, error) {
	if chatIsNull(raw) {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		user := "user"
		content, _ := json.Marshal(s)
		return []inspectMessage{{Role: &user, Content: content}}, nil
	}
	var msgs []inspectMessage
	if err := json.Unmarshal(raw, &msgs); err != nil {
		return nil, fmt.Errorf("expected a string or a message list: %s", inspectErrText(err))
	}
	return msgs, nil
}

func inspectMessageParts(m inspectMessage) (chatMessage, error) {
	if m.Role == nil {
		return chatMessage{}, fmt.Errorf("missing role")
	}
	parts, err := chatContentParts(m.Content)
	if err != nil {
		return chatMessage{}, fmt.Errorf("content: %w", err)
	}
	msg := chatMessage{role: chatRole(*m.Role), parts: parts}
	for j, c := range m.ToolCalls {
		p, err := oaiChatCall(oaiChatToolCall{ID: c.ID, Function: c.Function, Arguments: c.Arguments})
		if err != nil {
			return chatMessage{}, fmt.Errorf("tool_calls[%d]: %w", j, err)
		}
		if c.ParseError != nil && *c.ParseError != "" {
			p.tool.Error = "parse error: " + *c.ParseError
		}
		msg.parts = append(msg.parts, p)
	}
	if msg.role == "tool" {
		msg.tool = &stepwise.Tool{CallID: m.ToolCallID, Name: m.Function}
		if e := m.Error; e != nil {
			msg.tool.Error = strings.TrimSpace(e.Type + ": " + e.Message)
		}
	}
	return msg, nil
}

// inspectProblem is the sample's input: the string, or the first user
// message of an input list; else the chat rule (first user message, id).
func inspectProblem(s *inspectSample, out chatOutcome, t *stepwise.Trace) (string, error) {
	in, err := inspectInput(s.f["input"])
	if err != nil {
		return "", fmt.Errorf("input: %w", err)
	}
	for _, m := range in {
		if m.Role == nil || chatRole(*m.Role) != "user" {
			continue
		}
		parts, err := chatContentParts(m.Content)
		if err != nil {
			return "", fmt.Errorf("input: %w", err)
		}
		if text := chatMessageText(chatMessage{parts: parts}); strings.TrimSpace(text) != "" {
			return text, nil
		}
	}
	return chatProblemText(out, "inspect sample "+s.id, t), nil
}

// inspectTarget reads target: a string, or a list of acceptable answers
// (joined by " | " for display, the list kept in Meta).
func inspectTarget(raw json.RawMessage, t *stepwise.Trace) (string, error) {
	if chatIsNull(raw) {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", fmt.Errorf("expected a string or a list of strings, found %s", chatJSONKind(raw))
	}
	if len(list) > 1 {
		chatSetMeta(t, "target", chatCompact(raw))
	}
	return strings.Join(list, " | "), nil
}

// inspectFinalAnswer is the answer the scorer extracted, else the output's
// last assistant text, else the conversation's final assistant text.
func inspectFinalAnswer(s *inspectSample, hdr *inspectHeader, out chatOutcome) string {
	for _, name := range inspectScoreOrder(s.scores, hdr) {
		if a := s.scores[name].Answer; a != nil && *a != "" {
			return *a
		}
	}
	if s.output != nil && len(s.output.Choices) > 0 {
		parts, err := chatContentParts(s.output.Choices[0].Message.Content)
		if err == nil {
			if text := chatMessageText(chatMessage{parts: parts}); text != "" {
				return text
			}
		}
	}
	return out.answer
}

// inspectSampleMeta keeps the log and sample fields a researcher looks at.
func inspectSampleMeta(t *stepwise.Trace, s *inspectSample, hdr *inspectHeader) {
	status := hdr.Status
	if status == "" && hdr.journal {
		status = "started" // an archive without header.json: the run never finished
	}
	chatSetMeta(t, "log_status", status)
	if !chatIsNull(hdr.Error) {
		chatSetMeta(t, "log_error", inspectErrorMessage(hdr.Error))
	}
	chatSetMeta(t, "run_id", hdr.Eval.RunID)
	chatSetMeta(t, "eval_created", hdr.Eval.Created)
	if s.output != nil {
		chatSetMeta(t, "output_model", s.output.Model)
		if len(s.output.Choices) > 0 {
			sr := s.output.Choices[0].StopReason
			chatSetMeta(t, "stop_reason", sr)
			t.Truncated = sr == "max_tokens" || sr == "model_length"
		}
	}
	for _, key := range []string{"scores", "metadata", "limit", "uuid", "working_time", "error_retries"} {
		v, ok := s.f[key]
		if !ok || chatIsNull(v) || string(v) == "{}" || string(v) == "[]" {
			continue
		}
		name := key
		switch key {
		case "metadata":
			name = "sample_metadata"
		case "limit":
			t.Truncated = true // a token, message or time limit stopped the sample
		}
		chatSetMeta(t, name, chatJSONText(v))
	}
	if e, ok := s.f["error"]; ok && !chatIsNull(e) {
		chatSetMeta(t, "sample_error", inspectErrorMessage(e))
	}
	if s.unresolved > 0 {
		chatSetMeta(t, "unresolved_attachments", strconv.Itoa(s.unresolved))
	}
}

// inspectErrorMessage reads an EvalError {message, traceback}, or any value.
func inspectErrorMessage(raw json.RawMessage) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Message != "" {
		return e.Message
	}
	return chatJSONText(raw)
}

// inspectSampleUsage totals model_usage over the sample's models, else the
// model events' usage, else the output's; latency is total_time.
func inspectSampleUsage(t *stepwise.Trace, s *inspectSample) error {
	var total inspectUsage
	found := false
	add := func(u inspectUsage) {
		total.InputTokens += u.InputTokens
		total.OutputTokens += u.OutputTokens
		total.ReasoningTokens += u.ReasoningTokens
		found = true
	}
	if v, ok := s.f["model_usage"]; ok && !chatIsNull(v) {
		var mu map[string]inspectUsage
		if err := json.Unmarshal(v, &mu); err != nil {
			return fmt.Errorf("model_usage: %s", inspectErrText(err))
		}
		for _, u := range mu {
			add(u)
		}
	}
	if !found {
		for _, u := range inspectEventUsage(s.f) {
			add(u)
		}
	}
	if !found && s.output != nil && s.output.Usage != nil {
		add(*s.output.Usage)
	}
	var latency float64
	if v, ok := s.f["total_time"]; ok && !chatIsNull(v) {
		if err := json.Unmarshal(v, &latency); err != nil {
			return fmt.Errorf("total_time: %s", inspectErrText(err))
		}
	}
	if found || latency > 0 {
		t.Usage = &stepwise.Usage{PromptTokens: total.InputTokens, CompletionTokens: total.OutputTokens,
			ReasoningTokens: total.ReasoningTokens, LatencySeconds: latency}
	}
	return nil
}

// inspectEventUsage reads the usage of every model event, in events or in an
// older log's transcript. Events are not imported as steps, so an event of
// an unexpected shape only contributes nothing to the totals.
func inspectEventUsage(f map[string]json.RawMessage) []inspectUsage {
	var events []json.RawMessage
	if v, ok := f["events"]; ok {
		_ = json.Unmarshal(v, &events)
	} else if v, ok := f["transcript"]; ok {
		var tr struct {
			Events []json.RawMessage `json:"events"`
		}
		_ = json.Unmarshal(v, &tr)
		events = tr.Events
	}
	var out []inspectUsage
	for _, e := range events {
		var ev struct {
			Event  string `json:"event"`
			Output *struct {
				Usage *inspectUsage `json:"usage"`
			} `json:"output"`
		}
		if json.Unmarshal(e, &ev) == nil && ev.Event == "model" && ev.Output != nil && ev.Output.Usage != nil {
			out = append(out, *ev.Output.Usage)
		}
	}
	return out
}

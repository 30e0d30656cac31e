package formats

import (
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Chat-shaped traces (OpenAI messages, LLaMA-Factory, ShareGPT, Inspect logs)
// are first normalized into chatMessage values by their codec, then laid out
// by one builder, so that every chat codec cuts steps and turns the same way:
// one turn section per message; one step per text, reasoning block, tool call
// and tool result; steps joined by a blank line in Raw.

// chatSep joins the steps of a chat trace in Raw.
const chatSep = "\n\n"

// chatSegmenter describes the layout in Trace.Segmenter.
const chatSegmenter = "chat messages: one step per text, reasoning, tool call and tool result, joined by blank lines"

// chatPartKind classifies one piece of a message.
type chatPartKind int

const (
	chatText       chatPartKind = iota // plain text (kind follows the role)
	chatReasoning                      // hidden reasoning: a thinking step
	chatToolCall                       // an assistant's tool call
	chatToolResult                     // one tool result with its own call id and name
)

// chatPart is one piece of a message in source order.
type chatPart struct {
	kind chatPartKind
	text string
	// tool is set on tool calls and on tool results.
	tool *stepwise.Tool
	// noted marks a part of a type the codec does not read, kept as text
	// naming the type; it is shown but is not problem text.
	noted bool
}

// chatMessage is one normalized message.
type chatMessage struct {
	// role is normalized: system, user, assistant, tool, or the source's own
	// name for roles outside these.
	role  string
	parts []chatPart
	// tool describes a tool message (call id, function name, error); its text
	// parts become tool results carrying a copy of it.
	tool *stepwise.Tool
}

// chatOutcome is what the builder learned while laying out the messages.
type chatOutcome struct {
	// problem is the text of the first user message ("" when there is none).
	problem string
	// answer is the final assistant text ("" when the conversation ends on a
	// tool call or has no assistant text).
	answer string
}

// chatRole maps the role spellings of the chat formats to one vocabulary.
func chatRole(role string) string {
	switch r := strings.ToLower(strings.TrimSpace(role)); r {
	case "human", "user":
		return "user"
	case "gpt", "assistant", "bot", "model", "function_call":
		return "assistant"
	case "tool", "observation", "function", "ipython":
		return "tool"
	case "system":
		return "system"
	default:
		return role
	}
}

// buildChat lays the messages out as t.Raw, t.Steps and t.Sections.
func buildChat(msgs []chatMessage, t *stepwise.Trace) chatOutcome {
	b := newStepBuilder(chatSep)
	var out chatOutcome
	problemFound := false
	m := newChatCallMatcher()
	for _, msg := range msgs {
		first := len(b.steps)
		start := b.mark()
		for _, p := range msg.parts {
			chatAddPart(b, msg, p, m)
		}
		if msg.role == "user" && !problemFound {
			out.problem, problemFound = chatMessageText(msg), true
		}
		sec := stepwise.Section{Kind: stepwise.SectionTurn, Title: chatSectionTitle(msg, b.steps[first:]),
			Span: stepwise.Span{Start: start, End: start}, FirstStep: first, EndStep: len(b.steps)}
		if first < len(b.steps) {
			sec.Span = stepwise.Span{Start: b.steps[first].Span.Start, End: b.steps[len(b.steps)-1].Span.End}
		}
		t.Sections = append(t.Sections, sec)
	}
	b.into(t, chatSegmenter)
	out.answer = chatMarkAnswer(t.Steps)
	return out
}

// chatAddPart adds the step for one part; empty text is not a step (an
// assistant message that only calls tools often has content "").
func chatAddPart(b *stepBuilder, msg chatMessage, p chatPart, m *chatCallMatcher) {
	switch p.kind {
	case chatToolCall:
		tool := *p.tool
		st := b.add(stepwise.StepToolCall, chatCallText(tool))
		st.Role, st.Tool = msg.role, &tool
		m.call(tool)
		return
	case chatToolResult:
		chatAddResult(b, msg.role, *p.tool, p.text, m)
		return
	}
	if msg.role == "tool" {
		tool := stepwise.Tool{}
		if msg.tool != nil {
			tool = *msg.tool
		}
		chatAddResult(b, msg.role, tool, p.text, m)
		return
	}
	if p.text == "" {
		return
	}
	kind := stepwise.StepMessage
	switch {
	case p.kind == chatReasoning:
		kind = stepwise.StepThinking
	case msg.role == "assistant":
		kind = stepwise.StepReasoning
	}
	b.add(kind, p.text).Role = msg.role
}

// chatAddResult adds one tool result. A result is always a step, even when
// empty, because it carries the call id, the tool name and any error.
func chatAddResult(b *stepBuilder, role string, tool stepwise.Tool, text string, m *chatCallMatcher) {
	m.result(&tool)
	if text == "" && tool.Error != "" {
		text = "error: " + tool.Error
	}
	st := b.add(stepwise.StepToolResult, text)
	st.Role, st.Tool = role, &tool
}

// chatCallText is the readable text of a call: name(arguments).
func chatCallText(t stepwise.Tool) string {
	name := t.Name
	if name == "" {
		name = "(unnamed tool)"
	}
	s := name + "(" + t.Arguments + ")"
	if t.Error != "" {
		s += " [" + t.Error + "]"
	}
	return s
}

// chatMessageText joins a message's plain text parts.
func chatMessageText(msg chatMessage) string {
	var texts []string
	for _, p := range msg.parts {
		if p.kind == chatText && p.text != "" && !p.noted {
			texts = append(texts, p.text)
		}
	}
	return strings.Join(texts, chatSep)
}

// chatSectionTitle is the role, with the tool names of a tool turn or of an
// assistant turn that calls tools.
func chatSectionTitle(msg chatMessage, steps []stepwise.Step) string {
	var names []string
	seen := map[string]bool{}
	for _, s := range steps {
		if s.Tool != nil && s.Tool.Name != "" && !seen[s.Tool.Name] {
			seen[s.Tool.Name] = true
			names = append(names, s.Tool.Name)
		}
	}
	if len(names) == 0 && msg.tool != nil && msg.tool.Name != "" {
		names = append(names, msg.tool.Name)
	}
	switch {
	case len(names) == 0:
		return msg.role
	case msg.role == "assistant":
		return "assistant → " + strings.Join(names, ", ")
	}
	return msg.role + ": " + strings.Join(names, ", ")
}

// chatMarkAnswer turns the last assistant text into the answer step, unless the
// assistant called a tool after it (the run was not finished).
func chatMarkAnswer(steps []stepwise.Step) string {
	for i := len(steps) - 1; i >= 0; i-- {
		s := &steps[i]
		if s.Role != "assistant" {
			continue
		}
		if s.Kind == stepwise.StepToolCall {
			return ""
		}
		if s.Kind == stepwise.StepReasoning {
			s.Kind = stepwise.StepAnswer
			return s.Text
		}
	}
	return ""
}

// chatCallMatcher fills the call id or tool name a result lacks from the calls
// it answers: by call id where the result has one, else in call order among
// the latest assistant turn's unanswered calls (LLaMA-Factory and ShareGPT
// results carry neither).
type chatCallMatcher struct {
	names       map[string]string
	pending     []stepwise.Tool
	lastWasCall bool
}

func newChatCallMatcher() *chatCallMatcher { return &chatCallMatcher{names: map[string]string{}} }

func (m *chatCallMatcher) call(t stepwise.Tool) {
	if !m.lastWasCall {
		m.pending = m.pending[:0]
	}
	m.lastWasCall = true
	if t.CallID != "" {
		m.names[t.CallID] = t.Name
	}
	m.pending = append(m.pending, t)
}

func (m *chatCallMatcher) result(t *stepwise.Tool) {
	m.lastWasCall = false
	if t.CallID != "" {
		if t.Name == "" {
			t.Name = m.names[t.CallID]
		}
		for i, c := range m.pending {
			if c.CallID == t.CallID {
				m.pending = append(m.pending[:i], m.pending[i+1:]...)
				break
			}
		}
		return
	}
	if len(m.pending) == 0 {
		return
	}
	c := m.pending[0]
	m.pending = m.pending[1:]
	if t.Name == "" || t.Name == c.Name {
		t.Name, t.CallID = c.Name, c.CallID
	}
}

// chatProblemText picks the problem of a conversation: the first user
// message, else the conversation's id, else the first text of any message.
func chatProblemText(out chatOutcome, id string, t *stepwise.Trace) string {
	if strings.TrimSpace(out.problem) != "" {
		return out.problem
	}
	if id != "" {
		return id
	}
	for _, s := range t.Steps {
		if strings.TrimSpace(s.Text) != "" {
			return s.Text
		}
	}
	return "(empty conversation)"
}

// chatDataset names a chat dataset after its family and file: chat files are
// user data, so two files should not merge into one dataset by default.
func chatDataset(opts *Options, family, path string) string {
	stem := chatFileStem(path)
	return pick(opts.Dataset, family+"/"+stem, stem != "", family)
}

// chatFileStem is a file's base name without its data extensions.
func chatFileStem(path string) string { return FileStem(path) }

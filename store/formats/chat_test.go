package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// kindCounts counts the steps of every trace by kind.
func kindCounts(items []Item) map[stepwise.StepKind]int {
	n := map[stepwise.StepKind]int{}
	for _, it := range items {
		for _, s := range it.Trace.Steps {
			n[s.Kind]++
		}
	}
	return n
}

// checkSections verifies that the turn sections tile the steps in order and
// that each section span covers exactly its steps.
func checkSections(t *testing.T, tr *stepwise.Trace) {
	t.Helper()
	next := 0
	for i, sec := range tr.Sections {
		if sec.Kind != stepwise.SectionTurn || sec.FirstStep != next || sec.EndStep < sec.FirstStep {
			t.Fatalf("%s: section %d %+v does not follow step %d", tr.SourceID, i, sec, next)
		}
		if sec.EndStep > sec.FirstStep {
			first, last := tr.Steps[sec.FirstStep], tr.Steps[sec.EndStep-1]
			if sec.Span.Start != first.Span.Start || sec.Span.End != last.Span.End {
				t.Fatalf("%s: section %d span %v, steps %v..%v", tr.SourceID, i, sec.Span, first.Span, last.Span)
			}
		}
		next = sec.EndStep
	}
	if next != len(tr.Steps) {
		t.Fatalf("%s: sections end at step %d of %d", tr.SourceID, next, len(tr.Steps))
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenAIChatFromInspect(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "extracted", "openai_chat_from_inspect.jsonl")
	items := readAll(t, path, "", nil)
	if len(items) != 5 {
		t.Fatalf("got %d traces, want 5", len(items))
	}
	tr := items[0].Trace
	if tr.Source.Format != "openai-chat" {
		t.Fatalf("detected %q", tr.Source.Format)
	}
	if tr.SourceID != "evallog_v2_browser_agent_toolcalls.json#sample1/event36" || tr.Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("id %q model %q", tr.SourceID, tr.Model)
	}
	if tr.Dataset != "openai-chat/openai_chat_from_inspect" {
		t.Errorf("dataset %q", tr.Dataset)
	}
	// 10 messages: user, 4 x (assistant call, tool result), final assistant.
	if len(tr.Steps) != 10 || len(tr.Sections) != 10 {
		t.Fatalf("%d steps, %d sections", len(tr.Steps), len(tr.Sections))
	}
	c := tr.Steps[1]
	if c.Kind != stepwise.StepToolCall || c.Tool.Name != "web_browser_go" || c.Tool.CallID != "call_35FTpd6shR9efioDgeEBZ33s" ||
		c.Tool.Arguments != `{"url": "https://www.aisi.gov.uk/"}` || c.Text != `web_browser_go({"url": "https://www.aisi.gov.uk/"})` {
		t.Errorf("first call %+v %q", c.Tool, c.Text)
	}
	r := tr.Steps[2]
	if r.Kind != stepwise.StepToolResult || r.Tool.CallID != c.Tool.CallID || r.Tool.Name != "web_browser_go" ||
		!strings.HasPrefix(r.Text, `[132] link "We are now the AI Security Institute"`) {
		t.Errorf("first result %+v %.60q", r.Tool, r.Text)
	}
	if a := tr.Steps[9]; a.Kind != stepwise.StepAnswer || !strings.HasPrefix(a.Text, "The AI Security Institute (AISI) is the premier") ||
		tr.FinalAnswer != a.Text {
		t.Errorf("answer %s %.50q", a.Kind, a.Text)
	}
	if tr.Usage == nil || tr.Usage.PromptTokens != 5915 || tr.Usage.CompletionTokens != 207 {
		t.Errorf("usage %+v", tr.Usage)
	}
	if !strings.Contains(tr.Meta["tools"], `"name":"web_browser_go"`) || strings.Contains(tr.Meta["tools"], "attachment://") {
		t.Errorf("tools meta %.100q", tr.Meta["tools"])
	}
	if tr.Sections[1].Title != "assistant → web_browser_go" || tr.Sections[2].Title != "tool: web_browser_go" {
		t.Errorf("titles %q %q", tr.Sections[1].Title, tr.Sections[2].Title)
	}
	if !strings.HasPrefix(items[0].Problem.Text, "Use the web browser tool to navigate to https://www.aisi.gov.uk/.") {
		t.Errorf("problem %.60q", items[0].Problem.Text)
	}
	for _, it := range items {
		checkSections(t, it.Trace)
		if strings.Contains(it.Trace.Raw, "attachment://") {
			t.Errorf("%s: unresolved attachment in raw", it.Trace.SourceID)
		}
	}
	// The grader call: one user prompt, one reply.
	g := items[2].Trace
	if len(g.Steps) != 2 || g.Steps[0].Role != "user" || g.Steps[1].Kind != stepwise.StepAnswer || g.Usage.CompletionTokens != 143 {
		t.Errorf("grader call: %d steps, usage %+v", len(g.Steps), g.Usage)
	}
}

func TestOpenAIChatVariants(t *testing.T) {
	items := readAll(t, filepath.Join("..", "..", "testdata", "constructed", "openai_chat_variants.jsonl"), "", nil)
	if len(items) != 4 {
		t.Fatalf("got %d traces", len(items))
	}
	for _, it := range items {
		checkSections(t, it.Trace)
		if it.Trace.Source.Format != "openai-chat" {
			t.Fatalf("detected %q", it.Trace.Source.Format)
		}
	}
	// c1: reasoning_content is a thinking step before the answer; an unknown
	// part type is kept as text naming it.
	tr := items[0].Trace
	want := []struct {
		kind stepwise.StepKind
		role string
		text string
	}{
		{stepwise.StepMessage, "system", "You are a careful math tutor."},
		{stepwise.StepMessage, "user", "What is 17 * 3?"},
		{stepwise.StepMessage, "user", `[image_url part] {"type":"image_url","image_url":{"url":"https://example.invalid/a.png"}}`},
		{stepwise.StepThinking, "assistant", "17 * 3 = 51. Check: 51 / 3 = 17."},
		{stepwise.StepAnswer, "assistant", "17 * 3 = 51."},
	}
	if len(tr.Steps) != len(want) {
		t.Fatalf("c1: %d steps", len(tr.Steps))
	}
	for i, w := range want {
		s := tr.Steps[i]
		if s.Kind != w.kind || s.Role != w.role || s.Text != w.text {
			t.Errorf("c1 step %d: %s %s %q, want %s %s %q", i, s.Kind, s.Role, s.Text, w.kind, w.role, w.text)
		}
	}
	if items[0].Problem.Text != "What is 17 * 3?" || tr.Usage.ReasoningTokens != 18 || tr.Model != "deepseek-reasoner" {
		t.Errorf("c1 problem %q usage %+v model %q", items[0].Problem.Text, tr.Usage, tr.Model)
	}
	// c2: results answered out of order keep their own call ids and names.
	tr = items[1].Trace
	if len(tr.Steps) != 6 || tr.Steps[3].Tool.CallID != "call_b" || tr.Steps[3].Text != "Oslo: 3C" ||
		tr.Steps[4].Tool.CallID != "call_a" || tr.Steps[4].Tool.Name != "get_weather" || tr.Steps[4].Text != "Paris: 12C" {
		t.Fatalf("c2 steps: %+v", tr.Steps)
	}
	if tr.Steps[2].Text != `get_weather({"city": "Oslo"})` || tr.Meta["temperature"] != "0.2" || !strings.Contains(tr.Meta["tools"], "get_weather") {
		t.Errorf("c2 call %q meta %v", tr.Steps[2].Text, tr.Meta)
	}
	// c3: a legacy function_call, a role "function" result, a refusal.
	tr = items[2].Trace
	if len(tr.Steps) != 4 || tr.Steps[1].Text != `lookup({"key": "secret"})` || tr.Steps[2].Kind != stepwise.StepToolResult ||
		tr.Steps[2].Tool.Name != "lookup" || tr.Steps[3].Text != "[refusal] I can't share that." || tr.Steps[3].Kind != stepwise.StepAnswer {
		t.Errorf("c3 steps: %+v", tr.Steps)
	}
	// c4: the run ends on a tool call, so nothing is the answer; with no user
	// message the problem is the conversation id.
	tr = items[3].Trace
	if tr.FinalAnswer != "" || tr.Steps[1].Kind != stepwise.StepReasoning || items[3].Problem.Text != "c4-ends-on-call" {
		t.Errorf("c4: answer %q kind %s problem %q", tr.FinalAnswer, tr.Steps[1].Kind, items[3].Problem.Text)
	}
}

func TestOpenAIChatBareArrayAndErrors(t *testing.T) {
	// A file holding a list of conversations, each a bare messages list:
	// accepted when the format is forced.
	p := writeTemp(t, "bare.json", `[[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]]`)
	items := readAll(t, p, "openai-chat", nil)
	if len(items) != 1 || len(items[0].Trace.Steps) != 2 || items[0].Trace.FinalAnswer != "hello" {
		t.Fatalf("bare array: %d items", len(items))
	}
	bad := `{"messages":[{"role":"user","content":"ok"}]}
{"messages":[{"role":"user","content":"a"},{"content":"no role"}]}
{"messages":[{"role":"user","content":5}]}
{"messages":"x"}
{"messages":[{"role":"assistant","tool_calls":[{"id":"1","function":7}]}]}
`
	_, errs := readAllErrs(t, writeTemp(t, "bad.jsonl", bad), "", nil)
	want := []string{"bad.jsonl:2: messages[1]: missing role", "bad.jsonl:3: messages[0]: content: expected a string, null or a list of parts",
		"bad.jsonl:4: messages: expected a list", "bad.jsonl:5: messages[0]: tool_calls[0]: function: expected an object or a name"}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want it to contain %q", i, errs[i], w)
		}
	}
}

// FuzzDecodeOpenAIChat feeds arbitrary records to the codec: no panic, and
// finish() accepts whatever Decode returns.
func FuzzDecodeOpenAIChat(f *testing.F) {
	f.Add([]byte(`{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"a"}],"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}]}`))
	f.Add([]byte(`{"messages":[{"role":"assistant","reasoning_content":"r","content":null,"refusal":"no","function_call":{"name":"x","arguments":{"a":1}}}],"usage":{"prompt_tokens":1}}`))
	f.Add([]byte(`[{"role":"user","content":[{"type":"image_url"},"s",{"type":"reasoning","summary":"x"}]}]`))
	fuzzCodec(f, openAIChat{})
}

// fuzzCodec runs one codec's Decode and finish on arbitrary bytes.
func fuzzCodec(f *testing.F, c Codec) {
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := c.Decode(Record{Data: data, Path: "fuzz.json", Line: 1}, &Options{})
		if err != nil {
			return
		}
		for i := range items {
			if err := finish(&items[i]); err != nil {
				t.Fatalf("finish: %v", err)
			}
			checkSections(t, items[i].Trace)
		}
	})
}

// TestChatFormatsDetectionAcrossSamples opens every sample file: the files of
// this family's formats must be detected as theirs, and no other file may be.
func TestChatFormatsDetectionAcrossSamples(t *testing.T) {
	want := map[string]string{
		"toolcall/reason_tool_use_demo_first30.jsonl":                    "llamafactory",
		"toolcall/glaive_toolcall_en_demo_first100.json":                 "sharegpt",
		"inspect_ai/evallog_v2_browser_agent_toolcalls.json":             "inspect",
		"inspect_ai/evallog_v2_log_formats.json":                         "inspect",
		"inspect_ai/evallog_v2_model_graded_fact.json":                   "inspect",
		"inspect_ai/evallog_v2_popularity_multisample.json":              "inspect",
		"inspect_ai/evallog_v2_tool_call_errors.json":                    "inspect",
		"inspect_ai/eval_zip_members_log_formats/samples/1_epoch_1.json": "inspect",
	}
	mine := map[string]bool{"llamafactory": true, "sharegpt": true, "inspect": true, "openai-chat": true}
	seen := 0
	err := filepath.Walk(samples, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, p)
		rel = filepath.ToSlash(rel)
		in, err := Open(p, "")
		got := ""
		if err == nil {
			got = in.Codec.Name()
			in.Close()
		}
		if w, ok := want[rel]; ok {
			seen++
			if got != w {
				t.Errorf("%s: detected %q (%v), want %q", rel, got, err, w)
			}
		} else if mine[got] {
			t.Errorf("%s: wrongly detected as %q", rel, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("saw %d of %d expected files", seen, len(want))
	}
}

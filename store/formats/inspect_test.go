package formats

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// noRefs fails when any stored text of an item still holds an Inspect
// attachment reference.
func noRefs(t *testing.T, it Item) {
	t.Helper()
	tr := it.Trace
	texts := []string{tr.Raw, tr.FinalAnswer, it.Problem.Text, it.Problem.GoldAnswer}
	for _, s := range tr.Steps {
		texts = append(texts, s.Text)
		if s.Tool != nil {
			texts = append(texts, s.Tool.Arguments, s.Tool.Error)
		}
	}
	for _, l := range tr.Labels {
		texts = append(texts, l.Reason, l.Category)
	}
	for _, v := range tr.Meta {
		texts = append(texts, v)
	}
	for _, s := range texts {
		if strings.Contains(s, "attachment://") || strings.Contains(s, "tc://") {
			t.Fatalf("%s: unresolved reference in %.80q", tr.SourceID, s)
		}
	}
}

func TestInspectBrowserAgent(t *testing.T) {
	items := readAll(t, sample("inspect_ai", "evallog_v2_browser_agent_toolcalls.json"), "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d traces", len(items))
	}
	it := items[0]
	tr := it.Trace
	noRefs(t, it)
	checkSections(t, tr)
	if tr.Source.Format != "inspect" || tr.SourceID != "1/epoch1" || tr.Sample != 0 || tr.Dataset != "inspect/browser" ||
		tr.Model != "openai/gpt-4o-mini" || tr.Source.Line != 181 {
		t.Fatalf("trace %q %q %d %q %q line %d", tr.Source.Format, tr.SourceID, tr.Sample, tr.Dataset, tr.Model, tr.Source.Line)
	}
	got := kindCounts(items)
	if len(tr.Steps) != 10 || got[stepwise.StepToolCall] != 4 || got[stepwise.StepToolResult] != 4 || got[stepwise.StepAnswer] != 1 {
		t.Fatalf("steps %d %v", len(tr.Steps), got)
	}
	c := tr.Steps[3]
	if c.Tool.Name != "web_browser_click" || c.Tool.Arguments != `{"element_id":151}` || c.Tool.CallID != "call_O6fzXOPUvPtYflWdOH94RTWy" ||
		c.Text != `web_browser_click({"element_id":151})` {
		t.Errorf("call %+v", c.Tool)
	}
	if r := tr.Steps[4]; r.Tool.CallID != c.Tool.CallID || r.Tool.Name != "web_browser_click" || !strings.HasPrefix(r.Text, `[793] link "We are now the AI Security Institute"`) {
		t.Errorf("result %+v %.40q", r.Tool, r.Text)
	}
	if tr.Correct == nil || !*tr.Correct || tr.CorrectBy != "inspect score includes: C" {
		t.Errorf("correct %v by %q", tr.Correct, tr.CorrectBy)
	}
	if !strings.HasPrefix(tr.FinalAnswer, "the ai security institute (aisi) is the premier") {
		t.Errorf("final answer is not the scorer's answer: %.50q", tr.FinalAnswer)
	}
	if u := tr.Usage; u == nil || u.PromptTokens != 15235 || u.CompletionTokens != 281 || u.LatencySeconds != 18.517 {
		t.Errorf("usage %+v", u)
	}
	if len(tr.Labels) != 1 || tr.Labels[0].Source != "inspect.scores.includes" || tr.Labels[0].Rating != stepwise.Good ||
		tr.Labels[0].Origin != stepwise.OriginAutomatic || tr.Labels[0].Scope != stepwise.ScopeTrace {
		t.Errorf("labels %+v", tr.Labels)
	}
	if tr.Meta["log_status"] != "success" || tr.Meta["working_time"] != "18.36" || tr.Meta["stop_reason"] != "stop" ||
		!strings.HasPrefix(tr.Meta["scores"], `{"includes":{"value":"C"`) {
		t.Errorf("meta %v", tr.Meta)
	}
	if !strings.HasPrefix(it.Problem.Text, "Use the web browser tool to navigate to https://www.aisi.gov.uk/.") || it.Problem.SourceID != "1" {
		t.Errorf("problem %.50q %q", it.Problem.Text, it.Problem.SourceID)
	}
}

func TestInspectResolveBrowserEvents(t *testing.T) {
	// The browser sample's events hold 93 references (counted with python);
	// resolving must leave none and change the event text to the attachment.
	data, err := os.ReadFile(sample("inspect_ai", "evallog_v2_browser_agent_toolcalls.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"attachment://`); n != 93 {
		t.Fatalf("sample has %d references, want 93", n)
	}
	_, samples, err := splitInspectLog(data)
	if err != nil || len(samples) != 1 {
		t.Fatalf("split: %v, %d samples", err, len(samples))
	}
	s, err := readInspectSample(samples[0].raw)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range s.f {
		if k != "attachments" && strings.Contains(string(v), "attachment://") {
			t.Errorf("field %s still has references", k)
		}
	}
	if s.unresolved != 0 || !strings.Contains(string(s.f["events"]), `"content":"Use the web browser tool to navigate`) &&
		!strings.Contains(string(s.f["events"]), `"content": "Use the web browser tool to navigate`) {
		t.Errorf("unresolved %d, or the user message event was not resolved", s.unresolved)
	}
}

func TestInspectResolveTranscriptRefs(t *testing.T) {
	// The archive member writes its events with tc:// references (8, counted
	// with python) into sample.attachments.
	data, err := os.ReadFile(sample("inspect_ai", "eval_zip_members_log_formats", "samples", "1_epoch_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"tc://`); n != 8 {
		t.Fatalf("member has %d references, want 8", n)
	}
	s, err := readInspectSample(data)
	if err != nil {
		t.Fatal(err)
	}
	if ev := string(s.f["events"]); strings.Contains(ev, "tc://") || !strings.Contains(ev, `Please note: In the following EXERCISE`) {
		t.Errorf("events not resolved: %.200s", ev)
	}
}

func TestInspectCancelledMultisample(t *testing.T) {
	items := readAll(t, sample("inspect_ai", "evallog_v2_popularity_multisample.json"), "", nil)
	if len(items) != 3 {
		t.Fatalf("got %d traces, want 3", len(items))
	}
	want := []struct {
		id, gold, answer string
		correct          bool
		line             int
		input            int
	}{{"1/epoch1", " Yes", "Yes", true, 123, 64}, {"2/epoch1", " No", "No", true, 520, 58}, {"3/epoch1", " Yes", "No", false, 913, 70}}
	for i, w := range want {
		it := items[i]
		tr := it.Trace
		noRefs(t, it)
		if tr.SourceID != w.id || it.Problem.GoldAnswer != w.gold || tr.FinalAnswer != w.answer || tr.Source.Line != w.line {
			t.Errorf("sample %d: %q gold %q answer %q line %d", i, tr.SourceID, it.Problem.GoldAnswer, tr.FinalAnswer, tr.Source.Line)
		}
		if tr.Correct == nil || *tr.Correct != w.correct || tr.Meta["log_status"] != "cancelled" || tr.Usage.PromptTokens != w.input {
			t.Errorf("sample %d: correct %v status %q usage %+v", i, tr.Correct, tr.Meta["log_status"], tr.Usage)
		}
		if len(tr.Steps) != 3 || tr.Steps[0].Role != "system" || tr.Steps[2].Kind != stepwise.StepAnswer {
			t.Errorf("sample %d: steps %+v", i, tr.Steps)
		}
	}
	if items[0].Trace.Meta["sample_metadata"] != `{"label_confidence":0.8860552919198255,"nested":{"foo":"bar"}}` {
		t.Errorf("metadata %q", items[0].Trace.Meta["sample_metadata"])
	}
}

func TestInspectModelGradedAndOldTranscript(t *testing.T) {
	items := readAll(t, sample("inspect_ai", "evallog_v2_model_graded_fact.json"), "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d", len(items))
	}
	tr := items[0].Trace
	noRefs(t, items[0])
	if l := tr.Labels[0]; l.Origin != stepwise.OriginModel || l.Rating != stepwise.Good || !strings.HasPrefix(l.Reason, "The submission provides a factual response") {
		t.Errorf("judge label %+v", l)
	}
	if tr.Correct == nil || !*tr.Correct || tr.Usage.PromptTokens != 274 || tr.Usage.CompletionTokens != 189 || len(tr.Steps) != 3 {
		t.Errorf("correct %v usage %+v steps %d", tr.Correct, tr.Usage, len(tr.Steps))
	}
	// The older log keeps its events in transcript, with tc:// references.
	items = readAll(t, sample("inspect_ai", "evallog_v2_log_formats.json"), "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d", len(items))
	}
	tr = items[0].Trace
	noRefs(t, items[0])
	if tr.Correct == nil || *tr.Correct || tr.CorrectBy != "inspect score match: I" || tr.FinalAnswer != "No" ||
		tr.Model != "ollama/llama3.1" || tr.Usage.PromptTokens != 66 || tr.Usage.CompletionTokens != 2 {
		t.Errorf("old log: correct %v %q answer %q model %q usage %+v", tr.Correct, tr.CorrectBy, tr.FinalAnswer, tr.Model, tr.Usage)
	}
}

func TestInspectToolCallErrors(t *testing.T) {
	items := readAll(t, sample("inspect_ai", "evallog_v2_tool_call_errors.json"), "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d", len(items))
	}
	tr := items[0].Trace
	if tr.SourceID != "1/epoch4" || tr.Sample != 3 || tr.Correct != nil || len(tr.Labels) != 0 {
		t.Errorf("id %q sample %d correct %v", tr.SourceID, tr.Sample, tr.Correct)
	}
	types := []string{"parsing", "timeout", "parsing", "unicode_decode", "permission", "file_not_found", "is_a_directory",
		"limit", "approval", "unknown", "output_limit"}
	if len(tr.Steps) != len(types) {
		t.Fatalf("%d steps", len(tr.Steps))
	}
	for i, typ := range types {
		s := tr.Steps[i]
		if s.Kind != stepwise.StepToolResult || s.Tool.Name != "bash" || !strings.HasPrefix(s.Tool.Error, typ+": ") {
			t.Errorf("step %d: %s %+v", i, s.Kind, s.Tool)
		}
	}
	if e := tr.Steps[10].Tool.Error; e != "output_limit: The tool output limit of 10 MiB was exceeded." {
		t.Errorf("last error %q", e)
	}
	// No user message: the problem is the sample's input.
	if items[0].Problem.Text != "..." {
		t.Errorf("problem %q", items[0].Problem.Text)
	}
}

func TestInspectConstructedSample(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "constructed", "inspect_sample_attachments.json")
	items := readAll(t, path, "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d", len(items))
	}
	it := items[0]
	tr := it.Trace
	noRefs(t, it)
	checkSections(t, tr)
	if tr.Source.Format != "inspect" || tr.SourceID != "q-7/epoch2" || tr.Sample != 1 || tr.Dataset != "inspect" || tr.Model != "m-large" {
		t.Fatalf("trace %q %q %d %q %q", tr.Source.Format, tr.SourceID, tr.Sample, tr.Dataset, tr.Model)
	}
	want := []struct {
		kind stepwise.StepKind
		text string
	}{
		{stepwise.StepMessage, "Solve it."},
		{stepwise.StepMessage, "What is 6 * 7? Show the steps."},
		{stepwise.StepThinking, "6 * 7 = 42 because 6 * 7 = 6 * 5 + 6 * 2 = 30 + 12."},
		{stepwise.StepThinking, "[redacted reasoning]\nchecked the sum"},
		{stepwise.StepReasoning, "I will compute it with the tool."},
		{stepwise.StepReasoning, `[image part] {"type":"image","image":"data:image/png;base64,AAAA"}`},
		{stepwise.StepToolCall, `python({"code":"print(6 * 7)"})`},
		{stepwise.StepToolCall, `python({}) [parse error: Expecting value: line 1 column 1]`},
		{stepwise.StepToolResult, "42\n"},
		{stepwise.StepToolResult, "error: parsing: could not parse arguments"},
		{stepwise.StepAnswer, "The answer is 42 (see print(6 * 7))."},
	}
	if len(tr.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(tr.Steps), len(want))
	}
	for i, w := range want {
		if s := tr.Steps[i]; s.Kind != w.kind || s.Text != w.text {
			t.Errorf("step %d: %s %q, want %s %q", i, s.Kind, s.Text, w.kind, w.text)
		}
	}
	if r := tr.Steps[9].Tool; r.CallID != "t2" || r.Name != "python" {
		t.Errorf("error result %+v", r)
	}
	if it.Problem.Text != "What is 6 * 7? Show the steps." || it.Problem.GoldAnswer != "42 | forty-two" || tr.Meta["target"] != `["42","forty-two"]` {
		t.Errorf("problem %q gold %q", it.Problem.Text, it.Problem.GoldAnswer)
	}
	// Scorers without a log header go by name: exact (1.0) decides.
	if tr.Correct == nil || !*tr.Correct || tr.CorrectBy != "inspect score exact: 1.0" || tr.FinalAnswer != "42" {
		t.Errorf("correct %v by %q answer %q", tr.Correct, tr.CorrectBy, tr.FinalAnswer)
	}
	labels := map[string]stepwise.Label{}
	for _, l := range tr.Labels {
		labels[l.Source] = l
	}
	if l := labels["inspect.scores.judge"]; l.Rating != stepwise.Bad || l.Origin != stepwise.OriginModel {
		t.Errorf("judge %+v", l)
	}
	if l := labels["inspect.scores.partial_credit"]; l.Rating != stepwise.Neutral || l.Reason != "6 * 7 = 42 because 6 * 7 = 6 * 5 + 6 * 2 = 30 + 12." {
		t.Errorf("partial %+v", l)
	}
	if !tr.Truncated || tr.Meta["limit"] != `{"type":"token","limit":1000}` {
		t.Errorf("truncated %v limit %q", tr.Truncated, tr.Meta["limit"])
	}
	// model_usage (two models) wins over the events and the output.
	if u := tr.Usage; u.PromptTokens != 110 || u.CompletionTokens != 55 || u.ReasoningTokens != 20 || u.LatencySeconds != 3.5 {
		t.Errorf("usage %+v", u)
	}
}

// zipDir writes the files under dir into a new zip archive, skipping skip.
func zipDir(t *testing.T, dir, out string, skip string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		name, _ := filepath.Rel(dir, p)
		name = filepath.ToSlash(name)
		if name == skip {
			return nil
		}
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestInspectEvalZip(t *testing.T) {
	members := sample("inspect_ai", "eval_zip_members_log_formats")
	path := filepath.Join(t.TempDir(), "log_formats.eval")
	zipDir(t, members, path, "")
	in, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	in.Close()
	if in.Codec.Name() != "inspect" {
		t.Fatalf("codec %q", in.Codec.Name())
	}
	items := readAll(t, path, "", nil)
	if len(items) != 1 {
		t.Fatalf("got %d traces", len(items))
	}
	it := items[0]
	tr := it.Trace
	noRefs(t, it)
	if tr.SourceID != "1/epoch1" || tr.Dataset != "inspect/popularity" || tr.Model != "ollama/llama3.1" ||
		tr.Source.Path != path+"!samples/1_epoch_1.json" || tr.Meta["log_status"] != "success" {
		t.Errorf("trace %q %q %q %q %v", tr.SourceID, tr.Dataset, tr.Model, tr.Source.Path, tr.Meta)
	}
	if tr.Correct == nil || *tr.Correct || tr.FinalAnswer != "No" || it.Problem.GoldAnswer != " Yes" || len(tr.Steps) != 3 {
		t.Errorf("correct %v answer %q gold %q steps %d", tr.Correct, tr.FinalAnswer, it.Problem.GoldAnswer, len(tr.Steps))
	}
	// model_usage is {} in this member: usage comes from the model event.
	if tr.Usage == nil || tr.Usage.PromptTokens != 66 || tr.Usage.CompletionTokens != 2 {
		t.Errorf("usage %+v", tr.Usage)
	}
	// An unfinished run has only its journal: still imported, marked started.
	path2 := filepath.Join(t.TempDir(), "unfinished.eval")
	zipDir(t, members, path2, "header.json")
	items = readAll(t, path2, "", nil)
	if len(items) != 1 || items[0].Trace.Meta["log_status"] != "started" || items[0].Trace.Dataset != "inspect/popularity" {
		t.Fatalf("journal-only archive: %d items", len(items))
	}
}

func TestInspectDetectionAndErrors(t *testing.T) {
	for _, f := range []string{"evallog_v2_browser_agent_toolcalls.json", "evallog_v2_log_formats.json", "evallog_v2_model_graded_fact.json",
		"evallog_v2_popularity_multisample.json", "evallog_v2_tool_call_errors.json", "eval_zip_members_log_formats/samples/1_epoch_1.json"} {
		in, err := Open(sample("inspect_ai", f), "")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if in.Codec.Name() != "inspect" {
			t.Errorf("%s detected as %q", f, in.Codec.Name())
		}
		in.Close()
	}
	// A header alone (outside its log) is not detected (no samples), and
	// says why when forced.
	hdr, err := os.ReadFile(sample("inspect_ai", "eval_zip_members_log_formats", "header.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := readAllErrs(t, writeTemp(t, "header.json", string(hdr)), "inspect", nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "holds no samples") {
		t.Errorf("header only: %v", errs)
	}
	// A bad sample is reported at its own line, with its index; the other
	// samples of the log are imported.
	log := "{\n\"version\": 2,\n\"eval\": {\"task\": \"t\"},\n\"samples\": [\n{\"id\": 1, \"epoch\": 1, \"input\": \"q\", \"messages\": []},\n" +
		"{\"id\": 2, \"epoch\": 1, \"input\": \"q\",\n \"messages\": [{\"content\": \"no role\"}]},\n{\"id\": 3, \"epoch\": 1, \"input\": \"q\", \"messages\": []}\n]}\n"
	items, errs := readAllErrs(t, writeTemp(t, "bad.json", log), "", nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "bad.json:6: samples[1]: messages[0]: missing role") {
		t.Errorf("bad sample: %v", errs)
	}
	if len(items) != 2 || items[0].Trace.SourceID == items[1].Trace.SourceID {
		t.Errorf("the good samples of the log: %d items", len(items))
	}
	log2 := `{"version": 2, "eval": {}, "samples": [{"id": 1, "messages": [{"role": "user", "content": "x"}], "scores": {"a": 3}}]}`
	_, errs = readAllErrs(t, writeTemp(t, "bad2.json", log2), "", nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "samples[0]: scores: expected an object, found JSON number") {
		t.Errorf("bad scores: %v", errs)
	}
}

func FuzzDecodeInspect(f *testing.F) {
	f.Add([]byte(`{"version":2,"status":"error","eval":{"task":"t","model":"m"},"results":{"scores":[{"name":"s"}]},"samples":[{"id":1,"epoch":1,"input":[{"role":"user","content":"attachment://0123456789abcdef0123456789abcdef"}],"target":["a"],"messages":[{"role":"assistant","content":[{"type":"reasoning","reasoning":"r"}],"tool_calls":[{"id":"x","function":"f","arguments":{"a":1},"parse_error":"p"}]},{"role":"tool","tool_call_id":"x","function":"f","content":"","error":{"type":"timeout","message":"m"}}],"scores":{"s":{"value":0.5,"answer":"a"}},"attachments":{"0123456789abcdef0123456789abcdef":"q"}}]}`))
	f.Add([]byte(`{"id":"s","epoch":0,"input":"q","target":"t","messages":[],"output":{"choices":[{"message":{"role":"assistant","content":"tc://x"},"stop_reason":"max_tokens"}]},"transcript":{"events":[{"event":"model","output":{"usage":{"input_tokens":1}}}],"content":{"x":"y"}}}`))
	fuzzCodec(f, inspectLog{})
}

// TestInspectUnzippedLog: the members of an unzipped .eval log read as the
// zip does — the sample with the log's header (task and model read here
// from header.json) — and the other members are companions, not errors.
func TestInspectUnzippedLog(t *testing.T) {
	root := sample("inspect_ai", "eval_zip_members_log_formats")
	var hdr struct {
		Eval struct{ Task, Model string }
	}
	b, err := os.ReadFile(filepath.Join(root, "header.json"))
	if err != nil || json.Unmarshal(b, &hdr) != nil || hdr.Eval.Task == "" {
		t.Fatalf("header: %v", err)
	}
	items := readAll(t, filepath.Join(root, "samples", "1_epoch_1.json"), "", nil)
	if len(items) != 1 || items[0].Trace.Dataset != "inspect/"+hdr.Eval.Task || items[0].Trace.Model != hdr.Eval.Model {
		t.Fatalf("sample member: %d items %+v", len(items), items)
	}
	for _, m := range []string{"header.json", "summaries.json", "reductions.json", "_journal/start.json", "_journal/summaries/1.json"} {
		_, err := Open(filepath.Join(root, filepath.FromSlash(m)), "")
		var ce *CompanionError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a companion", m, err)
		}
	}
}

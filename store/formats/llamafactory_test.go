package formats

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestLlamaFactoryReasonToolUse(t *testing.T) {
	items := readAll(t, sample("toolcall", "reason_tool_use_demo_first30.jsonl"), "", nil)
	if len(items) != 30 {
		t.Fatalf("got %d traces, want 30", len(items))
	}
	if f := items[0].Trace.Source.Format; f != "llamafactory" {
		t.Fatalf("detected %q", f)
	}
	// Counted with python: 74 system+user texts, 74 reasoning parts, 48
	// tool_call parts, 34 results (tool texts listing several results split
	// into one each), 36 assistant texts of which 22 end their conversation.
	want := map[stepwise.StepKind]int{stepwise.StepMessage: 74, stepwise.StepThinking: 74, stepwise.StepToolCall: 48,
		stepwise.StepToolResult: 34, stepwise.StepAnswer: 22, stepwise.StepReasoning: 14}
	got := kindCounts(items)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s steps: %d, want %d", k, got[k], n)
		}
	}
	for _, it := range items {
		checkSections(t, it.Trace)
		if it.Trace.Meta["tools"] == "" || it.Trace.Dataset != "llamafactory/reason_tool_use_demo_first30" {
			t.Fatalf("tools meta or dataset missing: %q", it.Trace.Dataset)
		}
	}
	tr := items[0].Trace
	if items[0].Problem.Text != "What are the schools near latitude 40 and longitude -75?" ||
		!strings.HasPrefix(tr.Meta["tools"], `[{"type": "function", "function": {"name": "get_device_asset_by_identifier", "de`) {
		t.Errorf("record 1: problem %q tools %.60q", items[0].Problem.Text, tr.Meta["tools"])
	}
	if tr.Steps[0].Role != "system" || tr.Steps[2].Kind != stepwise.StepThinking ||
		!strings.HasPrefix(tr.Steps[2].Text, "Okay, the user is asking for schools near latitude 40") {
		t.Errorf("record 1 steps: %s %s %.40q", tr.Steps[0].Role, tr.Steps[2].Kind, tr.Steps[2].Text)
	}
	// Record 3: two parallel calls, then one tool message listing both results.
	tr = items[2].Trace
	calls := []string{`circle_area({"radius":1.5})`, `circle_area({"radius":3})`}
	for i, c := range calls {
		s := tr.Steps[3+i]
		if s.Kind != stepwise.StepToolCall || s.Text != c || s.Tool.Name != "circle_area" {
			t.Errorf("call %d: %s %q", i, s.Kind, s.Text)
		}
	}
	r := tr.Steps[5]
	if r.Kind != stepwise.StepToolResult || r.Tool.CallID != "call_7aEpYivNq3WjuZ3DXJlNZXiZ" || r.Tool.Name != "circle_area" ||
		r.Text != "{'area': 7.0686, 'radius': 1.5, 'unit':'square meters'}" {
		t.Errorf("first result %+v %q", r.Tool, r.Text)
	}
	if s := tr.Sections[3]; s.Title != "tool: circle_area" || s.EndStep-s.FirstStep != 2 {
		t.Errorf("tool section %+v", s)
	}
	// Record 2: results carry no name; it comes from the call they answer.
	if r := items[1].Trace.Steps[4]; r.Tool.Name != "get_movie_details" || !strings.HasPrefix(r.Text, `[{"title": "Inception", "director"`) {
		t.Errorf("record 2 result %+v %.40q", r.Tool, r.Text)
	}
	// Record 5: a listed result whose content is an object keeps its bytes.
	r = items[4].Trace.Steps[4]
	if r.Tool.Name != "move_files" || !strings.HasPrefix(r.Text, `{"source_directory": "C:\\Users\\Username\\Downloads", "destination_directory"`) ||
		!strings.HasSuffix(r.Text, `Desktop\\Images."}`) {
		t.Errorf("record 5 result %+v %q", r.Tool, r.Text)
	}
}

func TestLlamaFactoryUnparsedCall(t *testing.T) {
	rec := `{"messages":[{"role":"user","content":[{"type":"text","value":"go"}]},` +
		`{"role":"assistant","content":[{"type":"tool_call","value":"search(q=1)"},{"type":"audio","value":"x"}]}],"tools":""}`
	items := readAll(t, writeTemp(t, "lf.jsonl", rec+"\n"), "", nil)
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	s := items[0].Trace.Steps
	if len(s) != 3 || s[1].Kind != stepwise.StepToolCall || s[1].Tool.Arguments != "search(q=1)" ||
		!strings.HasPrefix(s[1].Tool.Error, "unparsed tool call (not JSON") || s[2].Text != `[audio part] {"type":"audio","value":"x"}` {
		t.Fatalf("steps %+v", s)
	}
	if _, ok := items[0].Trace.Meta["tools"]; ok {
		t.Errorf("empty tools kept")
	}
	_, errs := readAllErrs(t, writeTemp(t, "lfbad.jsonl", rec+"\n"+`{"messages":[{"content":[{"type":"text","value":"x"}]}]}`+"\n"), "llamafactory", nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "lfbad.jsonl:2: messages[0]: missing role") {
		t.Errorf("errors %v", errs)
	}
}

func FuzzDecodeLlamaFactory(f *testing.F) {
	f.Add([]byte(`{"messages":[{"role":"user","content":[{"type":"text","value":"q"}]},{"role":"assistant","content":[{"type":"reasoning","value":"r"},{"type":"tool_call","value":"{\"name\":\"f\",\"arguments\":{\"a\":1}}"}]},{"role":"tool","content":[{"type":"text","value":"[{\"tool_call_id\":\"x\",\"name\":\"f\",\"content\":\"1\"}]"}]}],"tools":"[]"}`))
	f.Add([]byte(`{"system":"s","messages":[{"role":"tool","content":"[{\"name\":\"f\",\"content\":{}}]"}]}`))
	fuzzCodec(f, llamaFactory{})
}

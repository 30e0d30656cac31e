package formats

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestShareGPTGlaive(t *testing.T) {
	items := readAll(t, sample("toolcall", "glaive_toolcall_en_demo_first100.json"), "", nil)
	if len(items) != 100 {
		t.Fatalf("got %d traces, want 100", len(items))
	}
	if f := items[0].Trace.Source.Format; f != "sharegpt" {
		t.Fatalf("detected %q", f)
	}
	// Counted with python: 690 turns = 272 human, 272 gpt, 73 function_call,
	// 73 observation; every conversation ends on a gpt turn; 59 have tools.
	want := map[stepwise.StepKind]int{stepwise.StepMessage: 272, stepwise.StepToolCall: 73,
		stepwise.StepToolResult: 73, stepwise.StepAnswer: 100, stepwise.StepReasoning: 172}
	got := kindCounts(items)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s steps: %d, want %d", k, got[k], n)
		}
	}
	withTools, names := 0, map[string]int{}
	for _, it := range items {
		checkSections(t, it.Trace)
		if it.Trace.Meta["tools"] != "" {
			withTools++
		}
		for _, s := range it.Trace.Steps {
			if s.Kind == stepwise.StepToolResult {
				names[s.Tool.Name]++
			}
		}
	}
	if withTools != 59 {
		t.Errorf("%d traces with tools, want 59", withTools)
	}
	// Observations carry no name; each takes the name of the call it follows.
	if names["search_recipes"] != 7 || names["get_movie_details"] != 6 || names[""] != 0 {
		t.Errorf("result names %v", names)
	}
	tr := items[0].Trace
	if len(tr.Steps) != 8 || items[0].Problem.Text != "Hi, I have some ingredients and I want to cook something. Can you help me find a recipe?" {
		t.Fatalf("first conversation: %d steps, problem %q", len(tr.Steps), items[0].Problem.Text)
	}
	c := tr.Steps[3]
	if c.Kind != stepwise.StepToolCall || c.Tool.Name != "search_recipes" || c.Tool.Arguments != `{"ingredients":["chicken","bell peppers","rice"]}` ||
		c.Role != "assistant" {
		t.Errorf("call %+v", c.Tool)
	}
	if r := tr.Steps[4]; r.Kind != stepwise.StepToolResult || r.Role != "tool" || !strings.HasPrefix(r.Text, `{"recipes": [{"name": "Chicken and Bell Pepper Stir Fry"`) {
		t.Errorf("result %s %.50q", r.Kind, r.Text)
	}
	if a := tr.Steps[7]; a.Kind != stepwise.StepAnswer || !strings.HasPrefix(a.Text, "I'm sorry, but as an AI, I don't have the capability") {
		t.Errorf("answer %s %.40q", a.Kind, a.Text)
	}
	if tr.Sections[3].Title != "assistant → search_recipes" || tr.Sections[4].Title != "tool: search_recipes" || tr.Sections[0].Title != "user" {
		t.Errorf("titles %q %q %q", tr.Sections[0].Title, tr.Sections[3].Title, tr.Sections[4].Title)
	}
}

func TestShareGPTErrorsAndSystem(t *testing.T) {
	data := `[{"system":"Be terse.","conversations":[{"from":"user","value":"hi"},{"from":"assistant","value":"yo"}],"images":["a.png"]},
{"conversations":[{"from":"human","value":1}]},
{"conversations":[{"value":"x"}]}]`
	items, errs := readAllErrs(t, writeTemp(t, "sg.json", data), "", nil)
	if len(items) != 1 || len(items[0].Trace.Steps) != 3 || items[0].Trace.Steps[0].Role != "system" ||
		items[0].Trace.Meta["images"] != `["a.png"]` {
		t.Fatalf("items %+v", items)
	}
	want := []string{"sg.json:2: element 2: conversations[0]: value: expected a string, found a number", "sg.json:3: element 3: conversations[0]: missing from"}
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %q, want %q", errs[i], w)
		}
	}
}

func FuzzDecodeShareGPT(f *testing.F) {
	f.Add([]byte(`{"conversations":[{"from":"human","value":"q"},{"from":"function_call","value":"{\"name\":\"f\",\"arguments\":{}}"},{"from":"observation","value":"1"},{"from":"gpt","value":"a"}],"tools":"[]"}`))
	f.Add([]byte(`{"system":"s","conversations":[{"from":"function_call","value":"[{\"name\":\"f\"},{\"name\":\"g\",\"arguments\":\"x\"}]"}],"id":3}`))
	fuzzCodec(f, shareGPT{})
}

package stepwise

import "testing"

func TestToolUseCounts(t *testing.T) {
	call := func(name, args string) Step {
		return Step{Kind: StepToolCall, Tool: &Tool{Name: name, Arguments: args}}
	}
	result := func(err string) Step { return Step{Kind: StepToolResult, Tool: &Tool{Error: err}} }
	tr := &Trace{Steps: []Step{
		{Kind: StepReasoning},
		call("web_search", `{"q":"a"}`), call("calculator", `{"x":1}`), // round 1: two calls
		result(""), result("timeout"),
		{Kind: StepReasoning},
		call("web_search", `{"q":"a"}`), // round 2 repeats round 1's search
		result(""),
		call("Search_Wiki", `{"q":"b"}`), // round 3
		{Kind: StepAnswer},
	}}
	got := tr.ToolUse()
	want := ToolUse{Calls: 4, Search: 3, Rounds: 3, Repeated: 1, Failed: 1}
	if got != want {
		t.Fatalf("ToolUse = %+v, want %+v", got, want)
	}
	if (&Trace{Steps: []Step{{Kind: StepReasoning}}}).ToolUse() != (ToolUse{}) {
		t.Fatal("a trace without calls has tool use")
	}
}

package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// TestDiffJSON: key-level changes with old and new values; numbers by
// value; arrays of one length by element; twice-encoded arguments read.
func TestDiffJSON(t *testing.T) {
	cases := []struct {
		a, b string
		want []string // path kind old new
	}{
		{`{"x":1,"y":"a"}`, `{"x":1.0,"y":"a"}`, nil},
		{`{"x":1,"y":"a"}`, `{"x":2,"z":true}`, []string{"x changed 1 2", "y removed \"a\" ", "z added  true"}},
		{`{"q":{"k":[1,2]}}`, `{"q":{"k":[1,3]}}`, []string{"q.k[1] changed 2 3"}},
		{`{"q":[1,2]}`, `{"q":[1,2,3]}`, []string{"q changed [1,2] [1,2,3]"}},
		{`"{\"city\":\"Paris\"}"`, `{"city":"Lyon"}`, []string{"city changed \"Paris\" \"Lyon\""}},
		{`not json`, `not json either`, []string{" changed \"not json\" \"not json either\""}},
		{`{"s":"<b>"}`, `{"s":"<i>"}`, []string{"s changed \"<b>\" \"<i>\""}},
	}
	for _, c := range cases {
		var got []string
		for _, ch := range DiffJSON(c.a, c.b) {
			got = append(got, fmt.Sprintf("%s %s %s %s", ch.Path, ch.Kind, ch.Old, ch.New))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("DiffJSON(%s, %s) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

// agentTrace builds a trace from kinds: "u" a user message, "c name args
// [rating]" a call, "r" a result, "e" an error result, "a" text.
func builtTrace(specs ...string) *stepwise.Trace {
	t := &stepwise.Trace{ID: "t"}
	for i, s := range specs {
		st := stepwise.Step{Index: i}
		f := strings.SplitN(s, " ", 4)
		switch f[0] {
		case "u":
			st.Kind, st.Role = stepwise.StepMessage, "user"
		case "c":
			st.Kind, st.Tool = stepwise.StepToolCall, &stepwise.Tool{Name: f[1], Arguments: f[2]}
			if len(f) == 4 {
				r := map[string]stepwise.Rating{"good": stepwise.Good, "bad": stepwise.Bad, "neutral": stepwise.Neutral}[f[3]]
				st.Labels = []stepwise.Label{{Rating: r}}
			}
		case "r":
			st.Kind = stepwise.StepToolResult
		case "e":
			st.Kind, st.Tool = stepwise.StepToolResult, &stepwise.Tool{Error: "boom"}
		default:
			st.Kind = stepwise.StepAnswer
		}
		t.Steps = append(t.Steps, st)
	}
	return t
}

// TestRoundsHandBuilt: refinements, their stop, and flip-flops only where
// the calls are rated.
func TestRoundsHandBuilt(t *testing.T) {
	// Three rounds refining f, a parallel round (two calls) that is not a
	// refinement, then g once.
	tr := builtTrace(`u`, `c f {"a":1} good`, `r`, `c f {"a":2} bad`, `e`, `c f {"a":2} bad`, `r`,
		`c h {} `, `c h {"b":1}`, `r`, `r`, `c g {}`, `r`, `a`)
	got := Rounds(tr)
	if got.ToolCalls != 6 || got.Rounds != 5 || len(got.Refinements) != 1 {
		t.Fatalf("%+v", got)
	}
	r := got.Refinements[0]
	if r.Tool != "f" || len(r.Rounds) != 3 || r.StopRound != 3 || !r.StoppedOnRepeat {
		t.Fatalf("refinement %+v", r)
	}
	if d := r.Rounds[1].Diff; len(d) != 1 || d[0].Path != "a" || string(d[0].Old) != "1" || string(d[0].New) != "2" {
		t.Errorf("round 2 diff %+v", d)
	}
	if *r.Rounds[1].ResultStep != 4 || r.Rounds[1].Note() != "result at step 4: error boom" || *r.Rounds[0].ResultStep != 2 {
		t.Errorf("results %+v", r.Rounds)
	}
	if r.FlipFlop != Yes || !reflect.DeepEqual(r.FlipFlopRounds, []int{2}) {
		t.Errorf("flip-flop %s %v, want yes at round 2", r.FlipFlop, r.FlipFlopRounds)
	}
	// Unrated calls: the flip-flop is unknown, never guessed; a user turn
	// between rounds is recorded.
	got = Rounds(builtTrace(`u`, `c f {"a":1}`, `r`, `u`, `c f {"a":1,"b":2}`, `r`))
	r = got.Refinements[0]
	if n := r.Rounds[1].Note(); n != "result at step 5 · the user asked for it" {
		t.Errorf("note %q", n)
	}
	if r.FlipFlop != Unknown || r.Rounds[0].Correct != Unknown || !r.Rounds[1].UserBefore || r.StoppedOnRepeat {
		t.Errorf("unrated: %+v", r)
	}
	// Rated right then right: no flip-flop; one unrated pair beside a
	// known flip still says yes.
	if r := Rounds(builtTrace(`c f {} good`, `r`, `c f {"a":1} good`, `r`)).Refinements[0]; r.FlipFlop != No {
		t.Errorf("right, right: %s", r.FlipFlop)
	}
	if r := Rounds(builtTrace(`c f {} good`, `r`, `c f {"a":1} bad`, `r`, `c f {"a":2}`)).Refinements[0]; r.FlipFlop != Yes {
		t.Errorf("right, wrong, unknown: %s", r.FlipFlop)
	}
	// Another tool between two calls of f ends the refinement.
	if got := Rounds(builtTrace(`c f {}`, `r`, `c g {}`, `r`, `c f {}`, `r`)); len(got.Refinements) != 0 {
		t.Errorf("f, g, f: %+v", got.Refinements)
	}
}

// TestRoundsOnGlaive reads LLaMA-Factory's glaive tool-call sample itself
// (consecutive function_call messages to one tool, each alone in its
// round) and checks that Rounds finds the same refinements, with the
// changed top-level keys of each round.
func TestRoundsOnGlaive(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "samples", "toolcall", "glaive_toolcall_en_demo_first100.json")
	want := glaiveRefinements(t, src)
	t.Logf("%d refinements: %q", len(want), want)
	if len(want) < 5 {
		t.Fatalf("only %d refinements in the sample: too few to test", len(want))
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Import(context.Background(), []string{src}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = db.EachEvidence(context.Background(), store.Filter{}, func(ev *store.TraceEvidence) error {
		for _, r := range Rounds(ev.Trace).Refinements {
			sig := r.Tool
			for _, rd := range r.Rounds[1:] {
				keys := map[string]bool{}
				for _, c := range rd.Diff {
					keys[strings.FieldsFunc(c.Path, func(r rune) bool { return r == '.' || r == '[' })[0]] = true
				}
				sig += " |" + strings.Join(sortedKeys(keys), ",")
			}
			got = append(got, sig)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("refinements\n got %q\nwant %q", got, want)
	}
}

// glaiveRefinements reads the refinements from the ShareGPT records.
func glaiveRefinements(t *testing.T, src string) []string {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		Conversations []struct{ From, Value string }
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	type fc struct {
		name  string
		args  map[string]any
		alone bool
	}
	var out []string
	for _, r := range recs {
		var calls []fc
		prevCall := false
		for _, m := range r.Conversations {
			isCall := m.From == "function_call"
			if isCall {
				var c struct {
					Name      string         `json:"name"`
					Arguments map[string]any `json:"arguments"`
				}
				json.Unmarshal([]byte(m.Value), &c)
				if prevCall {
					calls[len(calls)-1].alone = false
				}
				calls = append(calls, fc{c.Name, c.Arguments, !prevCall})
			}
			prevCall = isCall
		}
		for i := 0; i < len(calls); {
			j := i + 1
			for j < len(calls) && calls[i].alone && calls[j].alone && calls[j].name == calls[i].name {
				j++
			}
			if j-i >= 2 {
				sig := calls[i].name
				for k := i + 1; k < j; k++ {
					keys := map[string]bool{}
					for key, v := range calls[k].args {
						if !reflect.DeepEqual(v, calls[k-1].args[key]) {
							keys[key] = true
						}
					}
					for key := range calls[k-1].args {
						if _, ok := calls[k].args[key]; !ok {
							keys[key] = true
						}
					}
					sig += " |" + strings.Join(sortedKeys(keys), ",")
				}
				out = append(out, sig)
			}
			i = j
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

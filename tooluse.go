package stepwise

import "strings"

// ReferenceModel is the model name the codecs give a dataset's own
// solution (GSM8K's, MATH's). It is not a sample of any model: sampled
// accuracy, pass@k and difficulty leave it out.
const ReferenceModel = "reference"

// ToolUse counts an agent trace's tool use (DeepDiver, ToolACE-R): the
// zero value is a trace that called no tool.
type ToolUse struct {
	// Calls counts tool calls; Search those of a tool whose name says
	// search; Rounds the runs of calls the model makes before it reads a
	// result or writes anything else; Repeated the calls repeating an
	// earlier call's tool and arguments exactly; Failed the results that
	// report an error.
	Calls, Search, Rounds, Repeated, Failed int
}

// ToolUse counts the trace's tool use from its steps.
func (t *Trace) ToolUse() ToolUse {
	var u ToolUse
	var seen map[[2]string]bool // made at the first call: most traces make none
	inRound := false
	for i := range t.Steps {
		st := &t.Steps[i]
		call := st.Kind == StepToolCall
		switch {
		case call:
			u.Calls++
			if !inRound {
				u.Rounds++
			}
			var key [2]string
			if st.Tool != nil {
				key = [2]string{st.Tool.Name, st.Tool.Arguments}
			}
			if strings.Contains(strings.ToLower(key[0]), "search") {
				u.Search++
			}
			if seen[key] {
				u.Repeated++
			}
			if seen == nil {
				seen = map[[2]string]bool{}
			}
			seen[key] = true
		case st.Kind == StepToolResult && st.Tool != nil && st.Tool.Error != "":
			u.Failed++
		}
		inRound = call
	}
	return u
}

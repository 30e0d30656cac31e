package offline

import (
	"slices"
	"sort"

	"github.com/stepwise-dev/stepwise"
)

// ToolStats summarizes a trace's tool use.
type ToolStats struct {
	Calls   int `json:"calls"`
	Results int `json:"results"`
	// Errors counts results marked failed.
	Errors int `json:"errors"`
	// ByName counts calls per tool.
	ByName map[string]int `json:"by_name,omitempty"`
	// Duplicates are calls repeating an earlier call's tool and arguments
	// exactly (step indexes).
	Duplicates []int `json:"duplicates,omitempty"`
	// Unanswered are calls no result answers; Orphans results that answer
	// no call (step indexes).
	Unanswered []int `json:"unanswered,omitempty"`
	Orphans    []int `json:"orphans,omitempty"`
	// ErrorSteps are the failed results (step indexes).
	ErrorSteps []int `json:"error_steps,omitempty"`
}

// CountTools gathers tool-call statistics. Results pair with calls by call
// id when both carry one, else with the oldest unanswered call (a result
// whose id no call gave answers the oldest call that gave none).
func CountTools(tr *stepwise.Trace) ToolStats {
	s := ToolStats{ByName: map[string]int{}}
	seen := map[[2]string]bool{}
	pending := map[string]int{} // call id → step
	var queue []int             // unanswered calls without an id, oldest first
	for i := range tr.Steps {
		st := &tr.Steps[i]
		switch st.Kind {
		case stepwise.StepToolCall:
			s.Calls++
			var name, args, id string
			if st.Tool != nil {
				name, args, id = st.Tool.Name, st.Tool.Arguments, st.Tool.CallID
			}
			s.ByName[name]++
			key := [2]string{name, args}
			if seen[key] {
				s.Duplicates = append(s.Duplicates, i)
			}
			seen[key] = true
			if id != "" {
				pending[id] = i
			} else {
				queue = append(queue, i)
			}
		case stepwise.StepToolResult:
			s.Results++
			if st.Tool != nil && st.Tool.Error != "" {
				s.Errors++
				s.ErrorSteps = append(s.ErrorSteps, i)
			}
			id := ""
			if st.Tool != nil {
				id = st.Tool.CallID
			}
			_, known := pending[id]
			switch {
			case id != "" && known:
				delete(pending, id)
			case len(queue) > 0:
				// Calls without ids (LLaMA-Factory writes ids on results
				// only) are answered in order, whatever id the result has.
				queue = queue[1:]
			case id != "":
				s.Orphans = append(s.Orphans, i) // answers a call that never happened
			case len(pending) > 0:
				// A result without an id answers the oldest call with one.
				delete(pending, oldest(pending))
			default:
				s.Orphans = append(s.Orphans, i)
			}
		}
	}
	for _, step := range pending {
		s.Unanswered = append(s.Unanswered, step)
	}
	s.Unanswered = append(s.Unanswered, queue...)
	sort.Ints(s.Unanswered)
	// Calls the trace ends with are its last turn (a tool-use sample
	// whose target is the call): their results would come after it.
	// Only a call the conversation went on without is unanswered.
	tail := len(tr.Steps)
	for tail > 0 && tr.Steps[tail-1].Kind == stepwise.StepToolCall {
		tail--
	}
	s.Unanswered = slices.DeleteFunc(s.Unanswered, func(step int) bool { return step >= tail })
	if len(s.ByName) == 0 {
		s.ByName = nil
	}
	return s
}

func oldest(m map[string]int) string {
	best, key := -1, ""
	for k, v := range m {
		if best < 0 || v < best {
			best, key = v, k
		}
	}
	return key
}

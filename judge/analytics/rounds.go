package analytics

import (
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// ToolACE-R refines a tool call over rounds and decides when to stop. This
// file finds such refinements in a trace: runs of consecutive rounds that
// each make one call, to the same tool, with the structural diff of the
// arguments from one round to the next, the round the model stopped at,
// and flip-flops (a right call followed by a wrong one) where the data
// says which rounds were right.

// Correctness values of a round or a refinement's flip-flop.
const (
	Unknown = "unknown"
	Yes     = "yes"
	No      = "no"
)

// Round is one call of a refinement.
type Round struct {
	// Round is the 1-based round of the trace (a round is a run of tool
	// calls with nothing between them, as Agents counts them); Step the
	// call's step.
	Round     int    `json:"round"`
	Step      int    `json:"step"`
	Arguments string `json:"arguments"`
	// Diff is the change from the previous round's arguments (empty on
	// the first round, and on a round that repeats the previous call).
	Diff []Change `json:"diff"`
	// UserBefore is set when a user message came between this round and
	// the previous one: the user asked for the change, the model did not
	// refine on its own.
	UserBefore bool `json:"user_before,omitempty"`
	// ResultStep is the step of the result that answered the call (null
	// when none did), ResultError its error.
	ResultStep  *int   `json:"result_step"`
	ResultError string `json:"result_error,omitempty"`
	// Correct is the source's rating of the call step (a good or bad step
	// label), "unknown" when the data rates no call: the traces bundled
	// today carry none, and a trace's final verdict does not say which of
	// its calls was right.
	Correct string `json:"correct"`
}

// Refinement is a run of rounds refining one tool's call.
type Refinement struct {
	Tool   string  `json:"tool"`
	Rounds []Round `json:"rounds"`
	// StopRound is the round the model stopped refining at (the last);
	// StoppedOnRepeat is set when that round repeats the call before it,
	// ToolACE-R's way of saying the call is final.
	StopRound       int  `json:"stop_round"`
	StoppedOnRepeat bool `json:"stopped_on_repeat"`
	// FlipFlop says whether a right round is followed by a wrong one
	// ("yes", "no", or "unknown" when the rounds' correctness is not
	// known); FlipFlopRounds are the wrong rounds that follow a right one.
	FlipFlop       string `json:"flip_flop"`
	FlipFlopRounds []int  `json:"flip_flop_rounds,omitempty"`
}

// TraceRounds is what Rounds finds in one trace.
type TraceRounds struct {
	TraceID     string       `json:"trace_id"`
	Model       string       `json:"model"`
	ToolCalls   int          `json:"tool_calls"`
	Rounds      int          `json:"rounds"`
	Correct     *bool        `json:"correct"`
	Refinements []Refinement `json:"refinements"`
}

// call is one tool call with what followed it up to the next call.
type call struct {
	round, step int
	tool, args  string
	userBefore  bool
	alone       bool // the only call of its round
	result      *int
	resultErr   string
	correct     string
}

// Rounds finds the refinements of a trace's tool calls. A refinement is
// two or more consecutive rounds, each a single call to the same tool;
// a round of several calls, or a call to another tool, ends it.
func Rounds(t *stepwise.Trace) TraceRounds {
	calls, rounds := toolCalls(t)
	out := TraceRounds{TraceID: t.ID, Model: t.Model, ToolCalls: len(calls), Rounds: rounds, Correct: t.Correct,
		Refinements: []Refinement{}}
	for i := 0; i < len(calls); {
		j := i + 1
		for j < len(calls) && calls[i].alone && calls[j].alone && calls[j].tool == calls[i].tool {
			j++
		}
		if j-i >= 2 {
			out.Refinements = append(out.Refinements, refinement(calls[i:j]))
		}
		i = j
	}
	return out
}

// toolCalls lists the calls in order with their rounds and results.
func toolCalls(t *stepwise.Trace) ([]call, int) {
	var calls []call
	rounds, inRound, user := 0, false, false
	for i := range t.Steps {
		st := &t.Steps[i]
		switch {
		case st.Kind == stepwise.StepToolCall:
			if !inRound {
				rounds++
			} else if len(calls) > 0 {
				calls[len(calls)-1].alone = false
			}
			c := call{round: rounds, step: i, userBefore: user, alone: !inRound, correct: stepCorrect(st)}
			if st.Tool != nil {
				c.tool, c.args = st.Tool.Name, st.Tool.Arguments
			}
			calls = append(calls, c)
			user = false
		case st.Kind == stepwise.StepToolResult:
			answerCall(calls, i, st)
		case st.Kind == stepwise.StepMessage && st.Role == "user":
			user = true
		}
		inRound = st.Kind == stepwise.StepToolCall
	}
	return calls, rounds
}

// answerCall gives a result to the oldest call of the latest round still
// without one (results come in call order; ids are not needed to pair
// the single calls a refinement is made of).
func answerCall(calls []call, step int, st *stepwise.Step) {
	if len(calls) == 0 {
		return
	}
	last := calls[len(calls)-1].round
	for k := range calls {
		c := &calls[k]
		if c.round == last && c.result == nil {
			s := step
			c.result = &s
			if st.Tool != nil {
				c.resultErr = st.Tool.Error
			}
			return
		}
	}
}

// stepCorrect reads a call's correctness from the source's step labels.
func stepCorrect(st *stepwise.Step) string {
	for _, l := range st.Labels {
		switch l.Rating {
		case stepwise.Good:
			return Yes
		case stepwise.Bad:
			return No
		}
	}
	return Unknown
}

func refinement(cs []call) Refinement {
	r := Refinement{Tool: cs[0].tool, FlipFlop: No}
	for k, c := range cs {
		rd := Round{Round: c.round, Step: c.step, Arguments: c.args, Diff: []Change{}, ResultStep: c.result,
			ResultError: c.resultErr, Correct: c.correct}
		if k > 0 {
			rd.Diff = DiffJSON(cs[k-1].args, c.args)
			rd.UserBefore = c.userBefore
		}
		r.Rounds = append(r.Rounds, rd)
	}
	last := r.Rounds[len(r.Rounds)-1]
	r.StopRound, r.StoppedOnRepeat = last.Round, len(last.Diff) == 0
	unknown := false
	for k := 1; k < len(cs); k++ {
		prev, cur := cs[k-1].correct, cs[k].correct
		switch {
		case prev == Yes && cur == No:
			r.FlipFlopRounds = append(r.FlipFlopRounds, cs[k].round)
		case prev == Unknown || cur == Unknown:
			unknown = true
		}
	}
	switch {
	case len(r.FlipFlopRounds) > 0:
		r.FlipFlop = Yes
	case unknown:
		r.FlipFlop = Unknown
	}
	return r
}

// Note says what answered a round and who asked for it, in words ("result
// at step 4: error timeout · the user asked for it"); raw text, a view
// neutralizes it.
func (r Round) Note() string {
	var n string
	switch {
	case r.ResultStep == nil:
		n = "no result"
	case r.ResultError != "":
		n = fmt.Sprintf("result at step %d: error %s", *r.ResultStep, r.ResultError)
	default:
		n = fmt.Sprintf("result at step %d", *r.ResultStep)
	}
	if r.UserBefore {
		n += " · the user asked for it"
	}
	return n
}

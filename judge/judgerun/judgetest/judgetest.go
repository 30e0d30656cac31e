// Package judgetest is a scripted judge model for tests of the CLI and the
// workbench: an llmtest server (a local OpenAI-compatible endpoint that
// answers in the real streaming wire format) whose replies follow the judge
// pipeline's stages — evaluation questions, analyses, verdicts — from a
// script. Nothing reaches a real endpoint.
package judgetest

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/llm/llmtest"
)

// Script is what the double answers.
type Script struct {
	// Criteria are the evaluation questions (default: three fixed ones).
	Criteria []string
	// Verdict, FirstError and Flags answer single-trace verdicts
	// (default: "incorrect", step 1, a flag on step 1).
	Verdict    string
	FirstError *int
	Flags      []stepwise.StepFlag
	// Prefer picks a pairwise winner: the response whose text contains it;
	// response 1 when neither does (so the two orders disagree).
	Prefer string
	// Fail makes every verdict call answer with this HTTP status.
	Fail int
	// Delay is waited before each answer (cancellation tests).
	Delay time.Duration
	// Completion is the completion tokens reported per call (default 50);
	// prompt tokens are the user message's bytes / 4.
	Completion int
}

// Server is the running double.
type Server struct {
	*llmtest.Server
	calls atomic.Int64
}

// Calls counts the requests answered.
func (s *Server) Calls() int { return int(s.calls.Load()) }

// New starts a double following the script. Close it when done.
func New(sc Script) *Server {
	s := &Server{}
	s.Server = llmtest.NewServer(func(_ int, req llmtest.ChatRequest) llmtest.Reply {
		s.calls.Add(1)
		return sc.reply(req)
	})
	return s
}

func (sc Script) reply(req llmtest.ChatRequest) llmtest.Reply {
	user := req.User()
	kind := req.SchemaName()
	if kind == "" {
		kind = guessKind(user)
	}
	var content any
	switch kind {
	case "evaluation_questions":
		qs := sc.Criteria
		if qs == nil {
			qs = []string{"Is every computation right?", "Does each step follow from the last?", "Is the final answer stated?"}
		}
		content = map[string]any{"criteria": qs}
	case "criterion_analysis":
		content = map[string]any{"mode": "text", "analysis": "Step 1 multiplies the wrong numbers.", "code": ""}
	case "trace_verdict":
		if sc.Fail != 0 {
			return llmtest.Reply{Status: sc.Fail, Message: "scripted failure", Delay: sc.Delay}
		}
		v, fe, flags := sc.Verdict, sc.FirstError, sc.Flags
		if v == "" {
			v = "incorrect"
		}
		if fe == nil {
			one := 1
			fe = &one
		}
		if flags == nil {
			flags = []stepwise.StepFlag{{Step: *fe, Reason: "the product is wrong"}}
		}
		content = map[string]any{"reasoning": "Checked each step.", "verdict": v, "first_error": *fe, "flags": flags}
	default:
		if sc.Fail != 0 {
			return llmtest.Reply{Status: sc.Fail, Message: "scripted failure", Delay: sc.Delay}
		}
		content = map[string]any{"reasoning": "Compared both.", "winner": sc.winner(user)}
	}
	b, _ := json.Marshal(content)
	completion := sc.Completion
	if completion == 0 {
		completion = 50
	}
	return llmtest.Reply{Delay: sc.Delay, Body: llmtest.Stream(llmtest.Answer{
		Content: string(b), Prompt: len(user) / 4, Completion: completion, ChunkSize: 64,
	})}
}

// winner reads which shown response holds the preferred text.
func (sc Script) winner(user string) int {
	if sc.Prefer != "" && !strings.Contains(block(user, "1"), sc.Prefer) && strings.Contains(block(user, "2"), sc.Prefer) {
		return 2
	}
	return 1
}

// block is the text of shown response n, between its evidence markers.
func block(user, n string) string {
	_, rest, ok := strings.Cut(user, "<<<RESPONSE "+n+" ")
	if !ok {
		return ""
	}
	inner, _, _ := strings.Cut(rest, "<<<END RESPONSE "+n+" ")
	return inner
}

// guessKind recognizes a stage from its prompt when structured output is
// off (no schema name in the request).
func guessKind(user string) string {
	switch {
	case strings.Contains(user, "Evaluation question:"):
		return "criterion_analysis"
	case strings.Contains(user, `"first_error"`):
		return "trace_verdict"
	case strings.Contains(user, `"winner"`):
		return "pairwise_verdict"
	}
	return "evaluation_questions"
}

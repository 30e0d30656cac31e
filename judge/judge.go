// Package judge runs ARJudge-style analyses of reasoning traces against any
// OpenAI-compatible model: evaluation questions for the problem (plus a fixed
// faithfulness question), one analysis per question in which the model
// chooses prose or a Python checker (run in the bubblewrap sandbox), and a
// refiner verdict. Single-trace runs name the earliest wrong step in
// ProcessBench semantics and flag steps; pairwise runs judge both
// presentation orders and report whether they agree.
//
// Every run returns a stepwise.Analysis with full provenance: model,
// endpoint, prompt version, each prompt and raw output, reasoning text,
// code and its execution record, tokens, latency and cost. Failures are kept
// in the record, never dropped.
//
// It imports the domain package, judge/llm and judge/sandbox; the store is
// reached only by judge/judgerun.
package judge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
)

// Modes of a run, as stepwise.Analysis.Mode.
const (
	ModeSingle   = "single"
	ModePairwise = "pairwise"
)

// Verdict of a pairwise run whose two orders disagree.
const VerdictInconsistent = "inconsistent"

// CodeRunner runs a generated checker; *sandbox.Sandbox is the real one.
type CodeRunner interface {
	Run(ctx context.Context, p sandbox.Program) (stepwise.ExecInfo, error)
}

// Runner runs judge analyses. Its fields are read-only once it is in use;
// one Runner serves many goroutines.
type Runner struct {
	// Client talks to the model (llm.OpenAI in production, a double in tests).
	Client llm.Client
	// Profile is recorded as provenance (model, endpoint) and prices the usage.
	Profile llm.Profile
	// Prompts is the prompt set (nil: the embedded default).
	Prompts *Prompts
	// Sandbox runs code analyses; nil means code is refused and the prompts
	// ask for text only.
	Sandbox CodeRunner
	// MaxTraceChars bounds a trace in a prompt (0: DefaultMaxTraceChars).
	MaxTraceChars int
	// Deltas turns on EventDelta events with streamed model text.
	Deltas bool
	// Now and NewID default to time.Now and random ids.
	Now   func() time.Time
	NewID func() string
}

// EventKind says what an Event reports.
type EventKind string

// Event kinds.
const (
	EventStart EventKind = "start" // a run began
	EventStage EventKind = "stage" // a stage finished (Stage set)
	EventDelta EventKind = "delta" // streamed text (Runner.Deltas)
	EventDone  EventKind = "done"  // a run ended (Analysis set; Err for cancellation)
)

// Event is progress of one run. Progress callbacks are called from several
// goroutines at once and must be safe for that, and quick.
type Event struct {
	// Job is the run's index in a batch (0 for direct calls).
	Job      int
	Kind     EventKind
	TraceIDs []string
	// StageName names the stage for EventStage and EventDelta.
	StageName string
	Stage     *stepwise.AnalysisStage
	Delta     string
	// Restart (EventDelta) says the stage's call is being retried: drop its
	// streamed text so far.
	Restart  bool
	Analysis *stepwise.Analysis
	Err      error
}

// Progress receives events; nil ignores them.
type Progress func(Event)

func (r *Runner) prompts() *Prompts {
	if r.Prompts != nil {
		return r.Prompts
	}
	return defaultPrompts
}

var defaultPrompts = DefaultPrompts()

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) newID() string {
	if r.NewID != nil {
		return r.NewID()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "an-" + hex.EncodeToString(b[:])
}

func (r *Runner) budget() int {
	if r.MaxTraceChars > 0 {
		return r.MaxTraceChars
	}
	return DefaultMaxTraceChars
}

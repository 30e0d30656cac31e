// Package stepwise holds the domain model shared by every part of the workbench:
// problems, traces, steps, source labels, formalizations, annotations and analyses.
//
// It depends on the standard library only, so the store, the format codecs, the
// verifier and the judge can all use it without pulling in bbolt or the TUI.
package stepwise

// Problem is one question; every trace (sample) of the same question points at
// the same Problem.
type Problem struct {
	// ID is stable: a hash of the normalized problem text (see ProblemID).
	ID           string `json:"id"`
	Text         string `json:"text"`
	GoldAnswer   string `json:"gold_answer,omitempty"`
	GoldSolution string `json:"gold_solution,omitempty"`
	Dataset      string `json:"dataset,omitempty"`
	Split        string `json:"split,omitempty"`
	Subject      string `json:"subject,omitempty"`
	Level        string `json:"level,omitempty"`
	// SourceID is the id the source gave the problem, when it gave one
	// (MATH-500 unique_id, a MATH file path, an Inspect sample id).
	SourceID string `json:"source_id,omitempty"`
}

// Trace is one model solution (or agent run) of a problem, cut into steps.
type Trace struct {
	// ID is the stable, user-facing identifier (see TraceID).
	ID string `json:"id"`
	// SourceID is the record's own id in the source, when it has one. It is not
	// unique on its own (PRMBench repeats idx per error class).
	SourceID  string `json:"source_id,omitempty"`
	Dataset   string `json:"dataset"`
	ProblemID string `json:"problem_id"`
	Model     string `json:"model,omitempty"`
	// Sample is the sample (or epoch) index among the traces of one problem by
	// one model, 0-based.
	Sample int `json:"sample"`

	// Raw is the text the steps are cut from, byte-exact: every Step's Span
	// indexes into it. For formats that ship steps as a list, Raw is the steps
	// joined by a separator (recorded in Segmenter).
	Raw       string    `json:"raw"`
	Segmenter string    `json:"segmenter,omitempty"`
	Sections  []Section `json:"sections,omitempty"`
	Steps     []Step    `json:"steps"`

	FinalAnswer string `json:"final_answer,omitempty"`
	// Correct is the final answer's correctness against the gold answer, nil
	// when unknown; CorrectBy says how it was decided.
	Correct   *bool  `json:"correct"`
	CorrectBy string `json:"correct_by,omitempty"`
	// Truncated is set when the generation was cut off (no closing think tag,
	// a max-token stop).
	Truncated bool   `json:"truncated"`
	Usage     *Usage `json:"usage,omitempty"`

	// Labels are trace-scoped source labels (a verdict, a score).
	Labels []Label `json:"labels,omitempty"`
	// Meta keeps source fields worth showing that have no place above
	// (labeler, finish reason, tools schema, ...).
	Meta map[string]string `json:"meta,omitempty"`

	Source SourceRef `json:"source"`
}

// SourceRef says where a trace came from.
type SourceRef struct {
	Format string `json:"format"`
	Path   string `json:"path"`
	// Line is the 1-based line where the record starts (0 for whole-file records).
	Line int `json:"line"`
}

// Usage is what generating the trace cost, where the source records it.
type Usage struct {
	PromptTokens     int     `json:"prompt_tokens,omitempty"`
	CompletionTokens int     `json:"completion_tokens,omitempty"`
	ReasoningTokens  int     `json:"reasoning_tokens,omitempty"`
	LatencySeconds   float64 `json:"latency_seconds,omitempty"`
	CostUSD          float64 `json:"cost_usd,omitempty"`
}

// Span is a half-open byte range [Start, End) in Trace.Raw.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len is the number of bytes in the span.
func (s Span) Len() int { return s.End - s.Start }

// SectionKind classifies a section of a trace.
type SectionKind string

// Section kinds.
const (
	SectionThinking SectionKind = "thinking"
	SectionSolution SectionKind = "solution"
	SectionTurn     SectionKind = "turn"    // one chat message or tool turn
	SectionLabeled  SectionKind = "labeled" // a source-defined block (DeltaBench)
)

// Section groups consecutive steps: the thinking and solution parts of a long
// chain of thought, a chat turn, or a labeled block of steps.
type Section struct {
	Kind  SectionKind `json:"kind"`
	Title string      `json:"title,omitempty"`
	Span  Span        `json:"span"`
	// FirstStep and EndStep delimit the steps in the section: [FirstStep, EndStep).
	FirstStep int     `json:"first_step"`
	EndStep   int     `json:"end_step"`
	Labels    []Label `json:"labels,omitempty"`
}

// StepKind classifies a step.
type StepKind string

// Step kinds.
const (
	StepReasoning  StepKind = "reasoning"
	StepThinking   StepKind = "thinking"
	StepToolCall   StepKind = "tool_call"
	StepToolResult StepKind = "tool_result"
	StepAnswer     StepKind = "answer"
	StepMessage    StepKind = "message" // a non-assistant chat message (system, user)
)

// Step is one reasoning step.
type Step struct {
	// Index is 0-based; the original index base lives on each source label.
	Index int      `json:"index"`
	Kind  StepKind `json:"kind"`
	// Role is the chat role for steps cut from messages.
	Role string `json:"role,omitempty"`
	Span Span   `json:"span"`
	// Text equals Trace.Raw[Span.Start:Span.End]; the store keeps only the span.
	Text   string  `json:"text"`
	Labels []Label `json:"labels,omitempty"`
	Tool   *Tool   `json:"tool,omitempty"`
	// Calcs are calculator annotations found in the step (GSM8K <<a=b>>).
	Calcs []Calc `json:"calcs,omitempty"`
	// Formalizations are the step's formal statements; imported ones carry the
	// dataset's stored status until re-checked.
	Formalizations []Formalization `json:"formalizations,omitempty"`
}

// Tool describes a tool call or a tool result.
type Tool struct {
	CallID string `json:"call_id,omitempty"`
	Name   string `json:"name,omitempty"`
	// Arguments is the call's arguments as JSON text.
	Arguments string `json:"arguments,omitempty"`
	// Error is set on a failed tool result.
	Error string `json:"error,omitempty"`
}

// Calc is a calculator annotation <<Expr=Result>> kept as data for verification.
type Calc struct {
	Expr   string `json:"expr"`
	Result string `json:"result"`
	// Span locates the whole annotation in Trace.Raw.
	Span Span `json:"span"`
}

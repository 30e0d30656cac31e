package offline

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// Severity ranks a finding.
type Severity string

// Severities.
const (
	Info  Severity = "info"
	Warn  Severity = "warn"
	Error Severity = "error"
)

// Analyzer names, as Finding.Analyzer.
const (
	AnalyzerAnswer     = "answer"
	AnalyzerArithmetic = "arithmetic"
	AnalyzerTruncation = "truncation"
	AnalyzerRepetition = "repetition"
	AnalyzerTools      = "tools"
	// AnalyzerLabel compares the dataset's own step labels with exact
	// evidence.
	AnalyzerLabel = "label"
)

// CodeLabelContradicted is the finding on a step the dataset labels
// correct in which exact arithmetic disproves a claim: either a genuine
// dataset label error or a misreading by the formalizer — the most
// informative thing a person can settle, so it scores highest.
const CodeLabelContradicted = "label_contradicted"

// Finding is one thing an analyzer noticed.
type Finding struct {
	Analyzer string   `json:"analyzer"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Step is the 0-based step index, -1 for the whole trace.
	Step    int    `json:"step"`
	Message string `json:"message"`
	// Score is the suspicion in [0, 1] the triage queue sorts by.
	Score float64 `json:"score"`
}

// AnswerCheck is the final answer against gold.
type AnswerCheck struct {
	Predicted string `json:"predicted"`
	// Extraction says where the prediction came from ("trace" when the
	// stored trace has it, else how answer.Extract found it).
	Extraction string `json:"extraction"`
	Gold       string `json:"gold"`
	// Equal is nil when there was no gold answer or no prediction, or
	// when the answer grader could not decide; How is the verdict's
	// CorrectBy (the source's field, or the grader's method and version).
	Equal *bool  `json:"equal,omitempty"`
	How   string `json:"how,omitempty"`
	// Step is the step holding the answer, -1 when unknown.
	Step int `json:"step"`
}

// Report is every offline finding for one trace.
type Report struct {
	TraceID    string           `json:"trace_id"`
	Answer     *AnswerCheck     `json:"answer,omitempty"`
	Truncation Truncation       `json:"truncation"`
	Tools      *ToolStats       `json:"tools,omitempty"`
	Arithmetic *ArithmeticTally `json:"arithmetic,omitempty"`
	Findings   []Finding        `json:"findings"`
}

// Options choose what Run does.
type Options struct {
	// Arithmetic checks each step's claims; nil skips the analyzer.
	Arithmetic ArithmeticChecker
}

// Run applies every offline analyzer to one trace. p may be nil (no gold
// answer). The error is only for a cancelled context or a failing
// arithmetic checker; findings gathered so far are returned with it.
func Run(ctx context.Context, tr *stepwise.Trace, p *stepwise.Problem, opt Options) (Report, error) {
	r := Report{TraceID: tr.ID}
	r.answer(tr, p)
	r.truncation(tr)
	r.repetition(tr)
	r.tools(tr)
	var err error
	if opt.Arithmetic != nil {
		err = r.arithmetic(ctx, tr, opt.Arithmetic)
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Score > r.Findings[j].Score })
	return r, err
}

func (r *Report) add(f Finding) { r.Findings = append(r.Findings, f) }

func (r *Report) answer(tr *stepwise.Trace, p *stepwise.Problem) {
	a := AnswerCheck{Predicted: tr.FinalAnswer, Extraction: "trace", Step: -1}
	if a.Predicted == "" {
		if found, ok := answer.Extract(tr.Raw); ok {
			a.Predicted, a.Extraction = found.Text, found.How
			a.Step = stepAt(tr, found.Offset)
		} else {
			a.Extraction = ""
		}
	} else if i := strings.LastIndex(tr.Raw, a.Predicted); i >= 0 {
		a.Step = stepAt(tr, i)
	}
	if p != nil {
		a.Gold = p.GoldAnswer
		if g, ok := answer.Extract(p.GoldAnswer); ok {
			a.Gold = g.Text
		}
	}
	if a.Predicted == "" {
		r.add(Finding{Analyzer: AnalyzerAnswer, Code: "answer_missing", Severity: Warn, Step: -1,
			Message: "no final answer found", Score: 0.5})
	}
	if a.Predicted != "" && a.Gold != "" {
		// The product's one verdict: the stored one (the source's, or the
		// answer grader's at import or re-grade), else the grader's now.
		a.Equal, a.How = tr.Correct, tr.CorrectBy
		if a.Equal == nil {
			v := answer.Compare(a.Predicted, a.Gold, answer.Options{})
			if a.Equal = v.Correct(); a.Equal != nil {
				a.How = stepwise.GradedBy(answer.Version, string(v.Method))
			}
		}
		if a.Equal != nil && !*a.Equal {
			r.add(Finding{Analyzer: AnalyzerAnswer, Code: "answer_mismatch", Severity: Error, Step: a.Step,
				Message: fmt.Sprintf("final answer %q differs from gold %q", clip(a.Predicted, 80), clip(a.Gold, 80)), Score: 0.7})
		}
	}
	r.Answer = &a
}

// stepAt is the step whose span holds byte offset off, -1 for none.
func stepAt(tr *stepwise.Trace, off int) int {
	for i := range tr.Steps {
		if sp := tr.Steps[i].Span; off >= sp.Start && off < sp.End {
			return i
		}
	}
	return -1
}

func (r *Report) truncation(tr *stepwise.Trace) {
	r.Truncation = CheckTruncation(tr)
	if len(r.Truncation.Reasons) > 0 {
		r.add(Finding{Analyzer: AnalyzerTruncation, Code: "truncated", Severity: Warn, Step: -1,
			Message: "generation cut off: " + strings.Join(r.Truncation.Reasons, ", "), Score: 0.4})
	}
	if l := r.Truncation.Loop; l != nil {
		r.add(Finding{Analyzer: AnalyzerRepetition, Code: "tail_loop", Severity: Error, Step: stepAt(tr, l.Start),
			Message: fmt.Sprintf("ends repeating a %d-byte unit %d times: %q", l.Period, l.Repeats, clip(l.Unit, 60)), Score: 0.8})
	}
}

// Repetition thresholds: 3 identical consecutive steps; a line of 24+
// bytes seen 5+ times.
const (
	stepRunMin   = 3
	lineMinLen   = 24
	lineMinCount = 5
	linesShown   = 3
)

func (r *Report) repetition(tr *stepwise.Trace) {
	texts := make([]string, len(tr.Steps))
	for i := range tr.Steps {
		texts[i] = tr.Steps[i].Text
	}
	for _, run := range RepeatedSteps(texts, stepRunMin) {
		r.add(Finding{Analyzer: AnalyzerRepetition, Code: "repeated_steps", Severity: Warn, Step: run.First,
			Message: fmt.Sprintf("%d identical steps in a row", run.Count), Score: 0.6})
	}
	for _, l := range RepeatedLines(tr.Raw, lineMinLen, lineMinCount, linesShown) {
		r.add(Finding{Analyzer: AnalyzerRepetition, Code: "repeated_line", Severity: Info, Step: stepAt(tr, l.First),
			Message: fmt.Sprintf("line repeated %d times: %q", l.Count, clip(l.Line, 60)), Score: 0.3})
	}
}

func (r *Report) tools(tr *stepwise.Trace) {
	s := CountTools(tr)
	if s.Calls == 0 && s.Results == 0 {
		return
	}
	r.Tools = &s
	for _, i := range s.ErrorSteps {
		r.add(Finding{Analyzer: AnalyzerTools, Code: "tool_error", Severity: Warn, Step: i, Message: "tool call failed: " + clip(tr.Steps[i].Tool.Error, 80), Score: 0.5})
	}
	for _, i := range s.Unanswered {
		r.add(Finding{Analyzer: AnalyzerTools, Code: "tool_unanswered", Severity: Warn, Step: i, Message: "tool call never answered", Score: 0.4})
	}
	for _, i := range s.Duplicates {
		r.add(Finding{Analyzer: AnalyzerTools, Code: "tool_duplicate", Severity: Info, Step: i, Message: "repeats an earlier call with the same arguments", Score: 0.3})
	}
	for _, i := range s.Orphans {
		r.add(Finding{Analyzer: AnalyzerTools, Code: "tool_orphan", Severity: Info, Step: i, Message: "tool result answers no call", Score: 0.2})
	}
}

func (r *Report) arithmetic(ctx context.Context, tr *stepwise.Trace, c ArithmeticChecker) error {
	var tally ArithmeticTally
	r.Arithmetic = &tally
	contradicted := map[int]bool{}
	for i := range tr.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		fs, err := c.CheckStep(ctx, tr, i)
		if err != nil {
			return fmt.Errorf("analyze: trace %s step %d: arithmetic: %w", tr.ID, i, err)
		}
		for _, f := range fs {
			tally.add(f)
			if f.Status != stepwise.StatusDisproved {
				continue
			}
			// A decimal written as the exact value rounded or cut (800/3 =
			// 266.6666666666667) is stated by verify as that approximation,
			// so a disproved claim is false in the author's own reading:
			// verify and this analyzer decide arithmetic in one place.
			msg := "false arithmetic claim: " + clip(f.Statement, 100)
			if f.Evidence != "" {
				msg += " (" + clip(f.Evidence, 80) + ")"
			}
			r.add(Finding{Analyzer: AnalyzerArithmetic, Code: "arith_false", Severity: Error, Step: i, Message: msg, Score: 0.9})
			if tr.Steps[i].StepRating() == stepwise.Good && !contradicted[i] {
				contradicted[i] = true
				r.add(Finding{Analyzer: AnalyzerLabel, Code: CodeLabelContradicted, Severity: Warn, Step: i,
					Message: "dataset label contradicted by exact arithmetic: labeled correct, but " + clip(claimText(f), 100),
					Score:   1})
			}
		}
	}
	return nil
}

// claimText is the claim a checked formalization states, for a message:
// the "claim: …" line VerifyChecker puts first, else the statement.
func claimText(f stepwise.Formalization) string {
	for _, m := range f.Messages {
		if c, ok := strings.CutPrefix(m, "claim: "); ok {
			return c + " is false"
		}
	}
	return f.Statement + " is false"
}

// StepScores is the highest finding score per step, for the triage queue;
// trace-level findings are left out.
func (r Report) StepScores(steps int) []float64 {
	out := make([]float64, steps)
	for _, f := range r.Findings {
		if f.Step >= 0 && f.Step < steps && f.Score > out[f.Step] {
			out[f.Step] = f.Score
		}
	}
	return out
}

package verify

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Completer is the one LLM call autoformalization needs; the judge
// package's OpenAI-compatible client satisfies it through a small adapter.
type Completer interface {
	Complete(ctx context.Context, system, user string) (string, error)
}

// AutoPromptVersion names the prompt text below; it is recorded with every
// LLM formalization so results can be traced to the prompt that made them.
const AutoPromptVersion = "stepwise-autoformalize/1"

const autoSystemPrompt = `You turn one step of a mathematical solution into a Lean 4 (Mathlib) statement that a prover can check.

Decide first whether the step needs checking:
- It needs checking when it computes something (any arithmetic, however small), states an equation, inequality, divisibility or congruence, or draws a conclusion that does not plainly follow.
- It does not need checking when it only restates the question, names a plan, or introduces notation.

Answer in exactly one of two forms, with nothing else:
1. The single word False, when no check is needed.
2. One Lean 4 theorem named test in a lean code block. Bind every variable with its type (ℕ, ℤ, ℚ or ℝ), give each fact taken from the question or earlier steps as a hypothesis named h₀, h₁, …, state what this step claims as the conclusion in parentheses, and end with := by sorry. Do not write a proof. Use numerals with type ascriptions where the type matters, for example (3 / 4 : ℝ).

Example of form 2:
` + "```lean" + `
theorem test
  (p q : ℝ)
  (h₀ : p = 2 * q)
  (h₁ : q = 7) :
  (p = 14) := by sorry
` + "```"

// AutoFormalizer asks an LLM for a step's formal statement, as Safe does,
// with retries on answers it cannot use.
type AutoFormalizer struct {
	LLM Completer
	// Tries bounds attempts (default 3, Safe's value).
	Tries int
	// Validate, when set, checks a statement (typically an Engine check in
	// ModeStatement); a failure is fed back and the step is tried again.
	Validate func(ctx context.Context, statement string) error
}

// AutoResult is the outcome of autoformalizing one step.
type AutoResult struct {
	// Formalization has Origin llm. Status is skipped when the model
	// answered False, statement_error when no usable statement came back,
	// and empty (unchecked) otherwise.
	Formalization stepwise.Formalization
	// Answers are the raw model answers, in order, for provenance.
	Answers       []string
	PromptVersion string
}

// Formalize formalizes the last step given the question and the steps
// before it. The error is non-nil only when the LLM call itself failed or
// ctx ended.
func (a *AutoFormalizer) Formalize(ctx context.Context, question string, previous []string, step string) (AutoResult, error) {
	tries := a.Tries
	if tries <= 0 {
		tries = 3
	}
	res := AutoResult{PromptVersion: AutoPromptVersion}
	f := stepwise.Formalization{Origin: stepwise.FormalLLM, Header: DefaultHeader}
	user := autoUserPrompt(question, previous, step)
	var problem string
	for i := 0; i < tries; i++ {
		prompt := user
		if problem != "" {
			prompt += "\n\nYour previous answer could not be used: " + problem + "\nAnswer again in one of the two forms."
		}
		ans, err := a.LLM.Complete(ctx, autoSystemPrompt, prompt)
		if err != nil {
			return res, fmt.Errorf("autoformalize: %w", err)
		}
		res.Answers = append(res.Answers, ans)
		stmt, skip, err := ParseAutoformalization(ans)
		switch {
		case err != nil:
			problem = err.Error()
			continue
		case skip:
			f.Status = stepwise.StatusSkipped
			res.Formalization = f
			return res, nil
		}
		if a.Validate != nil {
			if err := a.Validate(ctx, stmt); err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				problem = "the statement does not elaborate: " + err.Error()
				f.Statement = stmt
				continue
			}
		}
		f.Statement, f.Status = stmt, ""
		res.Formalization = f
		return res, nil
	}
	f.Status = stepwise.StatusStatementError
	f.Messages = []string{problem}
	res.Formalization = f
	return res, nil
}

func autoUserPrompt(question string, previous []string, step string) string {
	var b strings.Builder
	b.WriteString("## Question\n")
	b.WriteString(strings.TrimSpace(question))
	b.WriteString("\n\n## Earlier steps (context, not to be checked)\n")
	if len(previous) == 0 {
		b.WriteString("(none)\n")
	}
	for i, p := range previous {
		fmt.Fprintf(&b, "%d. %s\n", i+1, strings.TrimSpace(p))
	}
	b.WriteString("\n## Step to check\n")
	b.WriteString(strings.TrimSpace(step))
	b.WriteString("\n\n## Your answer\n")
	return b.String()
}

var (
	fenceRE   = regexp.MustCompile("(?s)```[ \t]*(?:[Ll]ean4|[Ll]ean3|[Ll]ean)?[ \t]*\n?(.*?)```")
	declKwRE  = regexp.MustCompile(`(?m)^[ \t]*(theorem|lemma)\s`)
	falseOnly = regexp.MustCompile(`(?i)^[\s*_"'.` + "`" + `]*false[\s*_"'.!` + "`" + `]*$`)
	sorryEnd  = regexp.MustCompile(`:=\s*(?:by\s+)?sorry\s*$`)
)

// ErrNoStatement is wrapped by ParseAutoformalization for unusable answers.
var ErrNoStatement = errors.New("no usable statement")

// ParseAutoformalization reads a model's answer: skip is true for a bare
// "False"; otherwise the answer must hold exactly one theorem (or lemma)
// ending in `:= by sorry`, fenced or not. Model output is untrusted: any
// other shape is an error saying what was wrong.
func ParseAutoformalization(answer string) (statement string, skip bool, err error) {
	text := strings.TrimSpace(answer)
	if len(text) > 64<<10 {
		return "", false, fmt.Errorf("%w: answer over 64 KiB", ErrNoStatement)
	}
	if falseOnly.MatchString(text) {
		return "", true, nil
	}
	if blocks := fenceRE.FindAllStringSubmatch(text, -1); len(blocks) > 0 {
		var withDecl []string
		for _, b := range blocks {
			if declKwRE.MatchString(b[1]) {
				withDecl = append(withDecl, b[1])
			}
		}
		if len(withDecl) != 1 {
			return "", false, fmt.Errorf("%w: %d code blocks with a theorem, want 1", ErrNoStatement, len(withDecl))
		}
		text = withDecl[0]
	}
	locs := declKwRE.FindAllStringIndex(text, -1)
	switch {
	case len(locs) == 0:
		if strings.Contains(strings.ToLower(text), "false") && len(text) < 200 {
			return "", true, nil
		}
		return "", false, fmt.Errorf("%w: neither False nor a theorem", ErrNoStatement)
	case len(locs) > 1:
		return "", false, fmt.Errorf("%w: %d theorems, want 1", ErrNoStatement, len(locs))
	}
	stmt := strings.TrimSpace(text[locs[0][0]:])
	if !sorryEnd.MatchString(stmt) {
		return "", false, fmt.Errorf("%w: the theorem must end in := by sorry (no proof)", ErrNoStatement)
	}
	if m := commandRE.FindString(stmt[len(strings.Fields(stmt)[0]):]); m != "" {
		return "", false, fmt.Errorf("%w: extra command %q", ErrNoStatement, strings.TrimSpace(m))
	}
	return stmt, false, nil
}

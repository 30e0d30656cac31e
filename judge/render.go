package judge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
)

// DefaultMaxTraceChars bounds one trace as shown in a prompt. Longer traces
// have each step cut to an equal share (and, past 2,000 steps, the middle
// steps left out) with a visible note; the sandbox still gets the full text.
const DefaultMaxTraceChars = 60000

// minStepShare is the least a cut step keeps.
const minStepShare = 200

// maxShownSteps bounds the steps listed in a prompt.
const maxShownSteps = 2000

// stepTexts returns a trace's steps, or its raw text as one step when the
// trace has no steps.
func stepTexts(t *stepwise.Trace) []string {
	if len(t.Steps) == 0 {
		return []string{t.Raw}
	}
	out := make([]string, len(t.Steps))
	for i := range t.Steps {
		out[i] = t.Steps[i].Text
	}
	return out
}

// renderSteps lists steps as "[step i]" blocks within a character budget.
func renderSteps(steps []string, budget int) string {
	if budget <= 0 {
		budget = DefaultMaxTraceChars
	}
	total := 0
	for _, s := range steps {
		total += len(s) + 16
	}
	share := 0
	if total > budget {
		share = max(minStepShare, budget/max(1, min(len(steps), maxShownSteps)))
	}
	var b strings.Builder
	omitFrom, omitTo := -1, -1
	if len(steps) > maxShownSteps {
		omitFrom, omitTo = maxShownSteps/2, len(steps)-maxShownSteps/2
	}
	for i, s := range steps {
		if i == omitFrom {
			fmt.Fprintf(&b, "[steps %d to %d left out: the trace is too long to show whole]\n\n", omitFrom, omitTo-1)
		}
		if i >= omitFrom && i < omitTo {
			continue
		}
		fmt.Fprintf(&b, "[step %d]\n", i)
		if share > 0 && len(s) > share {
			fmt.Fprintf(&b, "%s […%d characters cut…]\n\n", cutUTF8(s, share), len(s)-share)
			continue
		}
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// nonce makes the evidence markers of one run: derived from the content, so
// a trace cannot know the marker that would close its own block.
func nonce(p *stepwise.Problem, traces []*stepwise.Trace) string {
	h := sha256.New()
	h.Write([]byte(p.Text))
	for _, t := range traces {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", t.ID, len(t.Raw))
		h.Write([]byte(t.Raw))
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// view is what one presentation order shows: the traces in order.
type view struct {
	problem *stepwise.Problem
	traces  []*stepwise.Trace // 1 (single) or 2 (pairwise, in shown order)
	nonce   string
	budget  int
	code    bool // code analyses allowed
}

func (v *view) vars(p *Prompts) map[string]string {
	m := map[string]string{
		"problem":        v.problem.Text,
		"evidence_start": "<<<EVIDENCE " + v.nonce + ">>>",
		"evidence_end":   "<<<END EVIDENCE " + v.nonce + ">>>",
	}
	for i, t := range v.traces {
		k := fmt.Sprintf("response_%d", i+1)
		m[k] = renderSteps(stepTexts(t), v.budget/len(v.traces))
		m[k+"_start"] = fmt.Sprintf("<<<RESPONSE %d %s>>>", i+1, v.nonce)
		m[k+"_end"] = fmt.Sprintf("<<<END RESPONSE %d %s>>>", i+1, v.nonce)
	}
	if len(v.traces) == 1 {
		m["steps"] = m["response_1"]
		m["last_step"] = fmt.Sprint(max(len(v.traces[0].Steps), 1) - 1)
	}
	if v.problem.GoldAnswer != "" {
		m["gold"] = v.problem.GoldAnswer
		m["reference"] = p.render(tmplReference, m)
	}
	if v.code {
		m["code_rule"] = strings.TrimSpace(p.texts[tmplCodeRule])
	} else {
		m["code_rule"] = strings.TrimSpace(p.texts[tmplCodeRuleOff])
	}
	return m
}

// program is the sandbox input for a code analysis: every shown trace, in
// the shown order, as data.
func (v *view) program(code string) sandbox.Program {
	p := sandbox.Program{Code: code, Entry: "evaluate"}
	for i, t := range v.traces {
		p.Responses = append(p.Responses, sandbox.Response{
			Label: fmt.Sprintf("Response %d", i+1),
			Text:  rawText(t),
			Steps: stepTexts(t),
		})
	}
	return p
}

// rawText is the trace's text, rebuilt from its steps when no raw text was kept.
func rawText(t *stepwise.Trace) string {
	if t.Raw != "" || len(t.Steps) == 0 {
		return t.Raw
	}
	return strings.Join(stepTexts(t), "\n\n")
}

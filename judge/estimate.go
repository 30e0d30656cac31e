package judge

import (
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
)

// Typical completion lengths, in tokens, used for the expected figure; the
// upper bound assumes every call uses the profile's max_tokens.
const (
	typicalCriteriaTokens = 200
	typicalAnalysisTokens = 450
	typicalVerdictTokens  = 600
	// typicalCriterionChars stands in for a question not yet written.
	typicalCriterionChars = 160
	// typicalAnalysesChars stands in for one analysis in the refiner prompt.
	typicalAnalysesChars = 1500
)

// Estimate is a batch's expected size and cost before it starts. Token
// counts are approximations (see EstimateTokens): a guide for the
// go-ahead, not a bill.
type Estimate struct {
	Jobs, Calls int
	// AssumedCriteria is the number of generated questions per job assumed
	// (plus the fixed one).
	AssumedCriteria int
	// PromptTokens are the rendered prompts' estimated tokens.
	PromptTokens int
	// CompletionTokens is the expected output; MaxCompletionTokens the
	// bound if every call hit max_tokens.
	CompletionTokens    int
	MaxCompletionTokens int
	CostUSD             float64
	MaxCostUSD          float64
}

// Estimate prices a batch without calling the model: it renders each job's
// prompts as the run would (with stand-ins for questions and analyses not
// yet written) and counts their tokens. criteria is the number of generated
// questions to assume (0: 4, the middle of 3–6).
func (r *Runner) Estimate(jobs iter.Seq[Job], criteria int) Estimate {
	if criteria <= 0 {
		criteria = 4
	}
	e := Estimate{AssumedCriteria: criteria}
	pr := r.prompts()
	maxTok := r.Profile.WithDefaults().MaxTokens
	stand := strings.Repeat("x", typicalCriterionChars)
	analyses := strings.Repeat("x", typicalAnalysesChars*(criteria+1))
	system := EstimateTokens(pr.text(tmplSystem))
	for j := range jobs {
		e.Jobs++
		traces := make([]*stepwise.Trace, len(j.Traces))
		for i := range j.Traces {
			traces[i] = &j.Traces[i]
		}
		if len(traces) == 0 {
			continue
		}
		orders := 1
		analysisTmpl, refineTmpl := tmplAnalysisOne, tmplRefineOne
		if len(traces) == 2 {
			orders = 2
			analysisTmpl, refineTmpl = tmplAnalysisPair, tmplRefinePair
		}
		v := &view{problem: &j.Problem, traces: traces, nonce: "0123456789", budget: r.budget(), code: r.Sandbox != nil}
		vars := v.vars(pr)
		vars["criterion"] = stand
		vars["analyses"] = analyses
		crit := system + EstimateTokens(pr.render(tmplCriteria, vars))
		ana := system + EstimateTokens(pr.render(analysisTmpl, vars))
		ref := system + EstimateTokens(pr.render(refineTmpl, vars))
		calls := 1 + orders*(criteria+1) + orders
		e.Calls += calls
		e.PromptTokens += crit + orders*((criteria+1)*ana+ref)
		e.CompletionTokens += min(typicalCriteriaTokens, maxTok) +
			orders*((criteria+1)*min(typicalAnalysisTokens, maxTok)+min(typicalVerdictTokens, maxTok))
		e.MaxCompletionTokens += calls * maxTok
	}
	p := r.Profile
	e.CostUSD = (float64(e.PromptTokens)*p.InputPricePerM + float64(e.CompletionTokens)*p.OutputPricePerM) / 1e6
	e.MaxCostUSD = (float64(e.PromptTokens)*p.InputPricePerM + float64(e.MaxCompletionTokens)*p.OutputPricePerM) / 1e6
	return e
}

// EstimateTokens approximates a tokenizer: about four bytes of ASCII per
// token, and one token per non-ASCII character (CJK and most symbols cost
// a token or more each in common BPE vocabularies).
func EstimateTokens(s string) int {
	ascii, other := 0, 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		other++
		i += n
	}
	return (ascii+3)/4 + other
}

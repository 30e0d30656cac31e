package judgerun

import (
	"fmt"

	"github.com/stepwise-dev/stepwise/judge"
)

// Describe says what a judge plan will send and what it may cost, before
// anything is sent: the plan, the model and endpoint with the prompt
// version, the estimate of calls and tokens, and the cost at the
// profile's prices. `stepwise judge` prints it and asks; the workbench
// shows it and asks before A or P send whole traces. The lines hold names
// from the configuration: the caller makes them safe for the terminal.
func Describe(r *judge.Runner, p *Plan, est judge.Estimate) []string {
	prof := r.Profile
	code := "code analyses in the sandbox"
	if r.Sandbox == nil {
		code = "no code analyses"
	}
	lines := []string{
		"judge: " + PlanText(p),
		fmt.Sprintf("model %s at %s, prompts %s, %s", prof.Model, prof.Endpoint(), r.Prompts.Version, code),
		fmt.Sprintf("estimate: ~%s calls, ~%s prompt tokens, ~%s completion tokens (at most %s)",
			Thousands(est.Calls), Thousands(est.PromptTokens), Thousands(est.CompletionTokens), Thousands(est.MaxCompletionTokens)),
	}
	return append(lines, CostText(r, est))
}

// CostText is the estimate's cost at the profile's prices, or says that
// the profile has none.
func CostText(r *judge.Runner, est judge.Estimate) string {
	prof := r.Profile
	if prof.InputPricePerM == 0 && prof.OutputPricePerM == 0 {
		return "cost: not priced (set input_price_per_m and output_price_per_m in the profile)"
	}
	return fmt.Sprintf("cost: ~$%.4f (at most $%.4f) at $%g in / $%g out per million tokens",
		est.CostUSD, est.MaxCostUSD, prof.InputPricePerM, prof.OutputPricePerM)
}

// PlanText says what a plan judges.
func PlanText(p *Plan) string {
	if !p.Pairwise {
		return fmt.Sprintf("%d trace%s, one job each", len(p.Units), plural(len(p.Units)))
	}
	s := fmt.Sprintf("%d pair%s of %d traces (%d correct against wrong)", len(p.Units), plural(len(p.Units)), p.Traces(), p.Mixed)
	if p.Unpaired > 0 {
		s += fmt.Sprintf("; %d trace%s left without a partner", p.Unpaired, plural(p.Unpaired))
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Thousands writes n with thousands separators.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

package judge

import "github.com/stepwise-dev/stepwise/judge/llm"

// Structured-output schemas, strict-mode compatible: every property
// required, no additional properties. The prompts ask for the same shapes in
// words, so endpoints without structured output answer alike.

func str() map[string]any { return map[string]any{"type": "string"} }

func object(props map[string]any) map[string]any {
	req := make([]string, 0, len(props))
	for k := range props {
		req = append(req, k)
	}
	sortStrings(req)
	return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
}

var (
	criteriaSchema = &llm.Schema{Name: "evaluation_questions", Schema: object(map[string]any{
		"criteria": map[string]any{"type": "array", "items": str()},
	})}
	analysisSchema = &llm.Schema{Name: "criterion_analysis", Schema: object(map[string]any{
		"mode":     map[string]any{"type": "string", "enum": []string{ModeText, ModeCode}},
		"analysis": str(),
		"code":     str(),
	})}
	pairSchema = &llm.Schema{Name: "pairwise_verdict", Schema: object(map[string]any{
		"reasoning": str(),
		"winner":    map[string]any{"type": "integer", "enum": []int{1, 2}},
	})}
	singleSchema = &llm.Schema{Name: "trace_verdict", Schema: object(map[string]any{
		"reasoning":   str(),
		"verdict":     map[string]any{"type": "string", "enum": []string{VerdictCorrect, VerdictIncorrect}},
		"first_error": map[string]any{"type": "integer"},
		"flags": map[string]any{"type": "array", "items": object(map[string]any{
			"step":   map[string]any{"type": "integer"},
			"reason": str(),
		})},
	})}
)

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

package judge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Model output is hostile and messy: JSON wrapped in prose or code fences,
// numbered lists instead of JSON, verdicts stated twice. Every parser here
// tries JSON first, then the plain-text conventions, and reports what it
// could not read instead of guessing.

// Limits on what is kept from one model answer.
const (
	maxCriteria     = 6
	maxCriterionLen = 400
	maxFlagReason   = 400
	maxJSONTries    = 64
)

// findJSON returns the first JSON object in s that decodes into v and for
// which ok(v) holds, trying each '{' in turn (after code fences).
func findJSON[T any](s string, ok func(*T) bool) (*T, bool) {
	tries := 0
	for i := 0; i < len(s) && tries < maxJSONTries; i++ {
		j := strings.IndexByte(s[i:], '{')
		if j < 0 {
			break
		}
		i += j
		tries++
		var v T
		dec := json.NewDecoder(strings.NewReader(s[i:]))
		if err := dec.Decode(&v); err == nil && ok(&v) {
			return &v, true
		}
	}
	return nil, false
}

// --- criteria ---

type criteriaJSON struct {
	Criteria []string `json:"criteria"`
}

var listItem = regexp.MustCompile(`^\s*(?:\(?\d{1,3}[.):]|[-*•])\s+(.+?)\s*$`)

// ParseCriteria reads the evaluation questions: {"criteria": [...]}, a bare
// JSON array, or a numbered or bulleted list (any number of digits). Blank
// and duplicate questions are dropped, long ones cut, at most 6 kept.
func ParseCriteria(out string) ([]string, error) {
	var raw []string
	if v, ok := findJSON(out, func(c *criteriaJSON) bool { return len(c.Criteria) > 0 }); ok {
		raw = v.Criteria
	} else if arr, ok := jsonArray(out); ok {
		raw = arr
	} else {
		for _, line := range strings.Split(out, "\n") {
			if m := listItem.FindStringSubmatch(line); m != nil {
				raw = append(raw, m[1])
			}
		}
	}
	var qs []string
	seen := map[string]bool{}
	for _, q := range raw {
		q = strings.Join(strings.Fields(q), " ")
		q = strings.Trim(q, `"`)
		if q == "" || seen[strings.ToLower(q)] {
			continue
		}
		seen[strings.ToLower(q)] = true
		qs = append(qs, clipRunes(q, maxCriterionLen))
		if len(qs) == maxCriteria {
			break
		}
	}
	if len(qs) == 0 {
		return nil, errors.New("no evaluation questions found in the model's answer")
	}
	return qs, nil
}

func jsonArray(s string) ([]string, bool) {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		return nil, false
	}
	var arr []string
	if err := json.NewDecoder(strings.NewReader(s[i:])).Decode(&arr); err != nil || len(arr) == 0 {
		return nil, false
	}
	return arr, true
}

// --- per-criterion analysis ---

// Analysis modes.
const (
	ModeText = "text"
	ModeCode = "code"
)

// ParsedAnalysis is one per-criterion answer.
type ParsedAnalysis struct {
	Mode     string
	Analysis string
	Code     string
}

type analysisJSON struct {
	Mode     string `json:"mode"`
	Analysis string `json:"analysis"`
	Code     string `json:"code"`
}

var fenceRe = regexp.MustCompile("(?s)```[ \\t]*(python3?|py)?[ \\t]*\\n(.*?)(?:```|$)")

// ParseAnalysis reads a per-criterion answer: JSON {mode, analysis, code};
// else a fenced Python block holding a def is code (ARJudge's convention);
// else the whole answer is a text analysis.
func ParseAnalysis(out string) ParsedAnalysis {
	if v, ok := findJSON(out, func(a *analysisJSON) bool { return a.Mode != "" || a.Analysis != "" || a.Code != "" }); ok {
		p := ParsedAnalysis{Mode: strings.ToLower(strings.TrimSpace(v.Mode)), Analysis: strings.TrimSpace(v.Analysis), Code: cleanCode(v.Code)}
		if p.Code != "" && (p.Mode == ModeCode || p.Mode == "") {
			p.Mode = ModeCode
		} else {
			p.Mode, p.Code = ModeText, ""
		}
		return p
	}
	for _, m := range fenceRe.FindAllStringSubmatch(out, -1) {
		if strings.Contains(m[2], "def ") {
			text := strings.TrimSpace(strings.Replace(out, m[0], "", 1))
			return ParsedAnalysis{Mode: ModeCode, Analysis: text, Code: cleanCode(m[2])}
		}
	}
	return ParsedAnalysis{Mode: ModeText, Analysis: strings.TrimSpace(out)}
}

var exampleCut = regexp.MustCompile(`(?m)^(?:#\s*Example usage.*|if __name__\s*==\s*["']__main__["']\s*:.*)$`)

// cleanCode drops fences and the example-usage tail models like to add: the
// harness calls the entry function itself.
func cleanCode(code string) string {
	code = strings.TrimSpace(code)
	if m := fenceRe.FindStringSubmatch(code); m != nil && strings.HasPrefix(code, "```") {
		code = m[2]
	}
	if loc := exampleCut.FindStringIndex(code); loc != nil {
		code = code[:loc[0]]
	}
	return strings.TrimSpace(code)
}

// --- pairwise verdict ---

type pairJSON struct {
	Reasoning string          `json:"reasoning"`
	Winner    json.RawMessage `json:"winner"`
}

var (
	betterRe = regexp.MustCompile(`(?i)response\s*([12])\s+is\s+(?:the\s+)?better`)
	winnerRe = regexp.MustCompile(`(?i)winner\W{0,4}(?:is\s+)?(?:response\s*)?([12])\b`)
)

// ParsePairVerdict reads the winner (1 or 2): JSON "winner" (a number or a
// string naming the response), else the last "Response N is better" or
// "winner: N" in the text.
func ParsePairVerdict(out string) (int, error) {
	if v, ok := findJSON(out, func(p *pairJSON) bool { return len(p.Winner) > 0 }); ok {
		if w := winnerValue(v.Winner); w != 0 {
			return w, nil
		}
	}
	best, pos := 0, -1
	for _, re := range []*regexp.Regexp{betterRe, winnerRe} {
		for _, m := range re.FindAllStringSubmatchIndex(out, -1) {
			if m[0] > pos {
				pos = m[0]
				best = int(out[m[2]] - '0')
			}
		}
	}
	if best == 0 {
		return 0, errors.New("no verdict (Response 1 or 2) found in the model's answer")
	}
	return best, nil
}

func winnerValue(raw json.RawMessage) int {
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return 0
	}
	switch x := v.(type) {
	case json.Number:
		n = x
	case string:
		s := strings.TrimSpace(strings.ToLower(x))
		s = strings.TrimPrefix(s, "response")
		n = json.Number(strings.TrimSpace(s))
	default:
		return 0
	}
	switch n.String() {
	case "1":
		return 1
	case "2":
		return 2
	}
	return 0
}

// --- single-trace verdict ---

// Verdicts of a single-trace run.
const (
	VerdictCorrect   = "correct"
	VerdictIncorrect = "incorrect"
)

// SingleVerdict is the refiner's judgment of one trace.
type SingleVerdict struct {
	Verdict string
	// FirstError is the earliest wrong step (ProcessBench semantics: -1 for
	// none); nil when the answer gave no usable index.
	FirstError *int
	Flags      []stepwise.StepFlag
	// Problems lists what could not be read or was out of range.
	Problems []string
}

type singleJSON struct {
	Reasoning  string          `json:"reasoning"`
	Verdict    string          `json:"verdict"`
	FirstError json.RawMessage `json:"first_error"`
	Flags      []struct {
		Step   json.RawMessage `json:"step"`
		Reason string          `json:"reason"`
	} `json:"flags"`
}

var (
	verdictRe    = regexp.MustCompile(`(?i)verdict\W{0,4}(correct|incorrect)\b`)
	firstErrRe   = regexp.MustCompile(`(?i)first[ _]error\W{0,4}(?:step\s*|paragraph\s*)?(-?\d{1,6})`)
	boxedIndexRe = regexp.MustCompile(`\\boxed\{\s*(-?\d{1,6})\s*\}`)
	flagLineRe   = regexp.MustCompile(`(?im)^\s*(?:[-*]\s*)?(?:flag\s*)?step\s*(\d{1,6})\s*[:\-–—]\s*(.+?)\s*$`)
)

// ParseSingleVerdict reads verdict, first error and flags for a trace of
// nSteps steps. Indexes outside [-1, nSteps) are rejected and reported.
func ParseSingleVerdict(out string, nSteps int) SingleVerdict {
	var sv SingleVerdict
	if v, ok := findJSON(out, func(s *singleJSON) bool { return s.Verdict != "" || len(s.FirstError) > 0 }); ok {
		sv.Verdict = normVerdict(v.Verdict)
		if n, ok := intValue(v.FirstError); ok {
			sv.setFirstError(n, nSteps)
		} else if len(v.FirstError) > 0 && string(v.FirstError) != "null" {
			sv.Problems = append(sv.Problems, fmt.Sprintf("first_error %s is not a step number", clipRunes(string(v.FirstError), 40)))
		}
		for _, f := range v.Flags {
			n, ok := intValue(f.Step)
			if !ok {
				sv.Problems = append(sv.Problems, fmt.Sprintf("flag step %s is not a step number", clipRunes(string(f.Step), 40)))
				continue
			}
			sv.addFlag(n, f.Reason, nSteps)
		}
	} else {
		if m := lastSubmatch(verdictRe, out); m != nil {
			sv.Verdict = normVerdict(m[1])
		}
		m := lastSubmatch(firstErrRe, out)
		if m == nil {
			m = lastSubmatch(boxedIndexRe, out)
		}
		if m != nil {
			n, _ := strconv.Atoi(m[1])
			sv.setFirstError(n, nSteps)
		}
		for _, m := range flagLineRe.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			sv.addFlag(n, m[2], nSteps)
		}
	}
	if sv.Verdict == "" {
		sv.Problems = append(sv.Problems, "no verdict (correct or incorrect) found")
	}
	if sv.FirstError == nil {
		sv.Problems = append(sv.Problems, "no first error index found")
	}
	return sv
}

func (sv *SingleVerdict) setFirstError(n, nSteps int) {
	if n < -1 || n >= nSteps {
		sv.Problems = append(sv.Problems, fmt.Sprintf("first_error %d is outside -1..%d", n, nSteps-1))
		return
	}
	sv.FirstError = &n
}

func (sv *SingleVerdict) addFlag(n int, reason string, nSteps int) {
	if n < 0 || n >= nSteps {
		sv.Problems = append(sv.Problems, fmt.Sprintf("flag on step %d is outside 0..%d", n, nSteps-1))
		return
	}
	for _, f := range sv.Flags {
		if f.Step == n {
			return
		}
	}
	sv.Flags = append(sv.Flags, stepwise.StepFlag{Step: n, Reason: clipRunes(strings.TrimSpace(reason), maxFlagReason)})
}

func normVerdict(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "correct", "right", "valid", "true":
		return VerdictCorrect
	case "incorrect", "wrong", "invalid", "false":
		return VerdictIncorrect
	}
	return ""
}

// intValue reads a JSON number or a numeric string ("3", "step 3").
func intValue(raw json.RawMessage) (int, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	switch x := v.(type) {
	case float64:
		if x != float64(int(x)) || x > 1e6 || x < -1e6 {
			return 0, false
		}
		return int(x), true
	case string:
		s := strings.TrimSpace(strings.ToLower(x))
		s = strings.TrimSpace(strings.TrimPrefix(s, "step"))
		n, err := strconv.Atoi(s)
		return n, err == nil && n > -1e6 && n < 1e6
	}
	return 0, false
}

func lastSubmatch(re *regexp.Regexp, s string) []string {
	all := re.FindAllStringSubmatch(s, -1)
	if len(all) == 0 {
		return nil
	}
	return all[len(all)-1]
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

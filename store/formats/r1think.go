package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Helpers shared by the long chain-of-thought codecs (R1 <think> tags,
// Sky-T1 thought/solution tags, OpenR1-Math, DeltaBench, Safe).

// thinkCut locates a reasoning block delimited by open and close tags in a
// generation. Spans index the generation text and exclude the tags.
type thinkCut struct {
	Think    stepwise.Span // the reasoning, without its tags
	HasThink bool
	// Truncated: the block was opened and never closed (the generation hit
	// its token limit while reasoning).
	Truncated bool
	// Rest is what follows the closing tag (the whole text when there is no
	// reasoning block).
	Rest stepwise.Span
	// OpenMissing: a closing tag without an opening one (R1-distill chat
	// templates put the opening tag into the prompt).
	OpenMissing bool
}

// cutThinkTags applies the R1 rules: text before the first close tag is
// reasoning (after the open tag when one precedes it); an open tag without a
// close tag means the reasoning was cut off; no tags at all means no reasoning.
func cutThinkTags(raw, open, close string) thinkCut {
	end := len(raw)
	o := strings.Index(raw, open)
	c := strings.Index(raw, close)
	switch {
	case c >= 0 && o >= 0 && o < c:
		return thinkCut{Think: stepwise.Span{Start: o + len(open), End: c}, HasThink: true,
			Rest: stepwise.Span{Start: c + len(close), End: end}}
	case c >= 0:
		return thinkCut{Think: stepwise.Span{Start: 0, End: c}, HasThink: true, OpenMissing: true,
			Rest: stepwise.Span{Start: c + len(close), End: end}}
	case o >= 0:
		return thinkCut{Think: stepwise.Span{Start: o + len(open), End: end}, HasThink: true, Truncated: true,
			Rest: stepwise.Span{Start: end, End: end}}
	}
	return thinkCut{Rest: stepwise.Span{Start: 0, End: end}}
}

// paragraphSep is the blank-line step separator used for long reasoning.
const paragraphSep = "\n\n"

// addParagraphSection cuts t.Raw[sp] into blank-line-separated steps of the
// given kind and records them as one section. A span without any non-blank
// text adds nothing and returns false.
func addParagraphSection(t *stepwise.Trace, kind stepwise.SectionKind, title string,
	sp stepwise.Span, stepKind stepwise.StepKind) bool {
	spans := splitSpans(t.Raw[sp.Start:sp.End], paragraphSep, sp.Start)
	if len(spans) == 0 {
		return false
	}
	first := len(t.Steps)
	stepsFromSpans(t, stepKind, spans)
	t.Sections = append(t.Sections, stepwise.Section{Kind: kind, Title: title, Span: sp,
		FirstStep: first, EndStep: len(t.Steps)})
	return true
}

// jsonText renders a JSON scalar as text: a string as itself, a number or a
// bool as written, null or an absent value as "" (with ok false). Arrays and
// objects come back as compact JSON, so no value is lost.
func jsonText(raw json.RawMessage) (s string, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", false
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err == nil {
			return s, true
		}
		return string(raw), true
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw), true
	}
	return buf.String(), true
}

// jsonFlag reads a 0/1-style flag or a small integer that a source writes as
// a number (1, 1.0), a numeric string ("1") or a bool; null, "" and an absent
// value are unset. Anything else is an error naming field.
func jsonFlag(raw json.RawMessage, field string) (v int, set bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return 0, false, nil
	}
	switch raw[0] {
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return 0, false, fmt.Errorf("%s: not a number, a numeric string or a bool: %.40s", field, raw)
		}
		if b {
			return 1, true, nil
		}
		return 0, true, nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false, fmt.Errorf("%s: %w", field, err)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, false, nil
		}
		raw = []byte(s)
	}
	f, perr := strconv.ParseFloat(string(raw), 64)
	if perr != nil || !(f >= -1e9 && f <= 1e9) || f != float64(int(f)) {
		return 0, false, fmt.Errorf("%s: want an integer, found %.40q", field, raw)
	}
	return int(f), true, nil
}

// setMeta stores a non-empty value in t.Meta.
func setMeta(t *stepwise.Trace, key, value string) {
	if value == "" {
		return
	}
	if t.Meta == nil {
		t.Meta = map[string]string{}
	}
	t.Meta[key] = value
}

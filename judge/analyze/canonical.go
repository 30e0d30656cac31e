package analyze

import (
	"regexp"
	"strings"
	"unicode"
)

// canon is an answer reduced to a comparable form, with what was stripped.
type canon struct {
	s       string
	percent bool
}

var (
	latexNoise = strings.NewReplacer(
		`\left`, "", `\right`, "", `\!`, "", `\,`, "", `\;`, "", `\:`, "", `\ `, "",
		`\displaystyle`, "", `\dfrac`, `\frac`, `\tfrac`, `\frac`, `\cfrac`, `\frac`,
		`^{\circ}`, "", `^\circ`, "", `\circ`, "", `°`, "", `\degree`, "",
		`\le `, `\leq `, `\ge `, `\geq `, `\cdot`, "*", `\times`, "*", "×", "*", "·", "*",
		`\$`, "", `$`, "", `\%`, "%", "−", "-", `\infty`, "∞", `\emptyset`, "∅", `\varnothing`, "∅",
		`\{`, "{", `\}`, "}", "~", "",
	)
	wrapText   = regexp.MustCompile(`^\\(?:text|textbf|mathrm|mbox|mathbf)\{([^{}]*)\}$`)
	unitText   = regexp.MustCompile(`^(.*?)\s*\\(?:text|mbox|mathrm)\{\s*[a-zA-Z][a-zA-Z .]*\}(?:\^\{?[23]\}?)?$`)
	unitWord   = regexp.MustCompile(`^(.*?)\s+[a-zA-Z]{2,}(?:\s+[a-zA-Z]{2,})*\.?(?:\^\{?[23]\}?)?$`)
	innerText  = regexp.MustCompile(`\\(?:text|textbf|mathrm|mbox|mathbf|operatorname)\{([^{}]*)\}`)
	assignLHS  = regexp.MustCompile(`^[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?\s*=\s*([^=]+)$`)
	thousands  = regexp.MustCompile(`^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$`)
	shortFrac  = regexp.MustCompile(`\\frac([0-9a-zA-Z])([0-9a-zA-Z])`)
	shortFrac2 = regexp.MustCompile(`\\frac(\{[^{}]*\})([0-9a-zA-Z])`)
	shortFrac3 = regexp.MustCompile(`\\frac([0-9a-zA-Z])\{`)
	shortSqrt  = regexp.MustCompile(`\\sqrt([0-9a-zA-Z])`)
)

// canonical reduces an answer for comparison: math delimiters, spacing
// commands and \left/\right go; \dfrac and \tfrac become \frac; degree
// signs, currency signs, \text{} units and trailing unit words go; a
// percent sign is remembered and removed; "x = 5" becomes "5"; thousands
// separators go; \frac43 becomes \frac{4}{3}; white space goes.
func canonical(raw string) canon {
	s := strings.TrimSpace(raw)
	if c, off, ok := LastBoxed(s); ok && off == 0 {
		s = c
	}
	s = stripDelims(s)
	s = strings.TrimSpace(latexNoise.Replace(s))
	s = strings.TrimRight(s, ". ")
	if m := assignLHS.FindStringSubmatch(s); m != nil {
		s = strings.TrimSpace(m[1])
	}
	var c canon
	s, c.percent = cutPercent(s)
	if m := wrapText.FindStringSubmatch(s); m != nil {
		s = strings.TrimSpace(m[1])
	}
	s = stripUnit(s)
	s = innerText.ReplaceAllString(s, "$1")
	var pct bool
	s, pct = cutPercent(s)
	c.percent = c.percent || pct
	s = removeSpace(s)
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	c.s = strings.TrimRight(braceArgs(s), ".")
	return c
}

// braceArgs writes one-character \frac and \sqrt arguments with braces:
// \frac43 → \frac{4}{3}, \frac{1}2 → \frac{1}{2}, \sqrt2 → \sqrt{2}.
func braceArgs(s string) string {
	s = shortFrac.ReplaceAllString(s, `\frac{$1}{$2}`)
	s = shortFrac2.ReplaceAllString(s, `\frac$1{$2}`)
	s = shortFrac3.ReplaceAllString(s, `\frac{$1}{`)
	return shortSqrt.ReplaceAllString(s, `\sqrt{$1}`)
}

func cutPercent(s string) (string, bool) {
	if t, ok := strings.CutSuffix(s, "%"); ok {
		return strings.TrimSpace(t), true
	}
	return s, false
}

// stripUnit drops a trailing unit (\text{ cm}, "dollars", "square feet")
// when what is left is a number: "18 dollars" → "18", but "-2 + 7i" and
// "\cot x" keep their letters.
func stripUnit(s string) string {
	for _, re := range []*regexp.Regexp{unitText, unitWord} {
		m := re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		if _, ok := evalRat(braceArgs(removeSpace(rest))); ok {
			return rest
		}
		if r := removeSpace(rest); thousands.MatchString(r) {
			return rest
		}
	}
	return s
}

func stripDelims(s string) string {
	for {
		t := strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(t, `\(`) && strings.HasSuffix(t, `\)`):
			t = t[2 : len(t)-2]
		case strings.HasPrefix(t, `\[`) && strings.HasSuffix(t, `\]`):
			t = t[2 : len(t)-2]
		case len(t) >= 2 && strings.HasPrefix(t, "$") && strings.HasSuffix(t, "$"):
			t = strings.Trim(t, "$")
		}
		if t == s {
			return t
		}
		s = t
	}
}

func removeSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

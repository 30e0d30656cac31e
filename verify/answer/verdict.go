package answer

import "strings"

// Method names how a verdict was reached.
type Method string

// Methods, roughly from strictest to loosest.
const (
	MethodExact      Method = "exact"      // the same text after trimming
	MethodNormalized Method = "normalized" // the same after LaTeX, spacing, unit and case normalization
	MethodNumeric    Method = "numeric"    // the same number (exactly, or to the stated precision)
	MethodSymbolic   Method = "symbolic"   // the same expression, by evaluation at sample points
	MethodEquation   Method = "equation"   // equivalent equations or inequalities
	MethodSet        Method = "set"        // the same elements in any order
	MethodInterval   Method = "interval"   // the same interval(s)
	MethodTuple      Method = "tuple"      // the same elements in order (tuples, ratios)
	MethodMatrix     Method = "matrix"     // the same matrix, entry by entry
	MethodText       Method = "text"       // prose or notation this grader cannot read: compared as text
)

// Outcome is a verdict's answer: equal, different, or unknown.
type Outcome uint8

// Outcomes.
const (
	Unknown Outcome = iota
	Equal
	Different
)

func (o Outcome) String() string {
	return [...]string{"unknown", "equal", "different"}[o]
}

// Verdict is the outcome of grading a predicted answer against a gold one.
type Verdict struct {
	Outcome Outcome
	// Method says how an Equal or Different outcome was reached.
	Method Method
	// Predicted and Gold are the answers compared, as extracted.
	Predicted, Gold string
	// Reason says why the outcome is Unknown.
	Reason string
}

// Correct returns the verdict as a pointer to bool, nil when unknown.
func (v Verdict) Correct() *bool {
	if v.Outcome == Unknown {
		return nil
	}
	b := v.Outcome == Equal
	return &b
}

// Options tune a comparison.
type Options struct {
	// Precision is the number of decimals two numbers are rounded to when
	// either was written as a decimal (0.0833333 against 1/12). 0 means 6,
	// Math-Verify's default.
	Precision int
}

func (o Options) precision() int {
	if o.Precision <= 0 {
		return 6
	}
	return o.Precision
}

// Grade finds the final answer in a response and in a gold text (which may
// be a bare answer or a worked solution) and compares them.
func Grade(response, gold string, opt Options) Verdict {
	g, ok := Extract(gold)
	if !ok {
		return Verdict{Outcome: Unknown, Reason: "no gold answer found"}
	}
	p, ok := Extract(response)
	if !ok {
		return Verdict{Outcome: Unknown, Gold: g.Text, Reason: "no final answer found"}
	}
	v := Compare(p.Text, g.Text, opt)
	return v
}

// Compare decides whether two extracted answers are equivalent.
func Compare(pred, gold string, opt Options) Verdict {
	v := Verdict{Predicted: pred, Gold: gold}
	p, g := strings.TrimSpace(pred), strings.TrimSpace(gold)
	if p == "" || g == "" {
		v.Reason = "empty answer"
		return v
	}
	if p == g {
		v.Outcome, v.Method = Equal, MethodExact
		return v
	}
	if np, ng := normText(p), normText(g); np != "" && (np == ng || isWords(np) && strings.EqualFold(np, ng)) {
		v.Outcome, v.Method = Equal, MethodNormalized
		return v
	}
	pn, ok1 := parse(p)
	gn, ok2 := parse(g)
	if !ok1 || !ok2 {
		// Nothing shows the two equal, and the texts differ.
		v.Outcome, v.Method = Different, MethodText
		return v
	}
	c := comparer{precision: opt.precision()}
	r := c.equal(pn, gn, 0)
	v.Outcome, v.Method = r.outcome, r.method
	if r.outcome == Unknown {
		v.Reason = "could not evaluate the answers"
	}
	return v
}

func isWords(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && s[i] != ' ' {
			return false
		}
	}
	return true
}

var normReplacer = strings.NewReplacer(
	"$", "", `\left`, "", `\right`, "", `\!`, "", `\,`, "", `\;`, "", `\:`, "", `\ `, "", `\quad`, "",
	`\qquad`, "", `\displaystyle`, "", " ", "", "\n", "", "\t", "", `\dfrac`, `\frac`, `\tfrac`, `\frac`,
	`\cfrac`, `\frac`, `^\circ`, "", `^{\circ}`, "", "°", "", `\%`, "", "%", "", `\text`, "", `\textbf`, "",
	`\mathrm`, "", `\mbox`, "", `\textnormal`, "", `\mathbf`, "", "{", "", "}", "", `\(`, "", `\)`, "",
	`\[`, "", `\]`, "", `\le `, `\leq`, `\ge `, `\geq`, `\leqslant`, `\leq`, `\geqslant`, `\geq`,
)

// normText is a comparison key: LaTeX spacing, sizing, text wrappers,
// braces, percent and degree marks removed; a choice letter in parentheses
// reads as the letter.
func normText(s string) string {
	s = normReplacer.Replace(s)
	s = strings.TrimRight(s, ".")
	if len(s) == 3 && s[0] == '(' && s[2] == ')' && isLetter(s[1]) {
		s = s[1:2]
	}
	return s
}

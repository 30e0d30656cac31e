package verify

import (
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/claim"
)

// Claim is an arithmetic claim found in a step and its Lean statement.
type Claim struct {
	// Source is how it was found: "calc" (GSM8K <<a=b>>), "equation",
	// "latex" (the step's math used \frac, \cdot, …) or "percent".
	Source string
	// Text is the claim as it reads after normalization ("48 / 2 = 24").
	Text string
	// Span locates the claim in the step text (byte offsets, relative to
	// the step's Text); for calcs it is the annotation itself.
	Span stepwise.Span
	// Statement is `theorem test : (48 / 2 : ℝ) = 24 := by sorry`; Proof
	// proposes `norm_num` for the Lean backends.
	Statement string
	Proof     string
}

// Formalization returns the claim as a rule-based formalization with the
// default header, not yet checked.
func (c Claim) Formalization() stepwise.Formalization {
	return stepwise.Formalization{Statement: c.Statement, Proof: c.Proof, Header: DefaultHeader,
		Origin: stepwise.FormalRule}
}

// FormalizeStep finds the arithmetic claims of a step: its calculator
// annotations first, then equations in the text (with the annotations
// blanked out), without duplicates.
func FormalizeStep(step stepwise.Step) []Claim {
	var out []Claim
	seen := map[string]bool{}
	add := func(c Claim) {
		if !seen[c.Statement] {
			seen[c.Statement] = true
			out = append(out, c)
		}
	}
	for _, c := range step.Calcs {
		if cl, ok := calcClaim(c, step.Span.Start); ok {
			add(cl)
		}
	}
	for _, c := range FormalizeText(blankCalcs(step.Text)) {
		add(c)
	}
	return out
}

// calcClaim formalizes a GSM8K annotation <<Expr=Result>>.
func calcClaim(c stepwise.Calc, base int) (Claim, bool) {
	lhs, ok1 := leanArith(c.Expr)
	rhs, ok2 := leanArith(c.Result)
	if !ok1 || !ok2 {
		return Claim{}, false
	}
	cl, ok := makeClaim(lhs, rhs, "calc")
	cl.Span = stepwise.Span{Start: c.Span.Start - base, End: c.Span.End - base}
	return cl, ok
}

// makeClaim builds the statement `(lhs : ℝ) = rhs` and keeps it only if
// the claim package reads it (so every emitted claim is decidable).
func makeClaim(lhs, rhs, source string) (Claim, bool) {
	body := "(" + lhs + " : ℝ) = " + rhs
	stmt := "theorem test : " + body + " := by sorry"
	st, err := claim.Parse(stmt)
	if err != nil || !st.Closed() {
		return Claim{}, false
	}
	return Claim{Source: source, Text: lhs + " = " + rhs, Statement: stmt,
		Proof: "theorem test : " + body + " := by\n  norm_num"}, true
}

// leanArith turns a calculator expression (digits, + - * / ( ) .) into
// Lean syntax, rejecting anything else.
func leanArith(s string) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.', r == '(', r == ')', r == ' ':
			b.WriteRune(r)
		case r == '+', r == '-', r == '*', r == '/':
			b.WriteString(" " + string(r) + " ")
		case r == '×', r == '·', r == '⋅':
			b.WriteString(" * ")
		case r == '÷':
			b.WriteString(" / ")
		case r == '−', r == '–':
			b.WriteString(" - ")
		default:
			return "", false
		}
	}
	return strings.Join(strings.Fields(b.String()), " "), true
}

// blankCalcs replaces each <<…>> annotation by spaces, keeping offsets.
func blankCalcs(s string) string {
	for {
		i := strings.Index(s, "<<")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], ">>")
		if j < 0 {
			return s
		}
		s = s[:i] + strings.Repeat(" ", j+2) + s[i+j+2:]
	}
}

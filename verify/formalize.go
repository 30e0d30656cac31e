package verify

import (
	"fmt"
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
	// Err is set, and Statement empty, for a calculator annotation that is
	// not plain arithmetic: it is reported as unsupported, never dropped.
	Err string
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
		cl := calcClaim(c, step.Span.Start)
		if cl.Err != "" {
			out = append(out, cl)
			continue
		}
		add(cl)
	}
	for _, c := range FormalizeText(blankCalcs(step.Text)) {
		add(c)
	}
	return out
}

// calcClaim formalizes a GSM8K annotation <<Expr=Result>>; one that is not
// plain arithmetic comes back with Err set.
func calcClaim(c stepwise.Calc, base int) Claim {
	span := stepwise.Span{Start: c.Span.Start - base, End: c.Span.End - base}
	lhs, ok1 := leanArith(c.Expr)
	rhs, ok2 := leanArith(c.Result)
	if !ok1 || !ok2 {
		return Claim{Source: "calc", Text: c.Expr + " = " + c.Result, Span: span, Err: "not plain arithmetic"}
	}
	cl, err := makeClaim(lhs, rhs, "calc")
	if err != nil {
		return Claim{Source: "calc", Text: c.Expr + " = " + c.Result, Span: span, Err: err.Error()}
	}
	cl.Span = span
	return cl
}

// makeClaim builds the statement `(lhs : ℝ) = rhs` and keeps it only if
// the claim package reads it (so every emitted claim is decidable).
func makeClaim(lhs, rhs, source string) (Claim, error) {
	return makeTypedClaim(lhs, rhs, source, "ℝ")
}

// makeTypedClaim is makeClaim over another type (ℕ for whole-number
// division).
func makeTypedClaim(lhs, rhs, source, typ string) (Claim, error) {
	body := "(" + lhs + " : " + typ + ") = " + rhs
	stmt := "theorem test : " + body + " := by sorry"
	st, err := claim.Parse(stmt)
	if err != nil {
		return Claim{}, err
	}
	if !st.Closed() {
		return Claim{}, fmt.Errorf("not a closed claim")
	}
	return Claim{Source: source, Text: lhs + " = " + rhs, Statement: stmt,
		Proof: "theorem test : " + body + " := by\n  norm_num"}, nil
}

// leanArith turns a calculator expression (digits, + - * / ( ) .) into
// Lean syntax, rejecting anything else.
//
// Calculator notation is normalized where Lean's differs: `.5` becomes
// `0.5` and a unary plus (`+8`) is dropped.
func leanArith(s string) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return "", false
	}
	var b strings.Builder
	prev := ' ' // previous non-space rune
	for _, r := range s {
		unary := prev == ' ' || prev == '(' || prev == '+' || prev == '-' || prev == '*' || prev == '/'
		switch {
		case r == '.' && !(prev >= '0' && prev <= '9'):
			b.WriteString("0.")
		case r == '+' && unary:
			// unary plus: Lean has none
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
		if r != ' ' {
			prev = r
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

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
	// Err is set, and Statement empty, for a claim that could not be
	// stated (a calculator annotation that is not plain arithmetic, an
	// equation whose text is not all accounted for): it is reported as
	// unsupported, never dropped.
	Err string
	// Approx is the decimal places of a claim stated as an approximation
	// ("200 / 3 ≈ 66.67": the exact value rounded or cut to 2 places); 0
	// for an equality.
	Approx int
}

// Formalization returns the claim as a rule-based formalization with the
// default header, not yet checked.
func (c Claim) Formalization() stepwise.Formalization {
	return stepwise.Formalization{Statement: c.Statement, Proof: c.Proof, Header: DefaultHeader,
		Origin: stepwise.FormalRule}
}

// FormalizeStep finds the arithmetic claims of a step: its calculator
// annotations first, then equations in the text (with the annotations
// blanked out), without duplicates. An equation of the text that holds an
// annotation is the annotation's own: "60 questions x 40/100 =
// <<60*40/100=24>>24" and "20-4 = <<20-4=16>>16% of the students" are
// checked through the annotation, not read again from the prose around it.
func FormalizeStep(step stepwise.Step) []Claim {
	var out []Claim
	seen := map[string]bool{}
	add := func(c Claim) {
		if !seen[c.Statement] {
			seen[c.Statement] = true
			out = append(out, c)
		}
	}
	var calcSpans []stepwise.Span
	for _, c := range step.Calcs {
		cl := calcClaim(c, step.Span.Start)
		calcSpans = append(calcSpans, cl.Span)
		if cl.Err != "" {
			out = append(out, cl)
			continue
		}
		add(cl)
	}
	for _, c := range FormalizeText(blankCalcs(step.Text)) {
		switch {
		case holdsCalc(c.Span, calcSpans):
		case c.Err != "":
			out = append(out, c)
		default:
			add(c)
		}
	}
	return out
}

// holdsCalc reports whether sp contains one of the annotations' spans.
func holdsCalc(sp stepwise.Span, calcs []stepwise.Span) bool {
	for _, c := range calcs {
		if sp.Start <= c.Start && c.End <= sp.End+2 {
			return true
		}
	}
	return false
}

// calcClaim formalizes a GSM8K annotation <<Expr=Result>>; one that is not
// plain arithmetic comes back with Err set.
func calcClaim(c stepwise.Calc, base int) Claim {
	span := stepwise.Span{Start: c.Span.Start - base, End: c.Span.End - base}
	fail := func(why string) Claim {
		return Claim{Source: "calc", Text: c.Expr + " = " + c.Result, Span: span, Err: why}
	}
	l, ok1 := calcSide(c.Expr)
	r, ok2 := calcSide(c.Result)
	if !ok1 || !ok2 {
		return fail("not plain arithmetic")
	}
	cl, err := pairClaim(l, r, false, "calc")
	if err != nil {
		return fail(err.Error())
	}
	cl.Span = span
	return cl
}

// calcSide reads one side of a calculator annotation: digits, + - * / ( )
// and decimal points only (".5" is 0.5; a unary plus is dropped).
func calcSide(s string) (*expr, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789.+-*/() ", r) }) >= 0 {
		return nil, false
	}
	e, err := parseSide(tokenizeMath(s))
	return e, err == nil
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

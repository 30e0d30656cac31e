package verify

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// leanOutcome is what Lean said about one snippet, from any Lean backend.
type leanOutcome struct {
	Messages []Message
	// Sorries counts sorry placeholders (the REPL's sorries array, or
	// "declaration uses 'sorry'" warnings from lean --json).
	Sorries int
}

func (o leanOutcome) errors() []Message {
	var errs []Message
	for _, m := range o.Messages {
		if m.Severity == "error" {
			errs = append(errs, m)
		}
	}
	return errs
}

// standardAxioms are the axioms a Mathlib proof may use (LEAN.md §3).
var standardAxioms = map[string]bool{"propext": true, "Classical.choice": true, "Quot.sound": true}

var axiomsRE = regexp.MustCompile(`'([^']+)' (?:depends on axioms: \[([^\]]*)\]|does not depend on any axioms)`)

// axiomsOf finds the `#print axioms name` report among the messages.
func axiomsOf(o leanOutcome, name string) (axioms []string, found bool) {
	for _, m := range o.Messages {
		for _, g := range axiomsRE.FindAllStringSubmatch(m.Text, -1) {
			if g[1] != name {
				continue
			}
			sep := func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }
			return strings.FieldsFunc(g[2], sep), true
		}
	}
	return nil, false
}

// judgeProof applies the validity rules: no error, no sorry, only standard
// axioms; Lean.ofReduceBool / Lean.trustCompiler mark a proof that trusts
// the compiler (native_decide).
func judgeProof(o leanOutcome, name string) (stepwise.ProofStatus, string, []string) {
	if errs := o.errors(); len(errs) > 0 {
		return stepwise.StatusFailed, fmt.Sprintf("Lean reported %d error(s): %s", len(errs), firstLine(errs[0].Text)), nil
	}
	if o.Sorries > 0 {
		return stepwise.StatusSorry, "the proof contains sorry", nil
	}
	axioms, found := axiomsOf(o, name)
	if !found {
		return stepwise.StatusFailed, "no `#print axioms " + name + "` report: cannot confirm the proof", nil
	}
	compiler := false
	for _, a := range axioms {
		switch {
		case a == "sorryAx":
			return stepwise.StatusSorry, "the proof depends on sorryAx", axioms
		case a == "Lean.ofReduceBool" || a == "Lean.trustCompiler":
			compiler = true
		case !standardAxioms[a]:
			return stepwise.StatusFailed, "the proof depends on the non-standard axiom " + a, axioms
		}
	}
	if compiler {
		return stepwise.StatusProvedTrustingCompiler, "proved, trusting the compiler (native evaluation)", axioms
	}
	return stepwise.StatusProved, "proved: no errors, no sorry, standard axioms", axioms
}

// judgeStatement applies Safe's formalization check: the statement
// elaborates with no error and exactly one sorry.
func judgeStatement(o leanOutcome) (stepwise.ProofStatus, string) {
	if errs := o.errors(); len(errs) > 0 {
		return stepwise.StatusStatementError, "the statement does not elaborate: " + firstLine(errs[0].Text)
	}
	if o.Sorries != 1 {
		return stepwise.StatusStatementError, fmt.Sprintf("expected exactly one sorry, found %d", o.Sorries)
	}
	return stepwise.StatusSorry, "the statement elaborates (unproved)"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

var declRE = regexp.MustCompile(`^\s*(?:theorem|lemma)\s+([^\s(:{\[]+)`)

// declName returns the theorem's name, renaming an `example` to a theorem
// so that `#print axioms` can name it.
func declName(code string) (name, renamed string, err error) {
	if m := declRE.FindStringSubmatch(code); m != nil {
		return m[1], code, nil
	}
	trim := strings.TrimLeft(code, " \t\r\n")
	if strings.HasPrefix(trim, "example") {
		return "stepwise_example", "theorem stepwise_example" + strings.TrimPrefix(trim, "example"), nil
	}
	return "", "", fmt.Errorf("not a single theorem, lemma or example")
}

// stripSorry removes a trailing `:= by sorry` (or `:= sorry`) from a statement.
func stripSorry(stmt string) string {
	s := strings.TrimRight(stmt, " \t\r\n")
	if !strings.HasSuffix(s, "sorry") {
		return s
	}
	s = strings.TrimRight(strings.TrimSuffix(s, "sorry"), " \t\r\n")
	s = strings.TrimRight(strings.TrimSuffix(s, "by"), " \t\r\n")
	return strings.TrimRight(strings.TrimSuffix(s, ":="), " \t\r\n")
}

// withSorry makes sure a statement ends in `:= by sorry`.
func withSorry(stmt string) string { return stripSorry(stmt) + " := by sorry" }

// withTactic builds a proof of the statement by one tactic.
func withTactic(stmt, tactic string) string { return stripSorry(stmt) + " := by\n  " + tactic }

// commandRE finds top-level commands after the declaration: a proof must be
// one declaration, with no axioms, options or extra definitions.
var commandRE = regexp.MustCompile(`(?m)^(?:@\[|axiom|theorem|lemma|def|abbrev|instance|example|macro|syntax|elab|notation|infix|prefix|postfix|set_option|attribute|open|namespace|section|end|variable|universe|import|#|local|scoped|private|protected|noncomputable|unsafe|opaque|structure|class|inductive|mutual|initialize|run_cmd)\b`)

var unsafeRE = regexp.MustCompile(`implemented_by|extern|debug\.skipKernelTC|unsafe|ofReduceBool|run_tac|Lean\.Elab|#exit`)

// checkFidelity verifies that a proof states the original statement
// verbatim (up to white space) and adds nothing but the proof body.
func checkFidelity(stmt, proof string) error {
	head := strings.Join(strings.Fields(stripSorry(stmt)), " ")
	flat := strings.Join(strings.Fields(proof), " ")
	if head == "" || !strings.HasPrefix(flat, head) {
		return fmt.Errorf("the proof does not restate the statement verbatim")
	}
	// Skip past the statement in the original text, then look for commands.
	rest := proof
	for _, f := range strings.Fields(stripSorry(stmt)) {
		i := strings.Index(rest, f)
		if i < 0 {
			return fmt.Errorf("the proof does not restate the statement verbatim")
		}
		rest = rest[i+len(f):]
	}
	if m := commandRE.FindString(rest); m != "" {
		return fmt.Errorf("the proof adds a top-level command (%s)", strings.TrimSpace(m))
	}
	if m := unsafeRE.FindString(rest); m != "" {
		return fmt.Errorf("the proof uses %s", m)
	}
	return nil
}

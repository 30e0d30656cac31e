package claim

import (
	"fmt"
	"math/big"
	"strings"
)

// SolverOutput is what z3 or cvc5 printed for a Script: one answer per
// check-sat, the model (if any) and error lines.
type SolverOutput struct {
	Answers []string // "sat", "unsat", "unknown", "timeout"
	Model   []Assignment
	Errors  []string
}

// Assignment is one define-fun of a model.
type Assignment struct {
	Symbol string
	Sort   string
	// Value is the value as the solver printed it, compacted to one line.
	Value string
	// Rat is the exact value when it is a rational literal; nil for
	// algebraic numbers (root-obj) and anything else.
	Rat *big.Rat
}

// sexp is a parsed s-expression: an atom or a list.
type sexp struct {
	atom   string
	list   []sexp
	isList bool
}

const maxSexpDepth = 100

// ParseSolverOutput reads a solver's standard output. Unknown top-level
// forms are an error naming their position.
func ParseSolverOutput(out string) (SolverOutput, error) {
	var res SolverOutput
	r := sexpReader{src: out}
	for {
		r.skip()
		if r.pos >= len(r.src) {
			return res, nil
		}
		start := r.pos
		e, err := r.read(0)
		if err != nil {
			return res, err
		}
		if err := res.add(e, start); err != nil {
			return res, err
		}
	}
}

func (res *SolverOutput) add(e sexp, pos int) error {
	if !e.isList {
		switch e.atom {
		case "sat", "unsat", "unknown", "timeout":
			res.Answers = append(res.Answers, e.atom)
			return nil
		}
		return fmt.Errorf("solver output byte %d: unexpected %q", pos, trimTo(e.atom, 40))
	}
	if len(e.list) >= 1 && e.list[0].atom == "error" {
		msg := ""
		if len(e.list) > 1 {
			msg = e.list[1].atom
		}
		res.Errors = append(res.Errors, msg)
		return nil
	}
	items := e.list
	if len(items) > 0 && !items[0].isList && items[0].atom == "model" {
		items = items[1:]
	}
	for _, d := range items {
		if !d.isList || len(d.list) != 5 || d.list[0].atom != "define-fun" {
			return fmt.Errorf("solver output byte %d: expected a model of define-fun forms", pos)
		}
		a := Assignment{Symbol: d.list[1].atom, Sort: d.list[3].render(), Value: d.list[4].render()}
		a.Rat = d.list[4].rat(0)
		res.Model = append(res.Model, a)
	}
	return nil
}

func trimTo(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (e sexp) render() string {
	if !e.isList {
		return e.atom
	}
	parts := make([]string, len(e.list))
	for i, c := range e.list {
		parts[i] = c.render()
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// rat evaluates a rational literal: 3, 3.0, (- x), (/ x y).
func (e sexp) rat(depth int) *big.Rat {
	if depth > 8 {
		return nil
	}
	if !e.isList {
		if e.atom == "" || !(e.atom[0] >= '0' && e.atom[0] <= '9') || len(e.atom) > 4096 {
			return nil
		}
		r, ok := new(big.Rat).SetString(e.atom)
		if !ok {
			return nil
		}
		return r
	}
	switch {
	case len(e.list) == 2 && e.list[0].atom == "-":
		if v := e.list[1].rat(depth + 1); v != nil {
			return v.Neg(v)
		}
	case len(e.list) == 3 && e.list[0].atom == "/":
		a, b := e.list[1].rat(depth+1), e.list[2].rat(depth+1)
		if a != nil && b != nil && b.Sign() != 0 {
			return a.Quo(a, b)
		}
	}
	return nil
}

type sexpReader struct {
	src string
	pos int
}

func (r *sexpReader) skip() {
	for r.pos < len(r.src) {
		switch c := r.src[r.pos]; {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			r.pos++
		case c == ';':
			for r.pos < len(r.src) && r.src[r.pos] != '\n' {
				r.pos++
			}
		default:
			return
		}
	}
}

func (r *sexpReader) read(depth int) (sexp, error) {
	if depth > maxSexpDepth {
		return sexp{}, fmt.Errorf("solver output byte %d: nested too deeply", r.pos)
	}
	r.skip()
	if r.pos >= len(r.src) {
		return sexp{}, fmt.Errorf("solver output: unexpected end")
	}
	switch r.src[r.pos] {
	case '(':
		r.pos++
		e := sexp{isList: true}
		for {
			r.skip()
			if r.pos >= len(r.src) {
				return sexp{}, fmt.Errorf("solver output: unclosed '('")
			}
			if r.src[r.pos] == ')' {
				r.pos++
				return e, nil
			}
			c, err := r.read(depth + 1)
			if err != nil {
				return sexp{}, err
			}
			e.list = append(e.list, c)
		}
	case ')':
		return sexp{}, fmt.Errorf("solver output byte %d: unexpected ')'", r.pos)
	case '"':
		return r.str()
	case '|':
		end := strings.IndexByte(r.src[r.pos+1:], '|')
		if end < 0 {
			return sexp{}, fmt.Errorf("solver output byte %d: unclosed '|'", r.pos)
		}
		a := r.src[r.pos : r.pos+end+2]
		r.pos += end + 2
		return sexp{atom: a}, nil
	}
	start := r.pos
	for r.pos < len(r.src) && !strings.ContainsRune(" \n\t\r()\";|", rune(r.src[r.pos])) {
		r.pos++
	}
	return sexp{atom: r.src[start:r.pos]}, nil
}

// str reads an SMT-LIB string literal ("" escapes a quote).
func (r *sexpReader) str() (sexp, error) {
	var b strings.Builder
	i := r.pos + 1
	for i < len(r.src) {
		if r.src[i] == '"' {
			if i+1 < len(r.src) && r.src[i+1] == '"' {
				b.WriteByte('"')
				i += 2
				continue
			}
			r.pos = i + 1
			return sexp{atom: b.String()}, nil
		}
		b.WriteByte(r.src[i])
		i++
	}
	return sexp{}, fmt.Errorf("solver output byte %d: unclosed string", r.pos)
}

package claim

import (
	"strings"
	"sync"
)

// Working describes how a closed claim evaluated, one atomic relation per
// line, for the evidence pane:
//
//	goal: (48 / 2 : ℝ) = 24   ⟹  24 = 24 in ℝ: true
func (st *Statement) Working() string {
	var b strings.Builder
	for _, h := range st.Hyps {
		st.explainProp(&b, h.Name, h.expr)
	}
	st.explainProp(&b, "goal", st.goal)
	return strings.TrimRight(b.String(), "\n")
}

func (st *Statement) explainProp(b *strings.Builder, label string, i int32) {
	n := &st.nodes[i]
	switch {
	case n.op == opNot:
		st.explainProp(b, label, n.a)
	case n.op.isConnective():
		st.explainProp(b, label, n.a)
		st.explainProp(b, label, n.b)
	case n.op.isRel():
		b.WriteString(label)
		b.WriteString(": ")
		b.WriteString(st.text(i))
		b.WriteString("   ⟹  ")
		st.explainRel(b, i)
		b.WriteByte('\n')
	}
}

func (st *Statement) explainRel(b *strings.Builder, i int32) {
	n := &st.nodes[i]
	terms := []int32{n.a, n.b}
	if n.c >= 0 {
		terms = append(terms, n.c)
	}
	vals := make([]string, len(terms))
	for k, t := range terms {
		v, err := st.evalTerm(t)
		if err != nil {
			b.WriteString(err.Error())
			return
		}
		vals[k] = v.String()
	}
	typ := st.nodes[n.a].typ
	switch n.op {
	case opModEq, opZModEq:
		b.WriteString(vals[0] + " ≡ " + vals[1] + " [mod " + vals[2] + "]")
	default:
		b.WriteString(vals[0] + " " + opSyms[n.op] + " " + vals[1])
	}
	ok, err := st.evalProp(i)
	if err != nil {
		b.WriteString(": " + err.Error())
		return
	}
	b.WriteString(" in " + typ.String())
	if ok {
		b.WriteString(": true")
	} else {
		b.WriteString(": false")
	}
}

// statements recycles parsed statements so Decide allocates little.
var statements = sync.Pool{New: func() any { return new(Statement) }}

// Decide parses, elaborates and evaluates a closed claim in one call: the
// fast path for bulk arithmetic checks. It keeps no reference to src.
func Decide(src string) (Verdict, error) {
	st := statements.Get().(*Statement)
	defer func() {
		st.Src = ""
		statements.Put(st)
	}()
	if err := st.parse(src); err != nil {
		return False, err
	}
	return st.Eval()
}

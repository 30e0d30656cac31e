package claim

// Type is the Lean type of a term.
type Type uint8

// Types, in coercion order: a ℕ term coerces into ℤ, ℚ and ℝ, and so on up.
const (
	Unknown Type = iota // not yet known: a bare numeral, ↑x
	Nat
	Int
	Rat
	Real
	Prop
)

var typeNames = [...]string{"?", "ℕ", "ℤ", "ℚ", "ℝ", "Prop"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "?"
}

// integral reports ℕ or ℤ.
func (t Type) integral() bool { return t == Nat || t == Int }

// typeByName maps Lean's spellings of the supported types.
func typeByName(s string) (Type, bool) {
	switch s {
	case "ℕ", "Nat":
		return Nat, true
	case "ℤ", "Int":
		return Int, true
	case "ℚ", "Rat":
		return Rat, true
	case "ℝ", "Real":
		return Real, true
	case "Prop":
		return Prop, true
	}
	return Unknown, false
}

type op uint8

const (
	opNum op = iota
	opVar
	opTrue
	opFalse
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opNeg
	opPow
	opFact
	opAscribe
	opCoe
	opAbs
	opFloor
	opCeil
	opCall
	opEq
	opNe
	opLt
	opGt
	opLe
	opGe
	opDvd
	opModEq  // Nat.ModEq: a ≡ b [MOD c]
	opZModEq // Int.ModEq: a ≡ b [ZMOD c]
	opAnd
	opOr
	opNot
	opImp
	opIff
)

var opSyms = [...]string{opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opMod: "%", opPow: "^",
	opEq: "=", opNe: "≠", opLt: "<", opGt: ">", opLe: "≤", opGe: "≥", opDvd: "∣",
	opAnd: "∧", opOr: "∨", opImp: "→", opIff: "↔"}

// isTree reports the operators that Lean's binop%/unop% elaborator treats
// as one tree: their operands share a type, with coercions at the leaves.
func (o op) isTree() bool {
	return o == opAdd || o == opSub || o == opMul || o == opDiv || o == opMod || o == opNeg || o == opPow
}

func (o op) isRel() bool { return o >= opEq && o <= opZModEq }

func (o op) isConnective() bool { return o >= opAnd && o <= opIff }

// fn is a known function applied with opCall.
type fn uint8

const (
	fnChoose fn = iota + 1
	fnFactorial
	fnGcd
	fnLcm
	fnNatAbs
	fnMin
	fnMax
)

var fnArity = [...]int{fnChoose: 2, fnFactorial: 1, fnGcd: 2, fnLcm: 2, fnNatAbs: 1, fnMin: 2, fnMax: 2}

func fnByName(s string) (fn, bool) {
	switch s {
	case "Nat.choose", "choose":
		return fnChoose, true
	case "Nat.factorial", "factorial":
		return fnFactorial, true
	case "Nat.gcd", "gcd":
		return fnGcd, true
	case "Nat.lcm", "lcm":
		return fnLcm, true
	case "Int.natAbs":
		return fnNatAbs, true
	case "min", "Min.min":
		return fnMin, true
	case "max", "Max.max":
		return fnMax, true
	}
	return 0, false
}

// node is one term. Children are indexes into Statement.nodes.
type node struct {
	op         op
	typ        Type // elaborated type (Prop for propositions)
	opnd       Type // for relations: the type both sides are compared in
	fn         fn
	decimal    bool  // a numeral written with a decimal point
	vars       bool  // the term mentions a variable
	inferred   bool  // itype is computed (infer runs once per node)
	itype      Type  // the type infer found
	a, b, c    int32 // children, -1 when absent
	start, end int32 // source span
	val        Q     // numeral value; variable index in val.n for opVar
}

// Var is a variable bound by the theorem.
type Var struct {
	Name string
	Type Type
}

// Hyp is a named hypothesis.
type Hyp struct {
	Name string
	expr int32
}

// Statement is a parsed claim: `theorem name (vars) (hyps) : goal`, or a
// bare proposition (then Name is empty and there are no binders).
type Statement struct {
	Src   string
	Name  string
	Vars  []Var
	Hyps  []Hyp
	goal  int32
	nodes []node
	// ProofText is everything after `:=`, trimmed; "by sorry" for Safe's
	// statements.
	ProofText string
	// Example is set for `example` declarations.
	Example bool
}

// Closed reports a claim without variables, decidable by evaluation.
func (s *Statement) Closed() bool { return len(s.Vars) == 0 }

// GoalText is the goal's source text.
func (s *Statement) GoalText() string { return s.text(s.goal) }

// HypText returns the source text of hypothesis i.
func (s *Statement) HypText(i int) string { return s.text(s.Hyps[i].expr) }

func (s *Statement) text(i int32) string {
	n := &s.nodes[i]
	return s.Src[n.start:n.end]
}

func (s *Statement) reset(src string) {
	s.Src, s.Name, s.ProofText, s.Example = src, "", "", false
	s.Vars, s.Hyps, s.nodes = s.Vars[:0], s.Hyps[:0], s.nodes[:0]
	s.goal = -1
}

func (s *Statement) add(n node) int32 {
	s.nodes = append(s.nodes, n)
	return int32(len(s.nodes) - 1)
}

package render

import (
	"strings"
	"unicode/utf8"
)

// TeXToUnicode turns a small, common subset of TeX math into Unicode text:
// Greek letters, relations and operators (\le → ≤, \cdot → ·, \times → ×),
// \frac{a}{b} → a/b, \sqrt{x} → √x, simple super- and subscripts (x^2 → x²),
// \mathbb{R} → ℝ, \text{...} → its text. Anything it does not know is kept
// as written, so no information is lost; the raw span is always available
// to the caller. It never fails and is linear in the input.
func TeXToUnicode(s string) string {
	c := texConv{src: s}
	out := c.seq(0, false)
	return strings.Join(strings.Fields(out), " ")
}

type texConv struct {
	src string
	pos int
}

// maxTeXDepth bounds brace nesting; deeper groups are copied verbatim.
const maxTeXDepth = 32

// seq converts until the end or, inside a group, the closing brace.
func (c *texConv) seq(depth int, inGroup bool) string {
	var b strings.Builder
	for c.pos < len(c.src) {
		ch := c.src[c.pos]
		switch {
		case ch == '}' && inGroup:
			c.pos++
			return b.String()
		case ch == '{':
			c.pos++
			b.WriteString(c.group(depth))
		case ch == '\\':
			b.WriteString(c.macro(depth))
		case ch == '^' || ch == '_':
			c.pos++
			b.WriteString(script(c.arg(depth), ch == '^'))
		case ch == '~':
			c.pos++
			b.WriteByte(' ')
		case ch == '&':
			c.pos++ // alignment points
		default:
			b.WriteByte(ch)
			c.pos++
		}
	}
	return b.String()
}

// group converts a brace group whose '{' was consumed.
func (c *texConv) group(depth int) string {
	if depth >= maxTeXDepth {
		start := c.pos
		c.skipGroup()
		return c.src[start : c.pos-min(1, c.pos-start)]
	}
	return c.seq(depth+1, true)
}

// skipGroup moves past the matching '}' (or to the end).
func (c *texConv) skipGroup() {
	d := 1
	for c.pos < len(c.src) && d > 0 {
		switch c.src[c.pos] {
		case '{':
			d++
		case '}':
			d--
		case '\\':
			c.pos++
		}
		c.pos++
	}
	c.pos = min(c.pos, len(c.src))
}

// arg reads one argument: a group, a macro or a single character.
func (c *texConv) arg(depth int) string {
	for c.pos < len(c.src) && c.src[c.pos] == ' ' {
		c.pos++
	}
	if c.pos >= len(c.src) {
		return ""
	}
	switch c.src[c.pos] {
	case '{':
		c.pos++
		return c.group(depth)
	case '\\':
		return c.macro(depth)
	}
	_, n := utf8.DecodeRuneInString(c.src[c.pos:])
	c.pos += n
	return c.src[c.pos-n : c.pos]
}

// macro converts the control sequence at c.pos.
func (c *texConv) macro(depth int) string {
	c.pos++ // the backslash
	if c.pos >= len(c.src) {
		return `\`
	}
	start := c.pos
	for c.pos < len(c.src) && isLetter(c.src[c.pos]) {
		c.pos++
	}
	if c.pos == start { // a control symbol: \{ \, \\ ...
		ch := c.src[c.pos]
		c.pos++
		switch ch {
		case ',', ';', ':', '>', ' ':
			return " "
		case '!':
			return ""
		case '\\':
			return "\n"
		}
		if ch >= utf8.RuneSelf { // a backslash before a non-ASCII character
			c.pos--
			return `\`
		}
		return c.src[c.pos-1 : c.pos]
	}
	name := c.src[start:c.pos]
	if sym, ok := texSymbols[name]; ok {
		return sym
	}
	switch name {
	case "frac", "dfrac", "tfrac", "cfrac":
		num, den := c.arg(depth), c.arg(depth)
		return paren(num) + "/" + paren(den)
	case "sqrt":
		idx := ""
		if c.pos < len(c.src) && c.src[c.pos] == '[' {
			if j := strings.IndexByte(c.src[c.pos:], ']'); j > 0 {
				idx = c.src[c.pos+1 : c.pos+j]
				c.pos += j + 1
			}
		}
		root := map[string]string{"": "√", "2": "√", "3": "∛", "4": "∜"}[idx]
		if root == "" {
			root = script(idx, true) + "√"
		}
		return root + paren(c.arg(depth))
	case "mathbb":
		a := c.arg(depth)
		if bb, ok := blackboard[a]; ok {
			return bb
		}
		return a
	case "text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathtt",
		"operatorname", "mbox", "bm", "boldsymbol", "mathcal", "mathscr", "mathfrak", "emph":
		return c.arg(depth)
	case "boxed", "fbox":
		return "[" + c.arg(depth) + "]"
	case "overline", "bar":
		return c.arg(depth) + "\u0305"
	case "hat":
		return c.arg(depth) + "\u0302"
	case "vec":
		return c.arg(depth) + "\u20d7"
	case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
		"displaystyle", "textstyle", "limits", "nolimits":
		return ""
	case "begin", "end":
		c.arg(depth) // environment names inside a span: drop
		return ""
	}
	// Unknown: keep it as written, with its brace arguments, so nothing
	// is lost or run together.
	out := `\` + name
	for c.pos < len(c.src) && c.src[c.pos] == '{' {
		c.pos++
		out += "{" + c.group(depth) + "}"
	}
	return out
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// paren wraps compound fraction parts: a+b/c would misread.
func paren(s string) string {
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= 1 {
		return s
	}
	if strings.ContainsAny(s, "+-−*/ ·×÷=<>≤≥") {
		return "(" + s + ")"
	}
	return s
}

// script renders a super- or subscript with Unicode forms when every
// character has one, else as ^(…) / _(…).
func script(s string, sup bool) string {
	table := subscripts
	mark := "_"
	if sup {
		table, mark = superscripts, "^"
	}
	if s == "" {
		return mark
	}
	if sup && s == "∘" {
		return "°"
	}
	var b strings.Builder
	for _, r := range s {
		m, ok := table[r]
		if !ok {
			if len([]rune(s)) == 1 {
				return mark + s
			}
			return mark + "(" + s + ")"
		}
		b.WriteRune(m)
	}
	return b.String()
}

var superscripts = map[rune]rune{
	'0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
	'+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', 'n': 'ⁿ', 'i': 'ⁱ', '∘': '°',
}

var subscripts = map[rune]rune{
	'0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
	'+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎', 'a': 'ₐ', 'e': 'ₑ', 'o': 'ₒ', 'x': 'ₓ',
	'i': 'ᵢ', 'j': 'ⱼ', 'k': 'ₖ', 'n': 'ₙ', 'm': 'ₘ',
}

var blackboard = map[string]string{"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}

var texSymbols = map[string]string{
	// Greek.
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
	"tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	// Relations and operators.
	"le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
	"equiv": "≡", "sim": "∼", "cong": "≅", "pm": "±", "mp": "∓", "times": "×", "cdot": "·",
	"div": "÷", "ast": "∗", "circ": "∘", "infty": "∞", "to": "→", "rightarrow": "→",
	"leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "implies": "⟹", "iff": "⟺",
	"Leftrightarrow": "⇔", "leftrightarrow": "↔", "mapsto": "↦", "mid": "∣", "nmid": "∤",
	"in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
	"supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "emptyset": "∅", "varnothing": "∅",
	"forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧",
	"lor": "∨", "vee": "∨", "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "partial": "∂",
	"nabla": "∇", "angle": "∠", "perp": "⊥", "parallel": "∥", "triangle": "△", "degree": "°",
	"ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "prime": "′", "lfloor": "⌊",
	"rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩", "ll": "≪", "gg": "≫",
	"propto": "∝", "therefore": "∴", "because": "∵", "pmod": "mod ", "bmod": "mod", "mod": "mod",
	"quad": "  ", "qquad": "    ", "lvert": "|", "rvert": "|", "vert": "|", "Vert": "‖",
	"lbrace": "{", "rbrace": "}", "backslash": "\\", "cdotp": "·", "star": "⋆",
	"gcd": "gcd", "lcm": "lcm", "log": "log", "ln": "ln", "sin": "sin", "cos": "cos", "tan": "tan",
	"exp": "exp", "min": "min", "max": "max", "lim": "lim", "det": "det",
}

package render

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestMathSurvivesGlamourByteExact(t *testing.T) {
	spans := []string{
		`$a*b*c$`,
		`$\{x \mid x>0\}$`,
		`$x_1 + x_2 = \frac{a}{b}$`,
		`\(a_b_c\)`,
		`$\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}$`,
		`$[0,1)$`,
	}
	th := theme(t, "dark")
	r := New(nil)
	for _, sp := range spans {
		in := "Since " + sp + " holds, **we** are *done*."
		res := r.Markdown(th, "", in, Options{Width: 250})
		if res.Fallback {
			t.Errorf("%s: fell back to plain text", sp)
		}
		if !strings.Contains(res.Text(), sp) {
			t.Errorf("span %s not byte-exact in %q", sp, res.Text())
		}
		if strings.Contains(res.Text(), "**") {
			t.Errorf("markdown around the span was not rendered: %q", res.Text())
		}
	}
	// Display math keeps its lines, delimiters included.
	display := "$$\n\\frac{a*b}{c} = \\{ x \\mid x_1 < x_2 \\}\n$$"
	in := "Then\n\n" + display + "\n\nso *done*."
	res := r.Markdown(th, "", in, Options{Width: 250})
	for _, want := range strings.Split(display, "\n") {
		if !containsLine(res.Plain, want) {
			t.Errorf("display line %q missing from %q", want, res.Plain)
		}
	}
	env := "\\begin{align}\n  x &= a*b*c \\\\\n  y &= \\{1\\}\n\\end{align}"
	res = r.Markdown(th, "", "Where\n\n"+env+"\n", Options{Width: 250})
	for _, want := range strings.Split(env, "\n") {
		if !containsLine(res.Plain, want) {
			t.Errorf("environment line %q missing from %q", want, res.Plain)
		}
	}
	// Control: glamour on its own does mangle these spans, so the checks
	// above test the protection, not glamour.
	raw, err := glamourRender(th, "Since $a*b*c$ and $\\{x \\mid x>0\\}$.", 250, false)
	if err != nil {
		t.Fatal(err)
	}
	if p := ansi.Strip(raw); strings.Contains(p, "$a*b*c$") || strings.Contains(p, `\{x`) {
		t.Errorf("unprotected glamour output kept the spans; the control is void: %q", p)
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.TrimRight(l, " ") == strings.TrimRight(want, " ") {
			return true
		}
	}
	return false
}

func TestMathUnicode(t *testing.T) {
	r := New(nil)
	th := theme(t, "dark")
	res := r.Markdown(th, "", `So $a \le b \cdot c$ and $\frac{1}{2} \times \sqrt{x}$ and $\mathbb{R}$, $x^2$.`,
		Options{Width: 100, MathUnicode: true})
	want := "So a ≤ b · c and 1/2 × √x and ℝ, x²."
	if res.Text() != want {
		t.Errorf("got %q, want %q", res.Text(), want)
	}
	res = r.Markdown(th, "", "$$\n\\alpha + \\beta \\ne \\gamma \\\\ x_1 \\geq 0\n$$", Options{Width: 100, MathUnicode: true})
	if got := strings.Join(res.Plain, "|"); got != "  α + β ≠ γ|  x₁ ≥ 0" {
		t.Errorf("display unicode: %q", got)
	}
}

func TestTeXToUnicode(t *testing.T) {
	cases := map[string]string{
		`\frac{a+b}{c}`:               "(a+b)/c",
		`\dfrac{1}{x}`:                "1/x",
		`\sqrt{x+1}`:                  "√(x+1)",
		`\sqrt[3]{8}`:                 "∛8",
		`x^{10} + y_{ij}`:             "x¹⁰ + yᵢⱼ",
		`x^{ab}`:                      "x^(ab)",
		`\text{if } n \in \mathbb{N}`: "if n ∈ ℕ",
		`90^\circ`:                    "90°",
		`\left( \pi \right)`:          "( π )",
		`\boxed{42}`:                  "[42]",
		`\unknownmacro{x}{y^2}`:       `\unknownmacro{x}{y²}`,
		`a \equiv b \pmod{7}`:         "a ≡ b mod 7",
		`{{{{`:                        "",
		`\`:                           `\`,
		`x^`:                          "x^",
		`\é`:                          `\é`,
	}
	for in, want := range cases {
		if got := TeXToUnicode(in); got != want {
			t.Errorf("TeXToUnicode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCurrencyIsNotMath(t *testing.T) {
	// GSM8K test record 9 (0-based), answer: read from the sample. Its
	// "$12 x 5 =$" would be math under the dollar rules.
	recs := jsonl(t, samples+"gsm8k/test_first200.jsonl")
	answer := recs[9]["answer"].(string)
	if !strings.Contains(answer, "$12 x 5 =$<<12*5=60>>60") {
		t.Fatalf("sample changed: %q", answer)
	}
	if p := protect(answer, false, false, 0); countKind(p, spanInline) == 0 {
		t.Error("control: without Currency the dollar rules should find math here")
	}
	if p := protect(answer, true, false, 0); countKind(p, spanInline)+countKind(p, spanDisplay) != 0 {
		t.Errorf("Currency: found math spans %v", p.spans)
	}
	th := theme(t, "dark")
	res := New(nil).Markdown(th, "", answer, Options{Width: 250, Currency: true})
	for _, l := range strings.Split(answer, "\n") {
		if !containsLine(res.Plain, l) {
			t.Errorf("line %q not shown as written; got %q", l, res.Plain)
		}
	}
	// The brief's example: plain dollar amounts are not math even without
	// the Currency option (pandoc's rules).
	p := protect("She makes $18 every day at the market and sells at $2 per egg.", false, false, 0)
	if len(p.spans) != 0 {
		t.Errorf("dollar amounts taken for math: %v", p.spans)
	}
	if p := protect("So $x$ is even.", true, false, 0); len(p.spans) != 0 {
		t.Errorf("Currency: $x$ taken for math")
	}
}

func countKind(p protected, k spanKind) int {
	n := 0
	for _, s := range p.spans {
		if s.kind == k {
			n++
		}
	}
	return n
}

func TestProtectSkipsCode(t *testing.T) {
	in := "Use `$a*b$` literally.\n\n```python\nprice = \"$5 and $6\"\n```\n\nBut $x*y*z$ is math."
	p := protect(in, false, false, 0)
	if countKind(p, spanInline) != 1 || countKind(p, spanCode) != 1 {
		t.Fatalf("spans: %+v", p.spans)
	}
	if p.spans[0].body != "price = \"$5 and $6\"" || p.spans[0].lang != "python" {
		t.Errorf("code span %+v", p.spans[0])
	}
	if strings.Contains(p.text, "$x*y*z$") || !strings.Contains(p.text, "`$a*b$`") {
		t.Errorf("protected text %q", p.text)
	}
}

func TestHostileInputEmitsNoEscapes(t *testing.T) {
	hostile := []string{
		"title \x1b]0;pwned\x07 clip \x1b]52;c;ZWNobyBwd25lZA==\x1b\\ done",
		"clear \x1b[2J\x1b[H home \x1b[31mred\x1b[0m",
		"bidi abc\u202Eevil\u202C and \u2066iso\u2069",
		"c1 \u009b31m and \u009d0;t\u009c raw \x9b\x9d",
		"entity &#27;[31m red &#x1b;]52;c;AAAA&#7; &#x202E;rlo &rlm;x &#155;",
		"link [x](http://a/\x1b]52;c;AAAA\x07) and <http://b/\x1b[2J>",
		"$\x1b[31m$ and $$\x1b]52;c;AA\x07$$ and \\(\x1b[2J\\)",
		"```lean\ntheorem t : True := by\n  \x1b]52;c;AAAA\x07 sorry\n```",
		"| a | b |\n|---|---|\n| \x1b[31m | \u202e |",
		"tab\there\r\noverwrite\rme\x08\x7f",
	}
	r := New(nil)
	for _, th := range allThemes(t) {
		for _, h := range hostile {
			for _, f := range []Format{Markdown, Plain, Code} {
				for _, cur := range []bool{false, true} {
					res := r.Render(th, Request{Format: f, Text: h, Lang: "lean4", Options: Options{Width: 60, Currency: cur}})
					what := fmt.Sprintf("%s/%d/%q", th.Key(), f, h)
					checkSafe(t, what, res.Lines)
					checkWidth(t, what, res, 60)
				}
			}
		}
	}
	// The content is neutralized visibly, not dropped: a raw ESC from the
	// input shows as ␛.
	res := r.PlainText(theme(t, "dark"), "", "a\x1b[31mb", Options{Width: 40})
	if res.Text() != "a␛[31mb" {
		t.Errorf("raw ESC shown as %q", res.Text())
	}
}

func TestWidthsRespected(t *testing.T) {
	_, steps := longestSkyT1(t)
	inputs := []string{
		"# 標題 heading with 中文 and emoji 🙂🙂 🇫🇷 👩‍👩‍👧\n\n" + strings.Repeat("中文字符测试", 30),
		"A URL https://example.com/" + strings.Repeat("segment/", 40) + " and a number " + strings.Repeat("1234567890", 30),
		"- a list item that is long enough to wrap several times " + strings.Repeat("word ", 60) + "\n  - nested " + strings.Repeat("深い ", 40),
		"> quote " + strings.Repeat("quoted text ", 50) + "\n> $" + strings.Repeat("x+", 80) + "y$",
		"$$\n" + strings.Repeat("a_1 + ", 80) + "z\n$$",
		"```python\n" + strings.Repeat("x = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12  # comment\n", 3) + "```",
		"| col | another column |\n|---|---|\n| " + strings.Repeat("cell ", 30) + " | 中文 |",
		"tab\tseparated\tvalues\t" + strings.Repeat("x", 300),
	}
	inputs = append(inputs, steps[:40]...)
	r := New(nil)
	for _, th := range []string{"dark", "high-contrast"} {
		th := theme(t, th)
		for _, w := range []int{20, 80, 250} {
			for i, in := range inputs {
				for _, f := range []Format{Markdown, Plain, Code} {
					res := r.Render(th, Request{Format: f, Text: in, Lang: "python", Options: Options{Width: w}})
					checkWidth(t, fmt.Sprintf("%s w=%d input %d format %d", th.Name, w, i, f), res, w)
					if len(res.Lines) == 0 {
						t.Errorf("w=%d input %d format %d: no lines", w, i, f)
					}
				}
			}
		}
	}
}

func TestPlainWrap(t *testing.T) {
	th := theme(t, "dark")
	r := New(nil)
	cases := []struct {
		in    string
		width int
		want  []string
	}{
		{"aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"line one\n\nline three", 40, []string{"line one", "", "line three"}},
		{"a\tb\n\tc", 40, []string{"a   b", "    c"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"中文中文中", 4, []string{"中文", "中文", "中"}},
		{"ab 中文中文", 5, []string{"ab", "中文", "中文"}},
		{"x 🙂🙂🙂", 4, []string{"x", "🙂🙂", "🙂"}}, // a word too long for any line starts a new one
		{"word    spaced", 6, []string{"word", "spaced"}},
	}
	for _, c := range cases {
		res := r.PlainText(th, "", c.in, Options{Width: c.width})
		if strings.Join(res.Plain, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.width, res.Plain, c.want)
		}
		checkWidth(t, c.in, res, c.width)
	}
	if got := New(nil).PlainText(th, "", "abc", Options{Width: 1}); len(got.Lines) != 1 || got.Plain[0] != "abc" {
		t.Errorf("widths below MinWidth are raised to %d: %q", MinWidth, got.Plain)
	}
}

func TestCodeHighlight(t *testing.T) {
	proof := "theorem step3 (x : ℝ) (h₀ : 2 * x + 3 = 7) : x = 2 := by\n  have h₁ : 2 * x = 4 := by linarith\n  sorry"
	r := New(nil)
	for _, th := range allThemes(t) {
		res := r.Code(th, "", proof, "lean4", Options{Width: 100})
		if !res.Highlighted || len(res.Lines) != 3 {
			t.Fatalf("%s: highlighted=%v lines=%d", th.Key(), res.Highlighted, len(res.Lines))
		}
		if strings.Join(res.Plain, "\n") != proof {
			t.Errorf("%s: code text changed: %q", th.Key(), res.Plain)
		}
		want := entrySGR(th.Chroma().Get(chroma.GenericError))
		if want == "" {
			t.Fatalf("%s: sorry has no style", th.Key())
		}
		if !strings.Contains(res.Lines[2], want+"sorry") {
			t.Errorf("%s: sorry not marked with %q: %q", th.Key(), want, res.Lines[2])
		}
		if th.NoColor && (strings.Contains(strings.Join(res.Lines, ""), "38;2") || strings.Contains(strings.Join(res.Lines, ""), "48;2")) {
			t.Errorf("%s: no-colour code has colours", th.Key())
		}
	}
	th := theme(t, "dark")
	adm := r.Code(th, "", "example : 1 = 1 := by\n  admit", "lean", Options{Width: 80})
	if want := entrySGR(th.Chroma().Get(chroma.GenericError)); !strings.Contains(adm.Lines[1], want+"admit") {
		t.Errorf("admit not marked: %q", adm.Lines[1])
	}
	py := r.Code(th, "", "def f(x):\n    return x * 2  # twice\n", "python", Options{Width: 80})
	if !py.Highlighted || len(py.Plain) != 3 || py.Plain[1] != "    return x * 2  # twice" {
		t.Errorf("python: %v %q", py.Highlighted, py.Plain)
	}
	if !strings.Contains(py.Lines[0], "\x1b[") {
		t.Errorf("python not styled: %q", py.Lines[0])
	}
	unk := r.Code(th, "", "some text\nmore", "no-such-language", Options{Width: 80})
	if unk.Highlighted || strings.Join(unk.Plain, "\n") != "some text\nmore" {
		t.Errorf("unknown language: %v %q", unk.Highlighted, unk.Plain)
	}
}

func TestMarkdownNoColor(t *testing.T) {
	th := theme(t, "dark").WithoutColor()
	res := New(nil).Markdown(th, "", "# Title\n\nSome *emphasis*, `code`, $x*y$ and a [link](http://x.y).\n\n```lean\nexample : True := by sorry\n```", Options{Width: 60})
	all := strings.Join(res.Lines, "\n")
	for _, m := range sgrSeq.FindAllString(all, -1) {
		for p := range strings.SplitSeq(m[2:len(m)-1], ";") {
			if p == "38" || p == "48" || len(p) == 2 && (p[0] == '3' || p[0] == '4') && p[1] <= '7' {
				t.Errorf("no-colour markdown emits colour %q", m)
			}
		}
	}
	if !strings.Contains(res.Text(), "`code`") || !strings.Contains(res.Text(), "$x*y$") {
		t.Errorf("no-colour text: %q", res.Text())
	}
}

func TestCache(t *testing.T) {
	c := NewCache(0)
	r := New(c)
	th := theme(t, "dark")
	req := Request{Format: Markdown, ID: "trace1/step3@v1", Text: "some *text* $x$", Options: Options{Width: 40}}
	if _, ok := r.Lookup(th, req); ok {
		t.Fatal("Lookup hit before any render")
	}
	a := r.Render(th, req)
	b, ok := r.Lookup(th, req)
	if !ok || strings.Join(a.Lines, "\n") != strings.Join(b.Lines, "\n") {
		t.Fatal("Lookup after Render missed or differs")
	}
	for _, other := range []Request{
		{Format: Markdown, ID: req.ID, Text: req.Text, Options: Options{Width: 41}},
		{Format: Markdown, ID: req.ID, Text: req.Text, Options: Options{Width: 40, MathUnicode: true}},
		{Format: Plain, ID: req.ID, Text: req.Text, Options: Options{Width: 40}},
		{Format: Markdown, ID: "trace1/step3@v2", Text: req.Text, Options: Options{Width: 40}},
	} {
		if _, ok := r.Lookup(th, other); ok {
			t.Errorf("Lookup hit for a different key: %+v", other)
		}
	}
	if _, ok := r.Lookup(theme(t, "light"), req); ok {
		t.Error("Lookup hit for another theme")
	}
	// Without an id the text is hashed.
	r.Render(th, Request{Format: Plain, Text: "alpha", Options: Options{Width: 40}})
	if _, ok := r.Lookup(th, Request{Format: Plain, Text: "alpha", Options: Options{Width: 40}}); !ok {
		t.Error("content-hash key missed")
	}
	if _, ok := r.Lookup(th, Request{Format: Plain, Text: "beta", Options: Options{Width: 40}}); ok {
		t.Error("content-hash key hit for other text")
	}
}

func TestCacheEvictsByBytes(t *testing.T) {
	c := NewCache(4096)
	r := New(c)
	th := theme(t, "dark")
	for i := range 50 {
		r.PlainText(th, fmt.Sprint("id", i), strings.Repeat("word ", 40), Options{Width: 40})
	}
	st := c.Stats()
	if st.Bytes > 4096 || st.Evictions == 0 || st.Entries == 0 || st.Entries >= 50 {
		t.Errorf("stats after overfilling: %+v", st)
	}
	// The most recent entry survives, the first is gone.
	if _, ok := r.Lookup(th, Request{Format: Plain, ID: "id49", Text: "", Options: Options{Width: 40}}); !ok {
		t.Error("most recent entry evicted")
	}
	if _, ok := r.Lookup(th, Request{Format: Plain, ID: "id0", Options: Options{Width: 40}}); ok {
		t.Error("oldest entry kept")
	}
	c.Clear()
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("after Clear: %+v", st)
	}
}

func TestConcurrentRendering(t *testing.T) {
	r := New(NewCache(1 << 20))
	ths := allThemes(t)
	_, steps := longestSkyT1(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				th := ths[(g+i)%len(ths)]
				text := steps[(g*7+i)%len(steps)] + "\n\n```lean\nexample : 1 = 1 := by sorry\n```\n$a*b$"
				res := r.Markdown(th, "", text, Options{Width: 40 + g})
				if len(res.Lines) == 0 || res.Fallback {
					t.Errorf("goroutine %d: empty or fallback render", g)
				}
			}
		}()
	}
	wg.Wait()
}

func TestRestoreDetectsLostTokens(t *testing.T) {
	th := theme(t, "dark")
	r := New(nil)
	p := protect("a $x*y$ b", false, false, 0)
	if len(p.spans) != 1 {
		t.Fatal(p.spans)
	}
	if _, err := r.restore(th, r.themeBits(th), p, "a Zq b\n", Options{}); err == nil {
		t.Error("restore accepted output without the token")
	}
	half := p.spans[0].token[:len(p.spans[0].token)-2]
	if _, err := r.restore(th, r.themeBits(th), p, "a "+half+"\n"+p.spans[0].token[len(half):], Options{}); err == nil {
		t.Error("restore accepted a split token")
	}
}

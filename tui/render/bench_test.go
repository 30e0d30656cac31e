package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/quick"
)

// step1K is a typical 1 KB step: heading, prose with inline math, a list,
// display math, inline code, a 7-line Lean block and a quote.
const step1K = `## Step 4: bound the sum

We have $S_n = \sum_{k=1}^{n} k^2$ and want $S_n \le n^3$ for all $n \ge 1$.
Using the closed form $\frac{n(n+1)(2n+1)}{6}$, it suffices to show that
$(n+1)(2n+1) \le 6n^2$, i.e. $4n^2 - 3n - 1 \ge 0$.

- For $n = 1$: $4 - 3 - 1 = 0$, fine.
- For $n \ge 2$: the quadratic is increasing, so it stays **non-negative**.

$$
4n^2 - 3n - 1 = (4n + 1)(n - 1) \ge 0
$$

The formal statement, checked with ` + "`lean --json`" + `:

` + "```lean" + `
theorem step4 (n : ℕ) (h₀ : 1 ≤ n) :
    (n + 1) * (2 * n + 1) ≤ 6 * n ^ 2 := by
  induction n with
  | zero => omega
  | succ k ih =>
    nlinarith [sq_nonneg k, h₀]
  -- done
` + "```" + `

> Note: the bound is *tight* at $n = 1$, where both sides equal $1$.
`

const lean11 = `theorem amc12a_2019_p21 (z : ℂ) (h₀ : z = (1 + Complex.I) / Real.sqrt 2) :
    ((∑ k in Finset.Icc 1 12, z ^ k ^ 2) * (∑ k in Finset.Icc 1 12, 1 / z ^ k ^ 2)) = 36 := by
  have h₁ : z ^ 8 = 1 := by
    rw [h₀]
    ring_nf
    sorry
  have h₂ : ∀ k : ℕ, z ^ (k ^ 2) = z ^ (k ^ 2 % 8) := by
    intro k
    rw [← Nat.mod_add_div (k ^ 2) 8, pow_add, pow_mul, h₁, one_pow, mul_one]
  simp [h₂, Finset.sum_Icc_succ_top]
  admit`

func BenchmarkMarkdownStep1K(b *testing.B) {
	th := theme(b, "dark")
	r := New(nil) // no cache: every iteration renders
	b.SetBytes(int64(len(step1K)))
	b.ReportAllocs()
	for b.Loop() {
		r.Markdown(th, "", step1K, Options{Width: 80})
	}
}

// BenchmarkGlamourOnly1K is the baseline: glamour alone on the same text
// (math unprotected, output not post-processed).
func BenchmarkGlamourOnly1K(b *testing.B) {
	th := theme(b, "dark")
	b.SetBytes(int64(len(step1K)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := glamourRender(th, step1K, 80, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLongCoT renders the longest Sky-T1 trace (153,700 characters,
// 1,225 blank-line steps) step by step, uncached: one op is the whole trace.
func BenchmarkLongCoT(b *testing.B) {
	th := theme(b, "dark")
	_, steps := longestSkyT1(b)
	for _, f := range []Format{Markdown, Plain} {
		b.Run(fmt.Sprintf("format=%d", f), func(b *testing.B) {
			r := New(nil)
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range steps {
					r.Render(th, Request{Format: f, Text: s, Options: Options{Width: 100}})
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(steps))/1e3, "µs/step")
		})
	}
}

// BenchmarkLongCoTWhole renders the same trace as one plain text.
func BenchmarkLongCoTWhole(b *testing.B) {
	th := theme(b, "dark")
	whole, _ := longestSkyT1(b)
	r := New(nil)
	b.SetBytes(int64(len(whole)))
	b.ReportAllocs()
	for b.Loop() {
		r.PlainText(th, "", whole, Options{Width: 100})
	}
}

func BenchmarkCachedRender(b *testing.B) {
	th := theme(b, "dark")
	r := New(NewCache(0))
	b.Run("id", func(b *testing.B) {
		req := Request{Format: Markdown, ID: "trace/42/step/4@1", Text: step1K, Options: Options{Width: 80}}
		r.Render(th, req)
		b.ReportAllocs()
		for b.Loop() {
			r.Render(th, req)
		}
	})
	b.Run("hash-1K", func(b *testing.B) {
		req := Request{Format: Markdown, Text: step1K, Options: Options{Width: 80}}
		r.Render(th, req)
		b.ReportAllocs()
		for b.Loop() {
			r.Render(th, req)
		}
	})
	b.Run("map-baseline", func(b *testing.B) {
		m := map[cacheKey]Result{{id: "trace/42/step/4@1", width: 80, theme: th.Key()}: {}}
		k := cacheKey{id: "trace/42/step/4@1", width: 80, theme: th.Key()}
		for b.Loop() {
			_ = m[k]
		}
	})
}

func BenchmarkLeanHighlight(b *testing.B) {
	if n := strings.Count(lean11, "\n") + 1; n != 11 {
		b.Fatalf("proof has %d lines, want 11", n)
	}
	th := theme(b, "dark")
	b.Run("render", func(b *testing.B) {
		r := New(nil)
		b.ReportAllocs()
		for b.Loop() {
			r.Code(th, "", lean11, "lean4", Options{Width: 100})
		}
	})
	// Baseline: chroma's own terminal16m path (style by name, lexer lookup
	// on every call), as measured in TUI.md §2.1.
	b.Run("chroma-quick", func(b *testing.B) {
		var sb strings.Builder
		b.ReportAllocs()
		for b.Loop() {
			sb.Reset()
			if err := quick.Highlight(&sb, lean11, "lean4", "terminal16m", "monokai"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

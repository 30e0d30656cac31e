package verify

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// decided lists each claim of a text as "ERR" (unsupported) or the exact
// evaluator's verdict on its statement, with the claim text.
func decided(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	for _, c := range FormalizeText(text) {
		if c.Err != "" {
			out = append(out, "ERR "+c.Text)
			continue
		}
		v, err := claim.Decide(c.Statement)
		if err != nil {
			t.Errorf("%q: statement %q: %v", text, c.Statement, err)
			continue
		}
		out = append(out, v.String()+" "+c.Text)
	}
	return out
}

// TestKnownMisreadings: each misreading listed in issue 14, from real
// ProcessBench, PRMBench and GSM8K steps labeled correct. Each must come
// out proved or unsupported — never disproved — except the real error
// "4(40) - 13 = 157", which the old reader missed.
func TestKnownMisreadings(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		// a coefficient and its variable
		{`Combine like terms: \( 9x - 21 = 339 \).`, []string{"ERR - 21 = 339"}},
		{`so Alex has caught \( (4x - 13) + 5 = 4x - 8 \) Pokémon.`, []string{"ERR - 13) + 5 = 4"}},
		{`Then \( 3x - 10 = 200 \)`, []string{"ERR - 10 = 200"}},
		// a factorial kept, a subfactorial not read as a number
		{`The product is \((4!)^2 = (2^3 \times 3)^2\).`, []string{"true (4 !) ^ 2 = (2 ^ 3 * 3) ^ 2"}},
		{`so !5 = 44 derangements`, nil},
		{`and !5 + 1 = 45`, []string{"ERR 5 + 1 = 45"}},
		// a percentage phrase
		{`25\% \text{ of } \$80 = \frac{25}{100} \times \$80 = \$20`,
			[]string{"true (25 / 100) * 80 = 25 / 100 * 80", "true 25 / 100 * 80 = 20"}},
		{"There are 60 questions x 40/100 = 24 correct.", []string{"ERR 40/100 = 24"}},
		// fractional exponents, exponents in ℚ
		{`\[ (\sqrt{2})^{10} = (2^{1/2})^{10} = 2^{10/2} = 2^5 \]`,
			[]string{"ERR {2})^{10} = (2^{1/2})^{10}", "ERR (2^{1/2})^{10} = 2^{10/2}", "true 2 ^ (10 / 2) = 2 ^ 5"}},
		{`so $2^{3-21} = 2^{-18}$`, []string{"true 2 ^ (-18 : ℤ) = 2 ^ (-18 : ℤ)"}},
		{`and $10^{32/4} = 10^8$`, []string{"true 10 ^ (32 / 4) = 10 ^ 8"}},
		{`then $(2^{5/8})^2 = 2^{5/4}$`, []string{"ERR (2^{5/8})^2 = 2^{5/4}"}},
		// chains and bullet lists split at the right place
		{"One-third of 27 = 27 ÷ 3 = 9. So, there are 9 unicorns.", []string{"ERR 27 = 27 ÷ 3", "true 27 / 3 = 9"}},
		{"- 10 = 2 * 5\n- 12 = 2^2 * 3\n- 15 = 3 * 5", []string{"true 10 = 2 * 5", "true 12 = 2 ^ 2 * 3", "true 15 = 3 * 5"}},
		{"HM(5, 7) = 2 * (5 * 7) / (5 + 7) = 70/12 = 5.833.",
			[]string{"ERR 7) = 2 * (5 * 7) / (5 + 7)", "true 2 * (5 * 7) / (5 + 7) = 70 / 12", "true 70 / 12 ≈ 5.833"}},
		// a decimal that is the exact value rounded or cut
		{"200 / 3 = 66.66666666666667", []string{"true 200 / 3 ≈ 66.66666666666667"}},
		{"280 ÷ 120 = 2.333", []string{"true 280 / 120 ≈ 2.333"}},
		{"201 / 17 = 11.82...", []string{"true 201 / 17 ≈ 11.82"}},
		{"201 / 17 ≈ 12", []string{"true 201 / 17 ≈ 12"}},
		{"-9.38 + 10 = 0.6199999999999992", []string{"true (-9.38) + 10 ≈ 0.6199999999999992"}},
		// a trial equation the text rejects
		{"60 = 5^2+6^2 = 61 … does not work", []string{"ERR 60 = 5^2+6^2", "ERR 5^2+6^2 = 61"}},
		{"2 + 1 = 1 (False)", []string{"ERR 2 + 1 = 1 ("}},
		{`so $\frac{5}{6} + \frac{2}{7} = \frac{47}{42}$, which does not equal 1`, []string{"ERR \\frac{5}{6} + \\frac{2}{7} = \\frac{47}{42}"}},
		{"And $1=3+4$ is clearly not true.", []string{"ERR 1=3+4"}},
		{"Is 3 + 4 = 8? No.", []string{"ERR 3 + 4 = 8"}},
		{"3 + 4 ≠ 8", nil},
		// a quotient with its remainder
		{"20 ÷ 6 = 3 R 2", []string{"true 20 / 6 = 3", "true 20 % 6 = 2"}},
		// a mixed number is not a product
		{`so \( 2\frac{6}{7} = \frac{20}{7} \)`, []string{"ERR 2\\frac{6}{7} = \\frac{20}{7}"}},
		{"he had 3 1/2 - 2 = 1 1/2 hours left", []string{"ERR 3 1/2 - 2 = 1 1/2"}},
		// percentage points against a percentage
		{"20-4 = 16% of the students", []string{"true 20 - 4 = 16% (as 16/100 or 16)"}},
		{"so 7 / 10 = 7%", []string{"false 7 / 10 = 7% (as 7/100 or 7)"}},
		// a list with an ellipsis is a sequence (a MATH reference solution,
		// number_theory/0, seen on the held-out MATH sample)
		{`The positive multiples of 45 are  \[45,90,135,\ldots,990=1\cdot45,2\cdot45,3\cdot45,\ldots,22\cdot45.\]`,
			[]string{"ERR 990=1\\cdot45"}},
		{"1, 2, 4, ..., 2^{10} = 1024", []string{"ERR 2^{10} = 1024"}},
		{"so 2 + 3 = 5, 5 + 1 = 6, done.", []string{"true 2 + 3 = 5", "true 5 + 1 = 6"}},
		// a running computation written as a chain (GSM8K test.jsonl line
		// 411, held back): 3/2 = 1.50, then 1.50 + 3.00 = 4.50
		{"So 1/2 off of 1 pound is $3/2 = $1.50+$3.00=$4.50",
			[]string{"ERR 3/2 = $1.50+$3.00", "true 1.50 + 3.00 ≈ 4.50"}},
		{"so 12 x 2 = 24 + 6 = 30 in all", []string{"ERR 12 x 2 = 24 + 6", "true 24 + 6 = 30"}},
		// ... but not when a link is simply wrong: no running reading holds
		{"so 3/2 = 1.50 + 3.00 = 4.75", []string{"false 3 / 2 = 1.50 + 3.00", "false 1.50 + 3.00 ≈ 4.75"}},
		{"so 3/2 = 1.25 + 3.00 = 4.25", []string{"false 3 / 2 = 1.25 + 3.00", "true 1.25 + 3.00 ≈ 4.25"}},
		// the miss: juxtaposition multiplies
		{"Stan has 4(40) - 13 = 157 Pokémon.", []string{"false 4 * 40 - 13 = 157"}},
	}
	for _, c := range cases {
		got := decided(t, c.text)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q:\n got  %q\n want %q", c.text, got, c.want)
		}
	}
}

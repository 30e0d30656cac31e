package verify

import (
	"bufio"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// The fuzz targets check that every parser of untrusted text (backend
// output, model answers, step text) returns an error instead of panicking,
// and keeps its invariants.

func FuzzParseREPLResponse(f *testing.F) {
	for _, name := range []string{"repl/type_mismatch.json", "repl/sorry.json", "repl/unknown_env.json"} {
		f.Add(testdata(name))
	}
	f.Add(`{"env": 0}`)
	f.Fuzz(func(t *testing.T, s string) {
		o, env, err := parseREPLResponse([]byte(s))
		if err == nil && (env < 0 && !strings.Contains(s, "env")) {
			t.Fatalf("accepted without env: %q", s)
		}
		_ = o
		// Framing: a response followed by a blank line reads back whole.
		body, err := readREPLResponse(bufio.NewReader(strings.NewReader(s + "\n\n")))
		if err == nil && strings.TrimSpace(string(body)) == "" {
			t.Fatalf("empty body for %q", s)
		}
	})
}

func FuzzParseLeanJSON(f *testing.F) {
	f.Add(testdata("leanjson/messages.jsonl"))
	f.Fuzz(func(t *testing.T, s string) {
		o, err := parseLeanJSON(s)
		if err == nil {
			for _, m := range o.Messages {
				if m.Severity != "error" && m.Severity != "warning" && m.Severity != "info" && m.Severity != "trace" {
					t.Fatalf("severity %q passed through", m.Severity)
				}
			}
		}
	})
}

func FuzzParseKiminaResponse(f *testing.F) {
	f.Add(testdata("kimina/check_response.json"))
	f.Add(testdata("kimina/verify_response.json"))
	f.Fuzz(func(t *testing.T, s string) {
		res, err := parseKiminaResponse([]byte(s))
		if err != nil {
			return
		}
		for _, r := range res {
			_, _ = kiminaOutcome(r)
		}
	})
}

func FuzzParseAutoformalization(f *testing.F) {
	f.Add("False")
	f.Add("```lean\ntheorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry\n```")
	f.Add("theorem test : 1 = 1 := by\n  norm_num")
	f.Fuzz(func(t *testing.T, s string) {
		stmt, skip, err := ParseAutoformalization(s)
		if err == nil && !skip && !sorryEnd.MatchString(stmt) {
			t.Fatalf("accepted a statement without sorry: %q", stmt)
		}
		if skip && stmt != "" {
			t.Fatal("skip with a statement")
		}
	})
}

func FuzzFormalizeText(f *testing.F) {
	f.Add("Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.")
	f.Add(`we get $\frac{10}{4} \cdot 2 = 5$ and 20% of 50 = 10`)
	f.Add("200 GB * 40% = 80 GB; 1,200 + 300 = 1,500")
	f.Add(`\( \frac{36}{5} = 7 \) full pens (with a remainder of 1, but) and 87/5 = 17 with 3 left over`)
	f.Add(`\left( \frac{1400}{2000} \right) \times 100 = 0.7 \times 100 = 70\%`)
	f.Add("- 10 = 2 * 5\n- 12 = 2^2 * 3\n(4!)^2 = 576, !5 = 44, 4(40) - 13 = 147, 201 / 17 = 11.82...")
	f.Add(`\((2^{1/2})^{10} = 2^{10/2}\), 2^{3-21}, 60 = 5^2+6^2 = 61 … does not work; 20 ÷ 6 = 3 R 2`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range FormalizeText(blankCalcs(s)) {
			if c.Span.Start < 0 || c.Span.End > len(s) || c.Span.Start > c.Span.End {
				t.Fatalf("span %+v out of %d bytes", c.Span, len(s))
			}
			if c.Err != "" {
				if c.Statement != "" {
					t.Fatalf("unsupported claim %q with a statement", c.Text)
				}
				continue
			}
			if c.Statement == "" {
				t.Fatal("claim without statement")
			}
			if _, err := claim.Parse(c.Statement); err != nil {
				t.Fatalf("claim %q does not parse: %v", c.Statement, err)
			}
		}
	})
}

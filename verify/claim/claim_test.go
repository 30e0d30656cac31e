package claim

import (
	"errors"
	"testing"
)

func TestDecide(t *testing.T) {
	cases := []struct {
		src  string
		want Verdict
	}{
		{"3*4+2 = 14", True},
		{"(16 ∣ 78 + 82) ∧ (-5-4-3 = -12)", True},  // Neg defaults the untyped tree to ℤ
		{"(-5 - 4 - 3 = -12) ∧ (2 - 5 = 0)", True}, // each relation defaults on its own
		{"(2 : ℕ) - 5 = 0", True},
		{"(48 / 2 : ℝ) = 24", True},
		{"(10 / 4 : ℝ) = 2.5", True},
		{"10 / 4 = 2", True},                 // ℕ floor division
		{"(10 : ℕ) / 4 = 2", True},           // same
		{"2 - 5 = 0", True},                  // truncated ℕ subtraction
		{"(2 : ℤ) - 5 = -3", True},           // ℤ
		{"(7 : ℝ) / 0 = 0", True},            // x/0 = 0
		{"7 / 0 = 0", True},                  // ℕ too
		{"(-7 : ℤ) / 2 = -4", True},          // Int.ediv floors for positive divisor
		{"(-7 : ℤ) % 2 = 1", True},           // emod ≥ 0
		{"(7 : ℤ) / (-2) = -3", True},        // ediv: 7 = (-2)(-3) + 1
		{"(-7 : ℤ) / (-2) = 4", True},        // -7 = (-2)(4) + 1
		{"7 % 0 = 7", True},                  // x % 0 = x
		{"16 ∣ 78 + 82", True},               //
		{"0 ∣ 0", True},                      //
		{"0 ∣ 5", False},                     //
		{"75 + 76 ≡ 75 [MOD 16]", False},     // 151 % 16 = 7, 75 % 16 = 11
		{"75 ≡ 11 [MOD 16]", True},           //
		{"(-12 : ℤ) ≡ 4 [ZMOD 16]", True},    //
		{"5 ! = 120", True},                  //
		{"Nat.choose 5 2 = 10", True},        //
		{"2 ^ 10 = 1024", True},              //
		{"(2 : ℝ) ^ (-1 : ℤ) = 1 / 2", True}, //
		{"(0 : ℝ) ^ (-1 : ℤ) = 0", True},     //
		{"-2 ^ 2 = (-4 : ℤ)", True},          // -(2^2)
		{"(2 - 3 : ℕ) + (1 : ℤ) = 1", True},  // inner ℕ tree truncates first
		{"(2 : ℕ) - 3 + (1 : ℤ) = 0", True},  // one tree in ℤ: ↑2 - 3 + 1
		{"(1 / 3 : ℚ) + 1 / 6 = 1 / 2", True},
		{"¬ (1 = 2)", True},
		{"1 = 2 → False", True},
		{"1 < 2 ∧ 2 ≤ 2 ∧ 3 > 2 ∧ 3 ≥ 3 ∧ 1 ≠ 2", True},
		{"theorem test : (2 + 2 = 5) := by sorry", False},
		{"theorem test (h₀ : 1 = 2) : 3 = 4 := by sorry", Vacuous},
		{"theorem test (h₀ : 1 = 1) : 3 = 3 := by\n  norm_num", True},
		{"(10 / 3 : ℝ) = 3.33", False},
		{"|(-3 : ℤ)| = 3", True},
		{"⌊(7 / 2 : ℚ)⌋ = 3", True},
		{"⌈(7 / 2 : ℚ)⌉ = 4", True},
		{"⌊(-7 / 2 : ℚ)⌋ = -4", True},
		{"max 2 3 = 3 ∧ min (2 : ℤ) (-1) = -1", True},
		{"Nat.gcd 12 18 = 6 ∧ Nat.lcm 4 6 = 12", True},
		{"9223372036854775807 + 1 = 9223372036854775808", True},
		{"(3037000500 * 3037000500 : ℤ) = 9223372037000250000", True},
		{"(1 / 9223372036854775807 : ℚ) + 1 / 9223372036854775806 > 0", True},
	}
	for _, c := range cases {
		got, err := Decide(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.src, got, c.want)
		}
	}
}

func TestUnsupported(t *testing.T) {
	for _, src := range []string{
		"2.5 = 5 / 2",                  // decimal without a type
		"(2.5 : ℕ) = 2",                // decimal in ℕ
		"Real.sqrt 4 = 2",              // unknown function
		"π > 3",                        // unknown name
		"x = 2",                        // unbound
		"1 = 1 = 1",                    // chained
		"(2 : ℝ) ^ (1 / 2 : ℝ) = 1",    // rpow
		"(5 : ℝ) % 2 = 1",              // no Mod ℝ
		"∀ x : ℕ, x = x",               // quantifier
		"(x : ℝ) = 2",                  // unbound in ascription
		"((2 : ℝ) : ℕ) = 2",            // no coercion down
		"10000 ! > 0",                  // too large
		"2 ^ 100000000 > 0",            // too large
		"theorem test (x : ℝ) : x = x", // not closed (Decide)
		"n! = 1",
		"(2 : ℕ) - 5 = -3", // Neg ℕ
		"",
		"(",
		"theorem",
	} {
		v, err := Decide(src)
		var u *Unsupported
		if !errors.As(err, &u) {
			t.Errorf("%q: want *Unsupported, got %v, %v", src, v, err)
		}
	}
}

func TestParseSafe(t *testing.T) {
	src := "theorem test\n  (b x: ℝ)\n  (h₀: x - 5 = 2 * x - b)\n  (h₁: x = -2):\n  (b = 3) := by sorry"
	st, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "test" || len(st.Vars) != 2 || st.Vars[0] != (Var{"b", Real}) || len(st.Hyps) != 2 ||
		st.Hyps[1].Name != "h₁" || st.GoalText() != "(b = 3)" || st.ProofText != "by sorry" {
		t.Fatalf("parsed %+v goal %q proof %q", st, st.GoalText(), st.ProofText)
	}
	if st.HypText(0) != "x - 5 = 2 * x - b" {
		t.Errorf("hyp text %q", st.HypText(0))
	}
}

func TestWorking(t *testing.T) {
	st, err := Parse("theorem test : (48 / 2 : ℝ) = 25 := by sorry")
	if err != nil {
		t.Fatal(err)
	}
	want := "goal: (48 / 2 : ℝ) = 25   ⟹  24 = 25 in ℝ: false"
	if got := st.Working(); got != want {
		t.Errorf("working\n got %q\nwant %q", got, want)
	}
}

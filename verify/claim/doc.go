// Package claim reads the small subset of Lean 4 that step formalizations
// use for arithmetic claims — `theorem test (x : ℝ) (h₀ : x = 2) : x + 1 = 3`
// and bare propositions — and decides them without Lean.
//
// Closed claims (no variables) are evaluated exactly with rationals under
// Lean's semantics: numerals default to ℕ, ℕ subtraction truncates at zero,
// ℕ and ℤ division floor (ℤ uses Int.ediv/emod), x / 0 = 0 in every type,
// `∣`, `[MOD n]`, `[ZMOD n]` and `n !` follow Mathlib. Claims with variables
// are translated to SMT-LIB for z3 or cvc5.
//
// Anything outside the subset, or whose meaning would depend on elaboration
// details this package does not model, is reported as *Unsupported: the
// caller must say "unsupported", never guess.
//
// It imports nothing of the module (not even the domain package).
package claim

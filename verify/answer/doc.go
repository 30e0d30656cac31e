// Package answer is the product's one final-answer grader: it finds the final
// answer in free text (extraction) and decides whether two answers say the
// same thing (math-aware equivalence), at the level of Hugging Face's
// Math-Verify, whose test cases it is measured on (see testdata/).
//
// Every verdict names how it was reached (a Method) and carries the grader's
// Version, so that a store graded by an older version can be re-graded. An
// answer that cannot be found, or two answers that cannot be compared, give
// Unknown: the grader never guesses.
//
// It imports only the standard library and the domain package. The exact
// arithmetic of verify/claim is not reused: its parser reads Lean syntax with
// Lean's semantics (truncating ℕ subtraction, x/0 = 0), which is wrong for
// LaTeX answers, and its rational type has no exported constructor; this
// package evaluates with math/big directly.
package answer

// Version identifies the grading rules. Bump it whenever a change can turn a
// verdict or changes what the grader derives: stores remember the version
// that graded each trace and re-grade with a newer one. 2: the checkpoint
// flags (stepwise.Grade.Checkpoints).
const Version = 2

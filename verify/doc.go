// Package verify checks step formalizations: it formalizes arithmetic
// claims in step text (rule-based) or through an LLM, and decides Lean 4
// statements with a chain of backends — the exact rational evaluator, SMT
// (z3, cvc5), a Lean REPL pool, a Kimina Lean Server and `lake env lean`.
//
// The Engine runs Jobs with bounded concurrency, a content-addressed Cache,
// in-flight dedupe and cancellation, and streams Results to a callback. It
// depends only on the domain package: the store supplies a persistent Cache,
// the judge supplies a Completer for autoformalization. See README.md.
package verify

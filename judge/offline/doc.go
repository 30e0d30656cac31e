// Package offline holds the analyzers that need no model: the final answer
// against gold (through verify/answer), the arithmetic claims in step text
// (through verify's exact evaluator), truncation, repetition, and tool calls
// in agent traces. Run applies them all to one trace and returns a Report of
// findings; each finding says which analyzer raised it and how severe it is.
// They sit beside the LLM judge because they answer the same question —
// where does this trace go wrong — but they are deterministic and free:
// `stepwise analyze` runs them on every trace and stores the findings, which
// the triage queue ranks by and the scorecard measures.
//
// It imports the domain package and verify/... only: no store, no model.
package offline

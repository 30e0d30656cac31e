package formats

import (
	"github.com/stepwise-dev/stepwise"
)

// R1-style generations: "<think>\n…reasoning…\n</think>\n\n…answer…", or a
// reasoning field beside the answer in OpenAI-compatible API responses.

const (
	r1Open  = "<think>"
	r1Close = "</think>"

	r1InlineSegmenter = "<think> block and answer, each split on blank lines"
	r1FieldSegmenter  = "reasoning field and answer content joined by a blank line, each split on blank lines"
	// r1FieldSep joins a separate reasoning field and the answer content
	// into one raw text; the separator belongs to neither section.
	r1FieldSep = "\n\n"
)

// r1InlineTrace fills t from one generation with inline think tags: a
// thinking section (reasoning before the first </think>, after <think> when
// present) and an answer section (after </think>). An opening tag that is
// never closed marks the trace truncated; OpenMissing is noted in Meta.
func r1InlineTrace(t *stepwise.Trace, raw string) {
	t.Raw = raw
	t.Segmenter = r1InlineSegmenter
	cut := cutThinkTags(raw, r1Open, r1Close)
	t.Truncated = t.Truncated || cut.Truncated
	if cut.HasThink {
		addParagraphSection(t, stepwise.SectionThinking, "thinking", cut.Think, stepwise.StepThinking)
	}
	if cut.OpenMissing {
		setMeta(t, "think_open_tag", "missing: reasoning taken as the text before the first </think>")
	}
	if !cut.HasThink {
		setMeta(t, "think_tags", "none: the whole generation is the answer")
	}
	r1Answer(t, cut.Rest)
}

// r1FieldTrace fills t from a separate reasoning text and answer content (the
// DeepSeek API's reasoning_content, vLLM's reasoning). Raw joins them with a
// blank line so that both keep their bytes exactly.
func r1FieldTrace(t *stepwise.Trace, reasoning, content string) {
	t.Segmenter = r1FieldSegmenter
	t.Raw = reasoning
	if content != "" {
		t.Raw += r1FieldSep + content
	}
	addParagraphSection(t, stepwise.SectionThinking, "thinking",
		stepwise.Span{Start: 0, End: len(reasoning)}, stepwise.StepThinking)
	if content != "" {
		r1Answer(t, stepwise.Span{Start: len(reasoning) + len(r1FieldSep), End: len(t.Raw)})
	}
}

// r1Answer makes the answer section and takes the final answer from its last
// \boxed{}.
func r1Answer(t *stepwise.Trace, sp stepwise.Span) {
	if !addParagraphSection(t, stepwise.SectionSolution, "answer", sp, stepwise.StepReasoning) {
		return
	}
	if a, ok := LastBoxed(t.Raw[sp.Start:sp.End]); ok {
		t.FinalAnswer = a
	}
}

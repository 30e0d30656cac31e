package record

import (
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// The in-place readers give the spans DecodeBody gives, on the traces of
// the samples (steps of every shape: labeled lists, calculator
// annotations, sections, tool calls, non-ASCII text).
func TestBodySpansMatchDecodeBody(t *testing.T) {
	n := 0
	for _, tr := range sampleTraces(t) {
		checkBodySpans(t, tr)
		n++
	}
	if n < 500 {
		t.Fatalf("%d sample traces", n)
	}
	// Every part of the encoding, including what no sample has.
	checkBodySpans(t, everyField())
}

func checkBodySpans(t *testing.T, tr *stepwise.Trace) {
	t.Helper()
	body := encodeBody(tr)
	raw, rest, err := BodyRaw(1, body)
	if err != nil || string(raw) != tr.Raw {
		t.Fatalf("%s: raw text: %v", tr.ID, err)
	}
	spans, err := BodySpans(1, rest, len(raw), nil)
	if err != nil {
		t.Fatalf("%s: %v", tr.ID, err)
	}
	if len(spans) != len(tr.Steps) {
		t.Fatalf("%s: %d spans for %d steps", tr.ID, len(spans), len(tr.Steps))
	}
	for i, sp := range spans {
		if sp != tr.Steps[i].Span {
			t.Fatalf("%s step %d: span %v, want %v", tr.ID, i, sp, tr.Steps[i].Span)
		}
	}
	// Cut short anywhere, a body gives an error or, when only the fields
	// after the steps are lost, the right spans; never a panic or wrong
	// spans.
	for n := 0; n < len(body); n++ {
		raw, rest, err := BodyRaw(1, body[:n])
		if err != nil {
			continue
		}
		if got, err := BodySpans(1, rest, len(raw), nil); err == nil && !reflect.DeepEqual(got, spans) {
			t.Fatalf("%s cut at %d of %d bytes: spans %v, want %v or an error", tr.ID, n, len(body), got, spans)
		}
	}
}

func everyField() *stepwise.Trace {
	yes := true
	raw := "First step with <<2+2=4>> a calc.\n\nSecond step calls a tool."
	tr := traceFromSteps(raw, "\n\n")
	tr.ID, tr.Segmenter, tr.CorrectBy = "every:1", "test", "test"
	lbl := stepwise.Label{Rating: stepwise.Bad, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman, Source: "s",
		OrigIndex: 300, Base: 1, FirstError: true, Category: "c", Reason: "r", Flagged: &yes, Annotator: "a",
		Alternatives: []stepwise.Alternative{{Text: "alt", Rating: stepwise.Good, Flagged: &yes, Human: true}}}
	tr.Sections = []stepwise.Section{{Kind: stepwise.SectionThinking, Title: "t", Span: stepwise.Span{Start: 0, End: len(raw)},
		FirstStep: 0, EndStep: 2, Labels: []stepwise.Label{lbl}}}
	tr.Steps[0].Labels = []stepwise.Label{lbl, lbl}
	tr.Steps[0].Calcs = []stepwise.Calc{{Expr: "2+2", Result: "4", Span: stepwise.Span{Start: 16, End: 25}}}
	tr.Steps[0].Formalizations = []stepwise.Formalization{{Statement: "theorem x : 2 + 2 = 4", Proof: "by norm_num",
		Header: "import Mathlib", Messages: []string{"m1", "m2"}, Evidence: "e", ElapsedMS: 12.5, CacheKey: "k"}}
	tr.Steps[1].Tool = &stepwise.Tool{CallID: "c1", Name: "calc", Arguments: "{}", Error: "boom"}
	tr.Steps[1].Role = "assistant"
	tr.Labels = []stepwise.Label{lbl}
	tr.Usage = &stepwise.Usage{PromptTokens: 1, CompletionTokens: 2}
	tr.Meta = map[string]string{"k": "v"}
	return tr
}

// FuzzBodySpans feeds arbitrary bytes to the in-place body readers: they
// must not panic, and where DecodeBody accepts a body they must give its
// spans.
func FuzzBodySpans(f *testing.F) {
	f.Add(encodeBody(everyField()))
	f.Add(encodeBody(traceFromSteps("a\n\nb", "\n\n")))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, rest, err := BodyRaw(1, body)
		if err != nil {
			return
		}
		spans, err := BodySpans(1, rest, len(raw), nil)
		var tr stepwise.Trace
		if DecodeBody(&tr, body) != nil {
			return
		}
		if err != nil {
			t.Fatalf("DecodeBody accepts a body BodySpans rejects: %v", err)
		}
		if len(spans) != len(tr.Steps) {
			t.Fatalf("%d spans, DecodeBody has %d steps", len(spans), len(tr.Steps))
		}
		for i := range spans {
			if spans[i] != tr.Steps[i].Span {
				t.Fatalf("step %d: %v, DecodeBody %v", i, spans[i], tr.Steps[i].Span)
			}
		}
	})
}

// traceFromSteps cuts raw at sep into steps, as the list codecs do.
func traceFromSteps(raw, sep string) *stepwise.Trace {
	tr := &stepwise.Trace{Raw: raw}
	pos := 0
	for i, part := range strings.Split(raw, sep) {
		tr.Steps = append(tr.Steps, stepwise.Step{Index: i, Span: stepwise.Span{Start: pos, End: pos + len(part)}, Text: part})
		pos += len(part) + len(sep)
	}
	return tr
}

// sampleTraces decodes the bundled samples with the format codecs.
func sampleTraces(t *testing.T) []*stepwise.Trace {
	t.Helper()
	samples := filepath.Join("..", "..", "..", "testdata", "samples")
	var paths []string
	for _, g := range []string{"processbench/*.json", "gsm8k/test_first200.jsonl", "prm800k/*", "deltabench/*",
		"toolcall/reason_tool_use_demo_first30.jsonl", "math500/test_first200.jsonl"} {
		m, err := filepath.Glob(filepath.Join(samples, filepath.FromSlash(g)))
		if err != nil || len(m) == 0 {
			t.Fatalf("samples %s: %v", g, err)
		}
		paths = append(paths, m...)
	}
	var out []*stepwise.Trace
	opts := &formats.Options{}
	for _, p := range paths {
		in, err := formats.Open(p, "")
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := in.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			items, err := in.DecodeRecord(rec, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				out = append(out, it.Trace)
			}
		}
		rest, err := in.Flush(opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rest {
			out = append(out, it.Trace)
		}
		in.Close()
	}
	return out
}

func formal(stmt string, st stepwise.ProofStatus) stepwise.Formalization {
	return stepwise.Formalization{Statement: stmt, Proof: stmt + " by norm_num", Header: "import Mathlib",
		Origin: stepwise.FormalRule, Status: st, Backend: "rational", Toolchain: "exact",
		Messages: []string{"info: one", "warning: two"}, Evidence: "working:\n16 - 3 - 4 = 9",
		ElapsedMS: 0.25, CacheKey: "abc"}
}

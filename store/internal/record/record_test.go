package record

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func fullTrace() *stepwise.Trace {
	yes, no := true, false
	fe := 1
	_ = fe
	raw := "think a\n\nthink b\n\ncall(x)\n\nanswer 42"
	return &stepwise.Trace{
		ID: "ds:1", SourceID: "1", Dataset: "ds", ProblemID: "p1", Model: "m", Sample: 2,
		Raw: raw, Segmenter: "blank lines",
		Sections: []stepwise.Section{{Kind: stepwise.SectionThinking, Title: "t", Span: stepwise.Span{Start: 0, End: 16},
			FirstStep: 0, EndStep: 2, Labels: []stepwise.Label{{Rating: stepwise.Bad, Scope: stepwise.ScopeSection, Origin: stepwise.OriginHuman, Source: "s", OrigIndex: 3, Base: 1, Reason: "why"}}}},
		Steps: []stepwise.Step{
			{Index: 0, Kind: stepwise.StepThinking, Span: stepwise.Span{Start: 0, End: 7}, Text: "think a",
				Labels: []stepwise.Label{{Rating: stepwise.Good, Scope: stepwise.ScopeStep, Origin: stepwise.OriginHuman, Source: "x", OrigIndex: 1, Base: 0,
					Flagged: &no, Annotator: "ann", Alternatives: []stepwise.Alternative{{Text: "alt", Rating: stepwise.Neutral, Flagged: &yes, Human: true}}}},
				Calcs: []stepwise.Calc{{Expr: "1+1", Result: "2", Span: stepwise.Span{Start: 1, End: 3}}}},
			{Index: 1, Kind: stepwise.StepThinking, Span: stepwise.Span{Start: 9, End: 16}, Text: "think b",
				Formalizations: []stepwise.Formalization{{Statement: "theorem t : 1 + 1 = 2 := by sorry", Proof: "norm_num", Origin: stepwise.FormalImported,
					Status: stepwise.StatusStored, StoredState: "Success of Proof", Messages: []string{"m1", "m2"}, ElapsedMS: 1.5, Evidence: "e", CacheKey: "k"}}},
			{Index: 2, Kind: stepwise.StepToolCall, Role: "assistant", Span: stepwise.Span{Start: 18, End: 25}, Text: "call(x)",
				Tool: &stepwise.Tool{CallID: "c1", Name: "call", Arguments: `{"x":1}`, Error: "boom"}},
			{Index: 3, Kind: stepwise.StepAnswer, Span: stepwise.Span{Start: 27, End: len(raw)}, Text: "answer 42"},
		},
		FinalAnswer: "42", Correct: &no, CorrectBy: "gold", Truncated: true,
		Usage:  &stepwise.Usage{PromptTokens: 10, CompletionTokens: 20, ReasoningTokens: 5, LatencySeconds: 1.25, CostUSD: 0.01},
		Labels: []stepwise.Label{{Rating: stepwise.Bad, Scope: stepwise.ScopeTrace, Origin: stepwise.OriginModel, Source: "score", OrigIndex: -1}},
		Meta:   map[string]string{"b": "2", "a": "1"},
		Source: stepwise.SourceRef{Format: "f", Path: "p", Line: 7},
	}
}

func TestBodyRoundTrip(t *testing.T) {
	in := fullTrace()
	sum := Summarize(in)
	gotSum, err := DecodeSummary(9, EncodeSummary(&sum))
	if err != nil {
		t.Fatal(err)
	}
	sum.Seq = 9
	if !reflect.DeepEqual(gotSum, sum) {
		t.Fatalf("summary round trip:\n got %+v\nwant %+v", gotSum, sum)
	}
	out := &stepwise.Trace{ID: in.ID, SourceID: in.SourceID, Dataset: in.Dataset, ProblemID: in.ProblemID, Model: in.Model,
		Sample: in.Sample, FinalAnswer: in.FinalAnswer, Correct: in.Correct, Truncated: in.Truncated, Source: in.Source}
	if err := DecodeBody(out, encodeBody(in)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("body round trip:\n got %+v\nwant %+v", out, in)
	}
}

// FuzzDecodeBody: corrupt bytes give an error, never a panic or a huge
// allocation.
func FuzzDecodeBody(f *testing.F) {
	f.Add(encodeBody(fullTrace()))
	if v1, err := os.ReadFile(filepath.Join("testdata", "bodies_v1", "full.bin")); err == nil {
		f.Add(v1)
	}
	s := Summarize(fullTrace())
	f.Add(EncodeSummary(&s))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tr stepwise.Trace
		_ = DecodeBody(&tr, b)
		_, _ = DecodeSummary(1, b)
	})
}

// encodeBody encodes one trace's body on its own (the import writes bodies
// straight into blocks).
func encodeBody(t *stepwise.Trace) []byte {
	return AppendBody(make([]byte, 0, BodySizeHint(t)), t)
}

// TestBodyVersion1StillDecodes: bodies written before names (version 1;
// testdata/bodies_v1 was written by that code, from fullTrace and from
// ProcessBench and PRM800K samples) decode, search reads their spans, and
// they re-encode as version 2 to the same trace in fewer bytes.
func TestBodyVersion1StillDecodes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bodies_v1", "*.bin"))
	if len(files) < 5 {
		t.Fatalf("%d golden bodies", len(files))
	}
	for _, f := range files {
		v1, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if v1[0] != BodyVersionNoNames {
			t.Fatalf("%s: version %d", f, v1[0])
		}
		var old stepwise.Trace
		if err := DecodeBody(&old, v1); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(old.Steps) == 0 || old.Raw == "" {
			t.Fatalf("%s: decoded no steps", f)
		}
		v2 := encodeBody(&old)
		var again stepwise.Trace
		if err := DecodeBody(&again, v2); err != nil {
			t.Fatalf("%s: version 2: %v", f, err)
		}
		if !reflect.DeepEqual(again, old) {
			t.Fatalf("%s: version 2 decodes to another trace:\n got %+v\nwant %+v", f, again, old)
		}
		if len(v2) >= len(v1) {
			t.Errorf("%s: version 2 takes %d bytes, version 1 %d", f, len(v2), len(v1))
		}
		raw, tail, err := BodyRaw(1, v1)
		if err != nil || string(raw) != old.Raw {
			t.Fatalf("%s: raw text: %v", f, err)
		}
		spans, err := BodySpans(1, tail, len(raw), nil)
		if err != nil || len(spans) != len(old.Steps) {
			t.Fatalf("%s: %d spans (%v) for %d steps", f, len(spans), err, len(old.Steps))
		}
		for i, sp := range spans {
			if sp != old.Steps[i].Span {
				t.Fatalf("%s step %d: span %v, want %v", f, i, sp, old.Steps[i].Span)
			}
		}
		t.Logf("%s: %d steps, %d bytes in version 1, %d in version 2", filepath.Base(f), len(old.Steps), len(v1), len(v2))
	}
}

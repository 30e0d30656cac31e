package llm

import (
	"math"
	"strings"
	"testing"
)

func TestProfileFromEnv(t *testing.T) {
	p := ProfileFromEnv(func(k string) string {
		return map[string]string{"OPENAI_BASE_URL": " http://127.0.0.1:8000/v1 "}[k]
	})
	if p.BaseURL != "http://127.0.0.1:8000/v1" || p.APIKeyEnv != "OPENAI_API_KEY" {
		t.Errorf("profile %+v", p)
	}
	p = ProfileFromEnv(func(string) string { return "" })
	if p.BaseURL != DefaultBaseURL || p.MaxTokens != DefaultMaxTokens || *p.Temperature != 0 || p.Structured != StructuredSchema {
		t.Errorf("defaults %+v", p)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		p    Profile
		want string
	}{
		{Profile{BaseURL: "http://h/v1", Model: "m"}, ""},
		{Profile{BaseURL: "ftp://h", Model: "m"}, "scheme"},
		{Profile{BaseURL: "http://user:sk-secret@h/v1", Model: "m"}, "credentials"},
		{Profile{BaseURL: "http://h/v1"}, "model is empty"},
		{Profile{BaseURL: "http://h/v1", Model: "m", Structured: "xml"}, "structured"},
		{Profile{BaseURL: "http://h/v1", Model: "m", InputPricePerM: -1}, "negative"},
	} {
		err := tc.p.Validate()
		if tc.want == "" {
			if err != nil {
				t.Errorf("%+v: %v", tc.p, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.p, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "sk-secret") {
			t.Errorf("error leaks the credential: %v", err)
		}
	}
}

func TestRedactAndCost(t *testing.T) {
	if got := Redact("https://u:sk-1@api.example.com/v1?key=sk-2#f"); got != "https://api.example.com/v1" {
		t.Errorf("redact %q", got)
	}
	p := Profile{InputPricePerM: 0.5, OutputPricePerM: 2}
	// 1000 prompt tokens at $0.5/M + 500 completion at $2/M = 0.0005 + 0.001.
	if got := p.Cost(Usage{PromptTokens: 1000, CompletionTokens: 500, ReasoningTokens: 400}); math.Abs(got-0.0015) > 1e-12 {
		t.Errorf("cost %v", got)
	}
}

func TestSplitThink(t *testing.T) {
	for _, tc := range []struct{ in, r, c string }{
		{"<think>a</think>b", "a", "b"},
		{"  <think>\nx\n</think>\n\nanswer", "x", "answer"},
		{"x y</think>z", "x y", "z"},
		{"<think>never closed", "never closed", ""},
		{"plain", "", "plain"},
		{"a <think> b </think> c", "", "a <think> b </think> c"}, // a tag inside prose is not a block
	} {
		r, c := SplitThink(tc.in)
		if r != tc.r || c != tc.c {
			t.Errorf("SplitThink(%q) = %q, %q; want %q, %q", tc.in, r, c, tc.r, tc.c)
		}
	}
}

func TestDeltaReasoning(t *testing.T) {
	f := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, tc := range []struct {
		m    map[string]string
		want string
	}{
		{map[string]string{"reasoning": `"a\nb"`}, "a\nb"},
		{map[string]string{"reasoning_content": `"x"`, "reasoning": `"x"`}, "x"},
		{map[string]string{"reasoning_content": `null`, "reasoning": `"y"`}, "y"},
		{map[string]string{"reasoning_content": `42`}, ""},
		{map[string]string{"reasoning": `"unterminated`}, ""},
		{nil, ""},
	} {
		if got := deltaReasoning(f(tc.m)); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.m, got, tc.want)
		}
	}
}

func FuzzSplitThink(f *testing.F) {
	for _, s := range []string{"<think>a</think>b", "x</think>y", "<think>", "</think>", "plain", "<think><think></think></think>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, c := SplitThink(s)
		if len(r)+len(c) > len(s) {
			t.Fatalf("output longer than input: %q %q from %q", r, c, s)
		}
		if !strings.Contains(s, thinkClose) && !strings.Contains(s, thinkOpen) && (r != "" || c != s) {
			t.Fatalf("tag-free input changed: %q -> %q, %q", s, r, c)
		}
	})
}

func FuzzDecodeJSONString(f *testing.F) {
	for _, s := range []string{`"a"`, `null`, `"\u00e9\n"`, `"`, `1`, `"\ud800"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = decodeJSONString(s)
	})
}

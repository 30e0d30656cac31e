package answer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkGradeTrace grades real ProcessBench traces (their steps joined)
// against an answer, the work import does for a trace without a source
// verdict.
func BenchmarkGradeTrace(b *testing.B) { benchGrade(b, "processbench/math_0-49_and_500-549.json") }

// BenchmarkGradeTraceUnboxed: ProcessBench's GSM8K traces, most of which end
// in a sentence rather than a box.
func BenchmarkGradeTraceUnboxed(b *testing.B) {
	benchGrade(b, "processbench/gsm8k_0-99_and_200-299.json")
}

func benchGrade(b *testing.B, file string) {
	raw, err := os.ReadFile(filepath.Join(samples, file))
	if err != nil {
		b.Fatal(err)
	}
	var recs []pbRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		b.Fatal(err)
	}
	texts := make([]string, len(recs))
	bytes := 0
	for i, r := range recs {
		texts[i] = strings.Join(r.Steps, "\n\n")
		bytes += len(texts[i])
	}
	b.SetBytes(int64(bytes / len(texts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Grade(texts[i%len(texts)], "\\frac{14}{3}", Options{})
	}
}

// BenchmarkExtractUnboxed extracts the final answer of the ProcessBench
// traces whose text has no box: what import does for such a trace whose
// source states the verdict but no answer.
func BenchmarkExtractUnboxed(b *testing.B) {
	var texts []string
	for _, f := range []string{"processbench/gsm8k_0-99_and_200-299.json", "processbench/math_0-49_and_500-549.json"} {
		raw, err := os.ReadFile(filepath.Join(samples, f))
		if err != nil {
			b.Fatal(err)
		}
		var recs []pbRecord
		if err := json.Unmarshal(raw, &recs); err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if t := strings.Join(r.Steps, "\n\n"); !strings.Contains(t, `\boxed`) {
				texts = append(texts, t)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(texts[i%len(texts)])
	}
}

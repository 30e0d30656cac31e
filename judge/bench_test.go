package judge_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
)

// benchTrace loads a real trace: the first ProcessBench MATH record
// (typical length) or the longest Sky-T1 AIME trace (a 150k-character
// thinking trace).
func benchTrace(b *testing.B, long bool) (stepwise.Problem, stepwise.Trace) {
	b.Helper()
	var problem, raw string
	var steps []string
	if long {
		f, err := os.Open("../testdata/samples/longcot_skyt1/aime24_sky-t1-32b-ckpt140.jsonl")
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var r struct {
				Problem string   `json:"problem"`
				Code    []string `json:"code"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				b.Fatal(err)
			}
			if len(r.Code[0]) > len(raw) {
				problem, raw = r.Problem, r.Code[0]
			}
		}
		steps = strings.Split(raw, "\n\n")
	} else {
		bs, err := os.ReadFile("../testdata/samples/processbench/math_0-49_and_500-549.json")
		if err != nil {
			b.Fatal(err)
		}
		var recs []struct {
			Problem string   `json:"problem"`
			Steps   []string `json:"steps"`
		}
		if err := json.Unmarshal(bs, &recs); err != nil {
			b.Fatal(err)
		}
		problem, steps = recs[0].Problem, recs[0].Steps
		raw = strings.Join(steps, "\n\n")
	}
	t := stepwise.Trace{ID: "bench", Raw: raw}
	for i, s := range steps {
		t.Steps = append(t.Steps, stepwise.Step{Index: i, Text: s})
	}
	return stepwise.Problem{ID: "p", Text: problem, GoldAnswer: "42"}, t
}

// BenchmarkSingleOverhead is the pipeline's own cost per trace with a model
// that answers instantly: prompt rendering, parsing, bookkeeping (6 calls).
func BenchmarkSingleOverhead(b *testing.B) {
	for _, long := range []bool{false, true} {
		name := "processbench"
		if long {
			name = "skyt1-longest"
		}
		b.Run(name, func(b *testing.B) {
			p, t := benchTrace(b, long)
			r := &judge.Runner{Client: &fakeModel{}, Profile: llm.Profile{Model: "fake"}}
			b.SetBytes(int64(len(t.Raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Single(context.Background(), &p, &t, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPairwiseOverhead: the same for a pair (11 calls, both orders).
func BenchmarkPairwiseOverhead(b *testing.B) {
	p, t := benchTrace(b, false)
	u := t
	u.ID = "other"
	r := &judge.Runner{Client: &fakeModel{}, Profile: llm.Profile{Model: "fake"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Pairwise(context.Background(), &p, &t, &u, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchSaturation runs 64 single-trace jobs against a model with a
// fixed 20 ms latency behind a cap of 8 requests, and reports how busy the
// cap was kept: 1.0 means all 8 slots were in use for the whole batch.
func BenchmarkBatchSaturation(b *testing.B) {
	const (
		latency = 20 * time.Millisecond
		slots   = 8
		jobs    = 64
	)
	p, t := benchTrace(b, false)
	var js []judge.Job
	for range jobs {
		js = append(js, judge.Job{Problem: p, Traces: []stepwise.Trace{t}})
	}
	for _, conc := range []int{2, 8, 16} {
		b.Run("jobs-at-once="+strconv.Itoa(conc), func(b *testing.B) {
			var busy, wall time.Duration
			for b.Loop() {
				model := &fakeModel{latency: latency}
				r := &judge.Runner{Client: llm.Limit(model, slots), Profile: llm.Profile{Model: "fake"}}
				start := time.Now()
				if _, err := (&judge.Batch{Runner: r, Concurrency: conc}).Run(context.Background(), slices.Values(js), nil); err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				busy += time.Duration(model.calls.Load()) * latency
			}
			b.ReportMetric(float64(busy)/float64(wall)/slots, "saturation")
		})
	}
}

// BenchmarkSandboxRun is one trivial checker run under bubblewrap: the
// fixed cost a code analysis adds (namespace setup, Python start).
func BenchmarkSandboxRun(b *testing.B) {
	s := sandbox.New(sandbox.Config{})
	if err := s.Available(context.Background()); err != nil {
		b.Skip(err)
	}
	prog := sandbox.Program{Code: "def evaluate(text, steps):\n    print(len(steps))\n", Responses: []sandbox.Response{{Label: "r", Text: "a\n\nb", Steps: []string{"a", "b"}}}}
	for b.Loop() {
		info, err := s.Run(context.Background(), prog)
		if err != nil || info.ExitCode != 0 {
			b.Fatal(err, info)
		}
	}
}

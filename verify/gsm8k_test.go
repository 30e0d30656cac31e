package verify

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

const gsm8kSample = "../testdata/samples/gsm8k/test_first200.jsonl"

// loadSteps reads every step of a sample with the store's codec.
func loadSteps(tb testing.TB, path string) []stepwise.Step {
	var steps []stepwise.Step
	for _, t := range loadItemsOf(tb, path) {
		steps = append(steps, t.Steps...)
	}
	return steps
}

// loadItemsOf reads every trace of a sample with the store's codec.
func loadItemsOf(tb testing.TB, path string) []*stepwise.Trace {
	tb.Helper()
	in, err := formats.Open(path, "")
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	var out []*stepwise.Trace
	for {
		rec, err := in.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		items, err := in.DecodeRecord(rec, &formats.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		for _, it := range items {
			out = append(out, it.Trace)
		}
	}
}

// gsm8kClaims formalizes every step of the sample.
func gsm8kClaims(tb testing.TB) []Claim {
	var claims []Claim
	for _, s := range loadSteps(tb, gsm8kSample) {
		claims = append(claims, FormalizeStep(s)...)
	}
	return claims
}

type claimCounts map[string]map[stepwise.ProofStatus]int

// checkClaims runs every claim through the engine and counts statuses by
// claim source; claims that could not be stated count as unsupported.
func checkClaims(tb testing.TB, e *Engine, claims []Claim) claimCounts {
	counts := claimCounts{}
	bump := func(src string, st stepwise.ProofStatus) {
		if counts[src] == nil {
			counts[src] = map[stepwise.ProofStatus]int{}
		}
		counts[src][st]++
	}
	var jobs []Job
	var srcs []string
	for _, c := range claims {
		if c.Err != "" {
			bump(c.Source, stepwise.StatusUnsupported)
			continue
		}
		jobs = append(jobs, Job{Statement: c.Statement})
		srcs = append(srcs, c.Source)
	}
	err := e.Run(context.Background(), jobs, func(o Outcome) {
		if o.Err != nil {
			tb.Errorf("job %d: %v", o.Index, o.Err)
		}
		bump(srcs[o.Index], o.Result.Status)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return counts
}

// TestGSM8KEndToEnd formalizes and checks every arithmetic claim of the
// 200-record GSM8K sample. Expected figures come from python3: the sample
// has 620 <<a=b>> annotations, and evaluating each with fractions shows all
// are exact (one is written `+8`, which Lean spells `8`).
func TestGSM8KEndToEnd(t *testing.T) {
	claims := gsm8kClaims(t)
	e := New(Config{Backends: []string{BackendRational, BackendZ3, BackendCVC5}}, nil)
	defer e.Close()
	counts := checkClaims(t, e, claims)
	calc := counts["calc"]
	if total := sum(calc); total != 620 || calc[stepwise.StatusProved] != 620 {
		t.Errorf("calc claims %v (total %d), want 620 proved", calc, total)
	}
	extra := 0
	for src, m := range counts {
		if src == "calc" {
			continue
		}
		extra += m[stepwise.StatusProved]
		// The reference solutions' arithmetic is right: a text claim that
		// does not hold would be a misreading. Equations whose text is not
		// all arithmetic ("3x +4 - 4 = 28 – 4", "3 1/2 - 2 = 1 1/2") are
		// unsupported, never disproved.
		if m[stepwise.StatusProved]+m[stepwise.StatusUnsupported] != sum(m) {
			t.Errorf("%s claims: %v", src, m)
		}
	}
	if extra == 0 {
		t.Error("no equations found in the step text beyond the annotations")
	}
	t.Logf("claims by source and status: %v", counts)

	calls := e.Stats().BackendCalls
	again := checkClaims(t, e, claims)
	if got := e.Stats().BackendCalls; got != calls {
		t.Errorf("re-check made %d backend calls, want 0", got-calls)
	}
	if sum(again["calc"]) != 620 {
		t.Errorf("re-check counts %v", again)
	}
}

func sum(m map[stepwise.ProofStatus]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

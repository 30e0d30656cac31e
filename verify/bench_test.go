package verify

import (
	"context"
	"testing"

	"github.com/stepwise-dev/stepwise/verify/claim"
)

// gsm8kStatements are the Lean statements of every claim in the sample.
func gsm8kStatements(b *testing.B) []string {
	var out []string
	for _, c := range gsm8kClaims(b) {
		if c.Err == "" {
			out = append(out, c.Statement)
		}
	}
	return out
}

// BenchmarkDecide measures the exact evaluator end to end (parse,
// elaborate, evaluate) on the GSM8K sample's claims; claims/s is the figure
// DESIGN §8 asks to exceed 1M.
func BenchmarkDecide(b *testing.B) {
	stmts := gsm8kStatements(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v, err := claim.Decide(stmts[i%len(stmts)]); err != nil || v != claim.True {
			b.Fatalf("%s: %v %v", stmts[i%len(stmts)], v, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}

// BenchmarkDecideParallel is BenchmarkDecide on every core.
func BenchmarkDecideParallel(b *testing.B) {
	stmts := gsm8kStatements(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := claim.Decide(stmts[i%len(stmts)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}

// BenchmarkRationalBackend adds the backend's evidence (the working).
func BenchmarkRationalBackend(b *testing.B) {
	stmts := gsm8kStatements(b)
	r := NewRational()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Check(ctx, Job{Statement: stmts[i%len(stmts)], Mode: ModeDecide})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}

// BenchmarkGSM8KEndToEnd formalizes every step of the 200-record sample and
// checks every claim through a fresh engine (rational, z3, cvc5; no cache).
func BenchmarkGSM8KEndToEnd(b *testing.B) {
	steps := loadSteps(b, gsm8kSample)
	b.ResetTimer()
	claims := 0
	for i := 0; i < b.N; i++ {
		e := New(Config{Backends: []string{BackendRational, BackendZ3, BackendCVC5}}, nil)
		var cs []Claim
		for _, s := range steps {
			cs = append(cs, FormalizeStep(s)...)
		}
		counts := checkClaims(b, e, cs)
		for _, m := range counts {
			claims += sum(m)
		}
		e.Close()
	}
	b.ReportMetric(float64(claims)/float64(b.N), "claims/op")
}

// BenchmarkGSM8KCachedRecheck re-checks the sample on a warm engine: every
// result comes from the cache, so backend-calls/op must be 0.
func BenchmarkGSM8KCachedRecheck(b *testing.B) {
	cs := gsm8kClaims(b)
	e := New(Config{Backends: []string{BackendRational, BackendZ3, BackendCVC5}}, nil)
	defer e.Close()
	checkClaims(b, e, cs)
	before := e.Stats().BackendCalls
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checkClaims(b, e, cs)
	}
	b.ReportMetric(float64(e.Stats().BackendCalls-before)/float64(b.N), "backend-calls/op")
}

package verify

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// stubBackend is a test backend: it answers a fixed status, optionally
// waiting on a gate, and counts calls and peak concurrency.
type stubBackend struct {
	name    string
	status  stepwise.ProofStatus
	gate    chan struct{}
	calls   atomic.Int64
	running atomic.Int64
	peak    atomic.Int64
}

func (s *stubBackend) Name() string                     { return s.name }
func (s *stubBackend) Toolchain(context.Context) string { return "stub/1" }
func (s *stubBackend) Check(ctx context.Context, job Job) Result {
	s.calls.Add(1)
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return Result{Status: stepwise.StatusTimeout, Detail: "stub timed out"}
		}
	}
	return Result{Status: s.status, Detail: "stub"}
}

func TestEngineCacheMakesNoBackendCall(t *testing.T) {
	stub := &stubBackend{name: "stub", status: stepwise.StatusProved}
	e := NewEngine(Config{}, nil, stub)
	job := Job{Statement: "theorem test : (1 : ℝ) = 1 := by sorry"}
	r1, err := e.Check(context.Background(), job)
	if err != nil || r1.Status != stepwise.StatusProved || r1.Cached || r1.Key == "" {
		t.Fatalf("first: %+v %v", r1, err)
	}
	// The same statement with CRLF and without the sorry placeholder has the same key.
	r2, err := e.Check(context.Background(), Job{Statement: "theorem test : (1 : ℝ) = 1 \r\n"})
	if err != nil || !r2.Cached || r2.Key != r1.Key {
		t.Fatalf("second: %+v %v", r2, err)
	}
	if got := stub.calls.Load(); got != 1 {
		t.Errorf("backend called %d times, want 1", got)
	}
	if s := e.Stats(); s.BackendCalls != 1 || s.CacheHits != 1 {
		t.Errorf("stats %+v", s)
	}
	r3, _ := e.Check(context.Background(), Job{Statement: job.Statement, NoCache: true})
	if r3.Cached || stub.calls.Load() != 2 {
		t.Errorf("NoCache: cached=%v calls=%d", r3.Cached, stub.calls.Load())
	}
}

func TestEngineDedupesInFlight(t *testing.T) {
	stub := &stubBackend{name: "stub", status: stepwise.StatusProved, gate: make(chan struct{})}
	e := NewEngine(Config{Concurrency: 4}, nil, stub)
	var wg sync.WaitGroup
	results := make([]Result, 5)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = e.Check(context.Background(), Job{Statement: "1 + 1 = 2"})
		}()
	}
	for e.Stats().Deduped < 4 {
		time.Sleep(time.Millisecond)
	}
	close(stub.gate)
	wg.Wait()
	if stub.calls.Load() != 1 {
		t.Errorf("backend called %d times for 5 identical checks", stub.calls.Load())
	}
	for _, r := range results {
		if r.Status != stepwise.StatusProved {
			t.Errorf("result %+v", r)
		}
	}
}

func TestEngineBoundsConcurrencyAndStreams(t *testing.T) {
	stub := &stubBackend{name: "stub", status: stepwise.StatusProved, gate: make(chan struct{})}
	e := NewEngine(Config{Concurrency: 3}, nil, stub)
	jobs := make([]Job, 20)
	for i := range jobs {
		jobs[i] = Job{Statement: "theorem test : " + itoa(i) + " = " + itoa(i) + " := by sorry"}
	}
	go func() {
		for stub.calls.Load() < 3 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // give a fourth check the chance to (wrongly) start
		close(stub.gate)
	}()
	seen := map[int]bool{}
	err := e.Run(context.Background(), jobs, func(o Outcome) {
		if o.Err != nil || o.Result.Status != stepwise.StatusProved {
			t.Errorf("outcome %+v", o)
		}
		seen[o.Index] = true
	})
	if err != nil || len(seen) != 20 {
		t.Fatalf("run: %v, %d outcomes", err, len(seen))
	}
	if p := stub.peak.Load(); p > 3 || p < 1 {
		t.Errorf("peak concurrency %d, bound 3", p)
	}
}

func TestEngineCancel(t *testing.T) {
	stub := &stubBackend{name: "stub", status: stepwise.StatusProved, gate: make(chan struct{})}
	e := NewEngine(Config{Concurrency: 2}, nil, stub)
	ctx, cancel := context.WithCancel(context.Background())
	jobs := make([]Job, 10)
	for i := range jobs {
		jobs[i] = Job{Statement: itoa(i) + " = " + itoa(i)}
	}
	go func() {
		for stub.calls.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	n := 0
	err := e.Run(ctx, jobs, func(Outcome) { n++ })
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("err %v, %d outcomes reported after cancel", err, n)
	}
	if stub.calls.Load() > 2 {
		t.Errorf("%d checks started after cancel", stub.calls.Load())
	}
	// Canceled checks are not results: nothing was cached.
	stub.gate = nil
	r, _ := e.Check(context.Background(), jobs[0])
	if r.Cached {
		t.Error("a canceled check was cached")
	}
}

func TestEngineChainAndTimeoutCache(t *testing.T) {
	unsup := &stubBackend{name: "first", status: stepwise.StatusUnsupported}
	slow := &stubBackend{name: "second", status: stepwise.StatusProved, gate: make(chan struct{})}
	e := NewEngine(Config{}, nil, unsup, slow)
	job := Job{Statement: "x", Timeout: 20 * time.Millisecond}
	r, err := e.Check(context.Background(), job)
	if err != nil || r.Status != stepwise.StatusTimeout || r.Backend != "second" || len(r.Tried) != 1 {
		t.Fatalf("chain: %+v %v", r, err)
	}
	// A cached timeout is reused under the same budget…
	r, _ = e.Check(context.Background(), job)
	if !r.Cached || slow.calls.Load() != 1 {
		t.Errorf("same budget: cached=%v calls=%d", r.Cached, slow.calls.Load())
	}
	// …and re-run with a larger one.
	close(slow.gate)
	job.Timeout = time.Second
	r, _ = e.Check(context.Background(), job)
	if r.Cached || r.Status != stepwise.StatusProved || slow.calls.Load() != 2 {
		t.Errorf("larger budget: %+v calls=%d", r, slow.calls.Load())
	}
	if _, err := e.Check(context.Background(), Job{Statement: "x", Backend: "nope"}); !errors.Is(err, ErrNoBackend) {
		t.Errorf("unknown backend: %v", err)
	}
}

func TestEngineStream(t *testing.T) {
	e := New(Config{Backends: []string{BackendRational}}, nil)
	defer e.Close()
	in := make(chan Job)
	out := e.Stream(context.Background(), in)
	go func() {
		in <- Job{Statement: "(48 / 2 : ℝ) = 24"}
		in <- Job{Statement: "(48 / 2 : ℝ) = 25"}
		close(in)
	}()
	got := map[int]stepwise.ProofStatus{}
	for o := range out {
		got[o.Index] = o.Result.Status
	}
	if got[0] != stepwise.StatusProved || got[1] != stepwise.StatusDisproved {
		t.Errorf("stream results %v", got)
	}
}

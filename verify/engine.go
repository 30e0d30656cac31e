package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// Engine runs jobs through a chain of backends with a cache, in-flight
// dedupe, bounded concurrency and cancellation. It is safe for concurrent use.
type Engine struct {
	cfg      Config
	chain    []Backend
	byName   map[string]Backend
	cache    Cache
	slots    chan struct{}
	mu       sync.Mutex
	inflight map[string]*flight
	stats    engineStats
}

type flight struct {
	done chan struct{}
	res  Result
	err  error
}

type engineStats struct {
	backendCalls, cacheHits, deduped atomic.Int64
}

// Stats counts what the engine did.
type Stats struct {
	// BackendCalls is the number of checks a backend actually ran.
	BackendCalls int64
	// CacheHits is the number of results served from the cache.
	CacheHits int64
	// Deduped is the number of checks that joined an identical one in flight.
	Deduped int64
}

// NewEngine builds an engine over the given backends, consulted in order.
// A nil cache means a MemCache of cfg.CacheEntries.
func NewEngine(cfg Config, cache Cache, backends ...Backend) *Engine {
	cfg = cfg.withDefaults()
	if cache == nil {
		cache = NewMemCache(cfg.CacheEntries)
	}
	e := &Engine{cfg: cfg, cache: cache, slots: make(chan struct{}, cfg.Concurrency),
		byName: make(map[string]Backend), inflight: make(map[string]*flight)}
	for _, b := range backends {
		e.chain = append(e.chain, b)
		e.byName[b.Name()] = b
	}
	return e
}

// New builds an engine with the backends named in cfg.Backends. Backends
// that are not configured (no Lean project, no Kimina URL) are left out of
// the chain; Doctor says why.
func New(cfg Config, cache Cache) *Engine {
	cfg = cfg.withDefaults()
	var bs []Backend
	for _, name := range cfg.Backends {
		if b := newBackend(cfg, name); b != nil {
			bs = append(bs, b)
		}
	}
	return NewEngine(cfg, cache, bs...)
}

// newBackend builds one backend, or nil when it is not configured.
func newBackend(cfg Config, name string) Backend {
	switch name {
	case BackendRational:
		return NewRational()
	case BackendZ3:
		return NewSMT(SolverZ3, cfg.Z3Path, cfg)
	case BackendCVC5:
		return NewSMT(SolverCVC5, cfg.CVC5Path, cfg)
	case BackendREPL:
		if cfg.LeanProjectDir != "" && (cfg.REPLPath != "" || len(cfg.REPLCommand) > 0) {
			return NewREPL(cfg)
		}
	case BackendKimina:
		if cfg.KiminaURL != "" {
			return NewKimina(cfg, nil)
		}
	case BackendLeanCLI:
		if cfg.LeanProjectDir != "" {
			return NewLeanCLI(cfg)
		}
	}
	return nil
}

// Backends lists the backends in chain order.
func (e *Engine) Backends() []Backend { return append([]Backend(nil), e.chain...) }

// Config is the engine's configuration, defaults filled.
func (e *Engine) Config() Config { return e.cfg }

// Stats reports counters since the engine was built.
func (e *Engine) Stats() Stats {
	return Stats{BackendCalls: e.stats.backendCalls.Load(), CacheHits: e.stats.cacheHits.Load(),
		Deduped: e.stats.deduped.Load()}
}

// Close stops long-lived backends (REPL processes, Kimina batchers).
func (e *Engine) Close() error {
	var errs []error
	for _, b := range e.chain {
		if c, ok := b.(interface{ Close() error }); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

// ErrNoBackend reports a job naming a backend the engine does not have.
var ErrNoBackend = errors.New("verify: no such backend")

// Check runs one job: through job.Backend alone when set, else along the
// chain until a backend gives a definite status. The error is non-nil only
// when ctx ended or the job names an unknown backend.
func (e *Engine) Check(ctx context.Context, job Job) (Result, error) {
	if job.Mode == "" {
		job.Mode = ModeDecide
	}
	chain := e.chain
	if job.Backend != "" {
		b, ok := e.byName[job.Backend]
		if !ok {
			return Result{}, fmt.Errorf("%w %q", ErrNoBackend, job.Backend)
		}
		chain = []Backend{b}
	}
	var tried []string
	var last Result
	for _, b := range chain {
		r, err := e.checkOne(ctx, b, job)
		if err != nil {
			return Result{}, err
		}
		if r.Status != stepwise.StatusUnsupported && r.Status != stepwise.StatusBackendError {
			r.Tried = tried
			return r, nil
		}
		tried = append(tried, b.Name()+": "+string(r.Status)+" ("+r.Detail+")")
		last = r
	}
	if len(chain) == 0 {
		return Result{Status: stepwise.StatusUnsupported, Detail: "no backend configured", At: time.Now()}, nil
	}
	last.Tried = tried[:len(tried)-1]
	return last, nil
}

func (e *Engine) timeoutFor(b Backend, job Job) time.Duration {
	if job.Timeout > 0 {
		return job.Timeout
	}
	switch b.Name() {
	case BackendZ3, BackendCVC5:
		return e.cfg.SMTTimeout
	case BackendRational:
		return 10 * time.Second
	}
	return e.cfg.Timeout
}

// checkOne consults the cache, joins an identical check in flight, or runs
// the backend under a concurrency slot.
func (e *Engine) checkOne(ctx context.Context, b Backend, job Job) (Result, error) {
	if job.Header == "" {
		job.Header = e.cfg.Header
	}
	budget := e.timeoutFor(b, job)
	key := Key(b.Name(), b.Toolchain(ctx), job.Header, job)
	if !job.NoCache {
		if r, ok, err := e.cache.Get(ctx, key); err == nil && ok && !(r.Status == stepwise.StatusTimeout && r.Timeout < budget) {
			e.stats.cacheHits.Add(1)
			r.Cached = true
			return r, nil
		}
	}
	e.mu.Lock()
	if f, ok := e.inflight[key]; ok {
		e.mu.Unlock()
		e.stats.deduped.Add(1)
		select {
		case <-f.done:
			return f.res, f.err
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	e.inflight[key] = f
	e.mu.Unlock()
	f.res, f.err = e.run(ctx, b, job, key, budget)
	e.mu.Lock()
	delete(e.inflight, key)
	e.mu.Unlock()
	close(f.done)
	return f.res, f.err
}

func (e *Engine) run(ctx context.Context, b Backend, job Job, key string, budget time.Duration) (Result, error) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	defer func() { <-e.slots }()
	cctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	start := time.Now()
	e.stats.backendCalls.Add(1)
	r := b.Check(cctx, job)
	if ctx.Err() != nil {
		return Result{}, ctx.Err() // canceled by the caller: not a result
	}
	if r.Backend == "" {
		r.Backend = b.Name()
	}
	if r.Elapsed == 0 {
		r.Elapsed = time.Since(start)
	}
	r.Timeout, r.Key, r.At = budget, key, time.Now()
	if r.Status != stepwise.StatusBackendError {
		if err := e.cache.Put(ctx, key, r); err != nil {
			r.Messages = append(r.Messages, Message{Severity: "warning", Text: "cache: " + err.Error()})
		}
	}
	return r, nil
}

// Outcome is one streamed result: the index of its job in the input.
type Outcome struct {
	Index  int
	Job    Job
	Result Result
	Err    error
}

// Run checks jobs with at most cfg.Concurrency in flight and calls each
// (from worker goroutines, one call at a time) as results arrive, in
// completion order. It returns ctx.Err() if canceled; jobs not started
// then are not reported.
func (e *Engine) Run(ctx context.Context, jobs []Job, each func(Outcome)) error {
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(e.cfg.Concurrency, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := e.Check(ctx, jobs[i])
				if err != nil && ctx.Err() != nil {
					continue
				}
				mu.Lock()
				each(Outcome{Index: i, Job: jobs[i], Result: r, Err: err})
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// Stream is Run over a channel: it reads jobs until the channel closes or
// ctx ends, and closes the returned channel when every started job is done.
func (e *Engine) Stream(ctx context.Context, jobs <-chan Job) <-chan Outcome {
	out := make(chan Outcome, e.cfg.Concurrency)
	go func() {
		defer close(out)
		var wg sync.WaitGroup
		sem := make(chan struct{}, e.cfg.Concurrency)
		i := 0
	loop:
		for {
			select {
			case <-ctx.Done():
				break loop
			case job, ok := <-jobs:
				if !ok {
					break loop
				}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					break loop
				}
				wg.Add(1)
				go func(i int, job Job) {
					defer func() { <-sem; wg.Done() }()
					r, err := e.Check(ctx, job)
					if err != nil && ctx.Err() != nil {
						return
					}
					select {
					case out <- Outcome{Index: i, Job: job, Result: r, Err: err}:
					case <-ctx.Done():
					}
				}(i, job)
				i++
			}
		}
		wg.Wait()
	}()
	return out
}

package judgerun

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/offline"
	"github.com/stepwise-dev/stepwise/store"
)

// AnalyzerVersion names the offline analyzers whose findings are stored.
// Raise it when an analyzer changes what it finds, so that `stepwise
// analyze` redoes traces analyzed by the older one and skips the rest.
const AnalyzerVersion = "offline/2"

// The offline analyzers run on demand (`stepwise analyze`, a key in the
// workbench), not during import: they cost about as much as the import
// itself (see README), an import of a million traces should not wait on
// them, and a newer analyzer version has to re-run over stored traces
// anyway. Runs are incremental, so analyzing after each import only
// touches the new traces.

// findingsBatch is the traces written per store transaction.
const findingsBatch = 512

// AnalyzeOptions tune Analyze.
type AnalyzeOptions struct {
	// Force re-analyzes traces whose findings are up to date.
	Force bool
	// NoArithmetic skips checking each step's arithmetic claims.
	NoArithmetic bool
	// Workers analyze in parallel (default GOMAXPROCS).
	Workers int
	// OnProgress is called after each stored batch with traces done of total.
	OnProgress func(done, total int)
	// OnTrace receives each trace's findings as stored, one at a time.
	OnTrace func(store.TraceFindings)
}

func (o AnalyzeOptions) version() string {
	if o.NoArithmetic {
		return AnalyzerVersion + "+noarith"
	}
	return AnalyzerVersion
}

// AnalyzeSummary totals an offline run.
type AnalyzeSummary struct {
	Selected int `json:"selected"`
	Analyzed int `json:"analyzed"`
	// UpToDate counts traces skipped because their findings were made by
	// this analyzer version.
	UpToDate int `json:"up_to_date"`
	Findings int `json:"findings"`
	// ByCode counts findings by code (answer_mismatch, arith_false, ...).
	ByCode  map[string]int `json:"by_code"`
	Elapsed time.Duration  `json:"elapsed_ns"`
}

// Analyze runs the offline analyzers over the traces matching f and stores
// their findings, skipping traces already analyzed by this version unless
// Force. Cancelling keeps every batch stored so far.
func Analyze(ctx context.Context, db *store.DB, f store.Filter, o AnalyzeOptions) (AnalyzeSummary, error) {
	start := time.Now()
	sum := AnalyzeSummary{ByCode: map[string]int{}}
	var seqs []uint64
	if err := db.List(f, func(s store.Summary) error { seqs = append(seqs, s.Seq); return nil }); err != nil {
		return sum, err
	}
	sum.Selected = len(seqs)
	if !o.Force {
		vs, err := db.FindingsVersions(seqs)
		if err != nil {
			return sum, err
		}
		todo := seqs[:0]
		for i, v := range vs {
			if v != o.version() {
				todo = append(todo, seqs[i])
			}
		}
		sum.UpToDate = len(seqs) - len(todo)
		seqs = todo
	}
	err := analyzeSeqs(ctx, db, seqs, o, func(batch []store.TraceFindings) error {
		if err := db.SaveFindings(batch); err != nil {
			return err
		}
		for _, tf := range batch {
			sum.Analyzed++
			sum.Findings += len(tf.Findings)
			for _, fd := range tf.Findings {
				sum.ByCode[fd.Code]++
			}
			if o.OnTrace != nil {
				o.OnTrace(tf)
			}
		}
		if o.OnProgress != nil {
			o.OnProgress(sum.Analyzed, len(seqs))
		}
		return nil
	})
	sum.Elapsed = time.Since(start)
	return sum, err
}

// AnalyzeTrace analyzes one trace now and stores its findings (the
// workbench's on-demand path).
func AnalyzeTrace(ctx context.Context, db *store.DB, traceID string, o AnalyzeOptions) (*store.TraceFindings, error) {
	t, err := db.Get(traceID)
	if err != nil {
		return nil, err
	}
	p, err := db.Problem(t.ProblemID)
	if err != nil {
		return nil, err
	}
	tf, err := analyzeOne(ctx, t, p, o)
	if err != nil {
		return nil, err
	}
	if err := db.SaveFindings([]store.TraceFindings{tf}); err != nil {
		return nil, err
	}
	return &tf, nil
}

// analyzeSeqs fans the traces out to workers and hands finished findings
// to save in batches, in completion order, from one goroutine.
func analyzeSeqs(ctx context.Context, db *store.DB, seqs []uint64, o AnalyzeOptions, save func([]store.TraceFindings) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	in := make(chan uint64)
	out := make(chan store.TraceFindings, findingsBatch)
	var (
		wg    sync.WaitGroup
		errMu sync.Mutex
		werr  error
	)
	fail := func(err error) {
		errMu.Lock()
		defer errMu.Unlock()
		if werr == nil {
			werr = err
			cancel()
		}
	}
	failed := func() error {
		errMu.Lock()
		defer errMu.Unlock()
		return werr
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			problems := map[string]*stepwise.Problem{}
			for seq := range in {
				tf, err := analyzeSeq(ctx, db, seq, problems, o)
				if err != nil {
					fail(err)
					return
				}
				select {
				case out <- tf:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(in)
		for _, seq := range seqs {
			select {
			case in <- seq:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	batch := make([]store.TraceFindings, 0, findingsBatch)
	flush := func() {
		if len(batch) > 0 && failed() == nil {
			if err := save(batch); err != nil {
				fail(err)
			}
		}
		batch = batch[:0]
	}
	for tf := range out {
		batch = append(batch, tf)
		if len(batch) == findingsBatch {
			flush()
		}
	}
	flush()
	if err := failed(); err != nil {
		return err
	}
	return ctx.Err()
}

func analyzeSeq(ctx context.Context, db *store.DB, seq uint64, problems map[string]*stepwise.Problem, o AnalyzeOptions) (store.TraceFindings, error) {
	t, err := db.GetSeq(seq)
	if err != nil {
		return store.TraceFindings{}, err
	}
	p, ok := problems[t.ProblemID]
	if !ok {
		if p, err = db.Problem(t.ProblemID); err != nil {
			return store.TraceFindings{}, fmt.Errorf("trace %s: %w", t.ID, err)
		}
		if len(problems) > 4096 {
			clear(problems)
		}
		problems[t.ProblemID] = p
	}
	return analyzeOne(ctx, t, p, o)
}

// analyzeOne runs the analyzers on a trace and converts the report for the
// store: the findings as the store's own type, the rest of the report as
// JSON (without the findings, which would be stored twice).
func analyzeOne(ctx context.Context, t *stepwise.Trace, p *stepwise.Problem, o AnalyzeOptions) (store.TraceFindings, error) {
	var opt offline.Options
	if !o.NoArithmetic {
		opt.Arithmetic = offline.VerifyChecker{}
	}
	rep, err := offline.Run(ctx, t, p, opt)
	if err != nil {
		return store.TraceFindings{}, err
	}
	tf := store.TraceFindings{TraceID: t.ID, Version: o.version(), Analyzed: time.Now().UTC(),
		Findings: make([]store.Finding, len(rep.Findings))}
	for i, f := range rep.Findings {
		tf.Findings[i] = store.Finding{Analyzer: f.Analyzer, Code: f.Code, Severity: string(f.Severity),
			Step: f.Step, Message: f.Message, Score: f.Score}
	}
	rep.Findings = nil
	b, err := json.Marshal(rep)
	if err != nil {
		return store.TraceFindings{}, fmt.Errorf("trace %s: report: %w", t.ID, err)
	}
	tf.Report = b
	return tf, nil
}

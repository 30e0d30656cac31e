package judgerun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise/judge/prm"
	"github.com/stepwise-dev/stepwise/store"
)

// prmBatch is the traces whose PRM scores are stored per transaction.
const prmBatch = 256

// PRMImportSummary counts an import of score records.
type PRMImportSummary struct {
	Stored int
	// Errors are the records refused, as "path:line: reason".
	Errors []error
}

// ImportPRM stores score records read from a file (prm.ReadFile), in
// batches; a batch that fails is stored record by record, so that each
// refused record is reported with its line and the rest are kept.
func ImportPRM(db *store.DB, recs []prm.Record, path string) PRMImportSummary {
	var sum PRMImportSummary
	now := time.Now().UTC()
	toStore := func(r prm.Record) store.TracePRM {
		return store.TracePRM{TraceID: r.ID, Scores: store.PRMScores{Model: r.Model, Steps: r.Steps, Origin: "file:" + path, At: now}}
	}
	for start := 0; start < len(recs); start += prmBatch {
		part := recs[start:min(start+prmBatch, len(recs))]
		batch := make([]store.TracePRM, len(part))
		for i, r := range part {
			batch[i] = toStore(r)
		}
		if _, err := db.PutPRMScores(batch); err == nil {
			sum.Stored += len(batch)
			continue
		}
		for i, r := range part {
			if _, err := db.PutPRMScores(batch[i : i+1]); err != nil {
				sum.Errors = append(sum.Errors, fmt.Errorf("%s:%d: %w", path, r.Line, err))
				continue
			}
			sum.Stored++
		}
	}
	return sum
}

// PRMScoreOptions tune ScorePRM.
type PRMScoreOptions struct {
	// Name is the PRM's evidence source name (default: the client's model).
	Name string
	// Force scores traces this PRM already scored.
	Force bool
	// OnProgress is called after each stored batch.
	OnProgress func(done, total int)
}

// PRMScoreSummary totals a scoring run.
type PRMScoreSummary struct {
	Selected, Scored, Skipped int
	// Failed are the traces the server could not score, with the reason.
	Failed []error
}

// ScorePRM scores the traces the filter selects with a PRM served by
// vLLM, as many at once as the client allows, and stores the scores in
// batches. A trace the server cannot score is reported and left unscored;
// cancelling keeps every batch stored so far.
func ScorePRM(ctx context.Context, db *store.DB, f store.Filter, c *prm.Client, o PRMScoreOptions) (PRMScoreSummary, error) {
	var sum PRMScoreSummary
	name := o.Name
	if name == "" {
		name = c.Model
	}
	var ids []string
	if err := db.List(f, func(s store.Summary) error { ids = append(ids, s.ID); return nil }); err != nil {
		return sum, err
	}
	sum.Selected = len(ids)
	todo := ids[:0:0]
	for _, id := range ids {
		if !o.Force {
			have, err := db.PRMScoresOf(id)
			if err != nil {
				return sum, err
			}
			if scoredBy(have, name) {
				sum.Skipped++
				continue
			}
		}
		todo = append(todo, id)
	}
	type done struct {
		rec store.TracePRM
		err error
	}
	results := make(chan done)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	jobs := make(chan string)
	for range max(c.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				rec, err := scoreTrace(ctx, db, c, id, name)
				select {
				case results <- done{rec, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, id := range todo {
			select {
			case jobs <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var batch []store.TracePRM
	var saveErr error
	flush := func() {
		if len(batch) == 0 || saveErr != nil {
			return
		}
		if _, err := db.PutPRMScores(batch); err != nil {
			saveErr = err
			cancel()
			return
		}
		sum.Scored += len(batch)
		batch = batch[:0]
		if o.OnProgress != nil {
			o.OnProgress(sum.Scored+len(sum.Failed), len(todo))
		}
	}
	for r := range results {
		if r.err != nil {
			if !errors.Is(r.err, context.Canceled) {
				sum.Failed = append(sum.Failed, r.err)
			}
			continue
		}
		batch = append(batch, r.rec)
		if len(batch) == prmBatch {
			flush()
		}
	}
	flush()
	if saveErr != nil {
		return sum, saveErr
	}
	return sum, ctx.Err()
}

func scoredBy(have []store.PRMScores, name string) bool {
	for _, p := range have {
		if p.Model == name {
			return true
		}
	}
	return false
}

// scoreTrace asks the server for one trace's step scores.
func scoreTrace(ctx context.Context, db *store.DB, c *prm.Client, id, name string) (store.TracePRM, error) {
	t, err := db.Get(id)
	if err != nil {
		return store.TracePRM{}, err
	}
	p, err := db.Problem(t.ProblemID)
	if err != nil {
		return store.TracePRM{}, fmt.Errorf("trace %s: %w", id, err)
	}
	steps := make([]string, len(t.Steps))
	for i := range t.Steps {
		steps[i] = t.Steps[i].Text
	}
	scores, err := c.Score(ctx, p.Text, steps)
	if err != nil {
		return store.TracePRM{}, fmt.Errorf("trace %s: %w", id, err)
	}
	return store.TracePRM{TraceID: t.ID, Scores: store.PRMScores{Model: name, Steps: scores,
		Origin: "vllm:" + c.Endpoint(), At: time.Now().UTC()}}, nil
}

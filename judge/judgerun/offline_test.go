package judgerun

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/offline"
	"github.com/stepwise-dev/stepwise/store"
)

// TestAnalyzeModelSolutions: of the 200 GSM8K example solutions, 134 are
// marked wrong; counted with python, 132 of those end in an "A:" answer that
// differs from the gold one and 2 have no "A:" line, while every solution
// marked right gives the gold answer.
func TestAnalyzeModelSolutions(t *testing.T) {
	db := testStore(t, solsFile)
	var progress []int
	sum, err := Analyze(context.Background(), db, store.Filter{}, AnalyzeOptions{
		OnProgress: func(done, total int) { progress = append(progress, done) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Selected != 200 || sum.Analyzed != 200 || sum.UpToDate != 0 || len(progress) == 0 || progress[len(progress)-1] != 200 {
		t.Fatalf("summary %+v progress %v", sum, progress)
	}
	if n := sum.ByCode["answer_mismatch"]; n < 132 || n > 134 {
		t.Fatalf("answer mismatches: %d (%v)", n, sum.ByCode)
	}
	// No solution the dataset calls right is flagged as a wrong answer.
	err = db.List(store.Filter{Correct: "true"}, func(s store.Summary) error {
		f, err := db.Findings(s.ID)
		if err != nil || f == nil {
			t.Fatalf("findings of %s: %v %v", s.ID, f, err)
		}
		for _, fd := range f.Findings {
			if fd.Code == "answer_mismatch" {
				t.Errorf("%s: %s", s.ID, fd.Message)
			}
		}
		var rep struct {
			Answer struct {
				Equal *bool `json:"equal"`
			} `json:"answer"`
			Findings []any `json:"findings"`
		}
		if err := json.Unmarshal(f.Report, &rep); err != nil || rep.Answer.Equal == nil || !*rep.Answer.Equal || rep.Findings != nil {
			t.Errorf("%s: report %s", s.ID, f.Report)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The triage index leads with the most suspicious step.
	var first []store.Suspect
	db.Suspects(context.Background(), store.Filter{}, func(ss []store.Suspect) error { first = ss; return errors.New("stop") })
	if len(first) == 0 || first[0].Score < first[len(first)-1].Score {
		t.Fatalf("suspects: %v", first)
	}
	// Again: nothing to do. Forced: everything.
	sum, err = Analyze(context.Background(), db, store.Filter{}, AnalyzeOptions{})
	if err != nil || sum.Analyzed != 0 || sum.UpToDate != 200 {
		t.Fatalf("second run %+v %v", sum, err)
	}
	sum, err = Analyze(context.Background(), db, store.Filter{Limit: 10}, AnalyzeOptions{Force: true, NoArithmetic: true})
	if err != nil || sum.Analyzed != 10 {
		t.Fatalf("forced run %+v %v", sum, err)
	}
	f, _ := db.Findings("gsm8k/model-solutions:69c7cf8025")
	if f.Version != AnalyzerVersion+"+noarith" {
		t.Fatalf("version %q", f.Version)
	}
}

func TestAnalyzeTraceAndCancel(t *testing.T) {
	db := testStore(t, pbFile)
	tf, err := AnalyzeTrace(context.Background(), db, "gsm8k-0", AnalyzeOptions{})
	if err != nil || tf.TraceID != "processbench/gsm8k:gsm8k-0" {
		t.Fatalf("one trace: %+v %v", tf, err)
	}
	if got, _ := db.Findings("processbench/gsm8k:gsm8k-0"); got == nil || got.Version != AnalyzerVersion {
		t.Fatalf("stored: %+v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, db, store.Filter{}, AnalyzeOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// The store's filter for label conflicts names the analyzer's finding code.
func TestLabelConflictCodeShared(t *testing.T) {
	if store.CodeLabelContradicted != offline.CodeLabelContradicted {
		t.Fatalf("store %q, analyzer %q", store.CodeLabelContradicted, offline.CodeLabelContradicted)
	}
}

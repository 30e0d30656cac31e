package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// PRMBench rows whose error_steps run past their last step (5 of the 198
// sample rows) are imported with a warning each; their unlisted steps are
// unknown, and no such trace exports as "all correct".
func TestImportReportsWarnings(t *testing.T) {
	db := openTemp(t)
	var lines []int
	rep, err := db.Import(context.Background(), []string{prmBenchFile}, ImportOptions{
		OnProblem: func(err error) { t.Errorf("problem: %v", err) },
		OnWarning: func(err error) {
			var w *formats.Warning
			if !errors.As(err, &w) || !strings.Contains(err.Error(), ": warning: error_steps") {
				t.Errorf("warning %v", err)
				return
			}
			lines = append(lines, w.Line)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{124, 158, 162, 176, 178}; !slices.Equal(lines, want) || rep.Warnings != 5 || rep.Skipped != 0 || rep.Imported != 198 {
		t.Fatalf("warnings at lines %v (want %v), report %+v", lines, want, rep)
	}
	n := 0
	for _, c := range rep.WarningsBy {
		n += c
	}
	if n != 5 || len(rep.WarningsBy) != 1 {
		t.Errorf("warnings by reason %v", rep.WarningsBy)
	}
	err = db.List(Filter{Dataset: "prmbench"}, func(s Summary) error {
		if s.Source.Line != 176 {
			return nil
		}
		tr, err := db.GetSeq(s.Seq)
		if err != nil {
			return err
		}
		// error_steps [8 10] for 8 steps: step 8 wrong, 1-7 unknown.
		for i, st := range tr.Steps {
			want := stepwise.Unlabeled
			if i == 7 {
				want = stepwise.Bad
			}
			if st.StepRating() != want {
				return fmt.Errorf("step %d: %v, want %v", i, st.StepRating(), want)
			}
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("line 176: %v", err)
	}
	var buf strings.Builder
	if _, err := db.Export(context.Background(), &buf, ExportOptions{Format: "processbench", Filter: Filter{Dataset: "prmbench"}}); err != nil {
		t.Fatal(err)
	}
	// None of the 5 has a known earliest error: none is written with -1.
	if strings.Count(buf.String(), "\n") != 193 {
		t.Errorf("processbench export of PRMBench: %d records (want the 193 whose earliest error is known)", strings.Count(buf.String(), "\n"))
	}
}

// Errors and warnings in a one-line JSON array name the element, not only
// line 1.
func TestOneLineArrayErrorsNameTheElement(t *testing.T) {
	good := `{"id":"x-%d","generator":"g","problem":"What is 1+1?","steps":%s,"final_answer_correct":true,"label":%d}`
	var els []string
	for i := 1; i <= 20; i++ {
		steps, label := `["1+1=2","so 2"]`, -1
		switch i {
		case 3, 17:
			steps = `5`
		case 8:
			label = 9
		}
		els = append(els, fmt.Sprintf(good, i, steps, label))
	}
	path := filepath.Join(t.TempDir(), "one.json")
	if err := os.WriteFile(path, []byte("["+strings.Join(els, ",")+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	rep, err := openTemp(t).Import(context.Background(), []string{path}, ImportOptions{
		OnProblem: func(err error) { msgs = append(msgs, err.Error()) },
		OnWarning: func(err error) { msgs = append(msgs, err.Error()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{path + ":1: element 3: field steps: expected []string, found JSON number",
		path + ":1: element 8: warning: label 9 out of range for 2 steps; the steps are left unlabeled",
		path + ":1: element 17: field steps: expected []string, found JSON number"}
	if !slices.Equal(msgs, want) || rep.Imported != 18 {
		t.Fatalf("messages %q, want %q; report %+v", msgs, want, rep)
	}
}

// One unreadable sample of an Inspect log is a skipped record; the log's
// other samples are imported.
func TestInspectLogKeepsGoodSamples(t *testing.T) {
	log := "{\n\"version\": 2,\n\"eval\": {\"task\": \"t\"},\n\"samples\": [\n{\"id\": 1, \"epoch\": 1, \"input\": \"q\", \"messages\": []},\n" +
		"{\"id\": 2, \"epoch\": 1, \"input\": \"q\",\n \"messages\": [{\"content\": \"no role\"}]},\n{\"id\": 3, \"epoch\": 1, \"input\": \"q\", \"messages\": []}\n]}\n"
	path := filepath.Join(t.TempDir(), "log.json")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	rep, err := openTemp(t).Import(context.Background(), []string{path}, ImportOptions{
		OnProblem: func(err error) { msgs = append(msgs, err.Error()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || rep.Skipped != 1 || len(msgs) != 1 || !strings.Contains(msgs[0], "log.json:6: samples[1]: messages[0]: missing role") {
		t.Fatalf("report %+v, messages %q", rep, msgs)
	}
}

// An import changes no process-wide setting: while it runs, the garbage
// collector's percent and memory limit are what the caller set.
func TestImportLeavesProcessSettings(t *testing.T) {
	const percent, limit = 123, 3 << 30
	defer debug.SetGCPercent(debug.SetGCPercent(percent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	db := openTemp(t)
	calls := 0
	_, err := db.Import(context.Background(), []string{prmBenchFile}, ImportOptions{
		OnProgress: func(Progress) {
			calls++
			if p := debug.SetGCPercent(percent); p != percent {
				t.Errorf("GC percent %d during the import, want %d", p, percent)
			}
			if l := debug.SetMemoryLimit(-1); l != limit {
				t.Errorf("memory limit %d during the import, want %d", l, limit)
			}
		},
	})
	if err != nil || calls == 0 {
		t.Fatalf("import: %v, %d progress calls", err, calls)
	}
}

package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// gsm8kPB is the ProcessBench GSM8K sample: gsm8k-0 has 4 steps (label 1),
// gsm8k-1 has 7 steps (label 1); 200 traces in all.
var gsm8kPB = filepath.Join(samples, "processbench", "gsm8k_0-99_and_200-299.json")

func annotatedStore(t *testing.T) *DB {
	t.Helper()
	db := openTemp(t)
	importOK(t, db, gsm8kPB)
	return db
}

func mustAnnotate(t *testing.T, db *DB, ev stepwise.Annotation) stepwise.Annotation {
	t.Helper()
	out, err := db.Annotate(ev)
	if err != nil {
		t.Fatalf("annotate %+v: %v", ev, err)
	}
	return out
}

func TestAnnotateAssignsAndResolves(t *testing.T) {
	db := annotatedStore(t)
	a := mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 2, Rating: stepwise.Bad,
		ErrorType: "calculation", Note: "48/2 is 24", ElapsedMS: 1500})
	if a.Seq != 1 || a.TraceID != "processbench/gsm8k:gsm8k-0" || a.Time.IsZero() {
		t.Fatalf("stored event: %+v", a)
	}
	b := mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: a.TraceID, Step: 0, Rating: stepwise.Good})
	if b.Seq != 2 {
		t.Fatalf("second seq %d", b.Seq)
	}
	evs, err := db.Events("gsm8k-0")
	if err != nil || len(evs) != 2 || evs[0].Note != "48/2 is 24" || evs[1].Seq != 2 {
		t.Fatalf("events %+v %v", evs, err)
	}
	marks, err := db.Marks(a.TraceID)
	if err != nil {
		t.Fatal(err)
	}
	m := marks["ana"]
	if m.Rating(2) != stepwise.Bad || m.Rating(0) != stepwise.Good || m.Rating(1) != stepwise.Unlabeled ||
		m.Steps[2].ErrorType != "calculation" || m.ElapsedMS != 1500 {
		t.Fatalf("marks %+v", m)
	}
}

func TestAnnotateRejectsBadEvents(t *testing.T) {
	db := annotatedStore(t)
	ok := stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 1, Rating: stepwise.Good}
	for name, tc := range map[string]struct {
		mut  func(*stepwise.Annotation)
		want error
	}{
		"unknown trace":     {func(e *stepwise.Annotation) { e.TraceID = "no-such-trace" }, ErrNotFound},
		"step past end":     {func(e *stepwise.Annotation) { e.Step = 4 }, ErrInvalidAnnotation},
		"step below -1":     {func(e *stepwise.Annotation) { e.Step = -2 }, ErrInvalidAnnotation},
		"no annotator":      {func(e *stepwise.Annotation) { e.Annotator = "" }, ErrInvalidAnnotation},
		"control character": {func(e *stepwise.Annotation) { e.Annotator = "a\x1b[2J" }, ErrInvalidAnnotation},
		"bad rating":        {func(e *stepwise.Annotation) { e.Rating = 9 }, ErrInvalidAnnotation},
		"undo of nothing":   {func(e *stepwise.Annotation) { e.Rating = 0; e.Undoes = 77 }, ErrInvalidAnnotation},
		"undo with a label": {func(e *stepwise.Annotation) { e.Undoes = 1 }, ErrInvalidAnnotation},
		"rating on trace":   {func(e *stepwise.Annotation) { e.Step = -1 }, ErrInvalidAnnotation},
	} {
		ev := ok
		tc.mut(&ev)
		if _, err := db.Annotate(ev); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", name, err, tc.want)
		}
	}
	if n, _ := db.EventCount(); n != 0 {
		t.Fatalf("rejected events were written: %d", n)
	}
	// A batch is all or nothing.
	bad := ok
	bad.Step = 99
	if _, err := db.AnnotateMany([]stepwise.Annotation{ok, bad}); err == nil {
		t.Fatal("batch with a bad event accepted")
	}
	if n, _ := db.EventCount(); n != 0 {
		t.Fatalf("half a batch was written: %d events", n)
	}
}

func TestUndoRedoAndHistory(t *testing.T) {
	db := annotatedStore(t)
	id := "processbench/gsm8k:gsm8k-1" // 7 steps
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: id, Step: 3, Rating: stepwise.Neutral})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: id, Step: 1, FirstError: true, ErrorType: "logic"})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: id, Step: 5, Rating: stepwise.Good})
	// The first-error mark at 1: step 0 good, 1 bad, 2.. unknown (3 loses its neutral).
	m, _ := db.Marks(id)
	if m["ana"].Rating(0) != stepwise.Good || m["ana"].Rating(1) != stepwise.Bad || m["ana"].Rating(3) != stepwise.Unlabeled {
		t.Fatalf("first error fold: %+v", m["ana"].Steps)
	}
	u, err := db.Undo(id, "ana", 0)
	if err != nil || u.Undoes != 2 || u.Step != 1 {
		t.Fatalf("undo: %+v %v", u, err)
	}
	m, _ = db.Marks(id)
	if m["ana"].Rating(3) != stepwise.Neutral || m["ana"].Rating(1) != stepwise.Unlabeled || m["bo"].Rating(5) != stepwise.Good {
		t.Fatalf("after undo: %+v", m["ana"].Steps)
	}
	r, err := db.Redo(id, "ana", 0)
	if err != nil || r.Undoes != u.Seq {
		t.Fatalf("redo: %+v %v", r, err)
	}
	m, _ = db.Marks(id)
	if m["ana"].Rating(1) != stepwise.Bad {
		t.Fatalf("after redo: %+v", m["ana"].Steps)
	}
	if _, err := db.Redo(id, "ana", 0); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("second redo: %v", err)
	}
	// Undo twice goes back twice: the first-error mark, then the neutral.
	mustUndo := func() {
		if _, err := db.Undo(id, "ana", 0); err != nil {
			t.Fatal(err)
		}
	}
	mustUndo()
	mustUndo()
	m, _ = db.Marks(id)
	if len(m["ana"].Steps) != 0 {
		t.Fatalf("after two undos ana still has %+v", m["ana"].Steps)
	}
	// History of step 3: the neutral (1), the first-error mark (2), its
	// undo (4), the redo (5, an undo of 4), the undo of the mark (6), the
	// undo of the neutral (7). bo's step-5 event (3) is not in it.
	h, err := db.StepHistory(id, 3)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, e := range h {
		seqs = append(seqs, e.Seq)
	}
	if fmt.Sprint(seqs) != "[1 2 4 5 6 7]" {
		t.Fatalf("history of step 3: %v", seqs)
	}
}

func TestProgressCounts(t *testing.T) {
	db := annotatedStore(t)
	a, b := "processbench/gsm8k:gsm8k-0", "processbench/gsm8k:gsm8k-1" // 4 and 7 steps
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: a, Step: 2, FirstError: true, ElapsedMS: 100})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: a, Step: 3, Rating: stepwise.Good, ElapsedMS: 50})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: b, Step: 0, Rating: stepwise.Bad, ElapsedMS: 25})
	// Gold events count as events, not as labels.
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: b, Step: 1, Rating: stepwise.Good, Gold: true})
	rows, err := db.Progress()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]LabelProgress{}
	for _, r := range rows {
		got[r.Annotator] = r
	}
	// By hand: ana's mark at 2 labels steps 0-2 of a (3 steps, 1 trace).
	// bo labels a/3 and b/0: 2 steps, 2 traces. Anyone: a has steps
	// {0,1,2,3} = 4, b has {0} = 1: 5 steps, 2 traces. Events 4, ms 175.
	want := map[string]LabelProgress{
		"":    {Traces: 2, Steps: 5, Events: 4, ElapsedMS: 175},
		"ana": {Traces: 1, Steps: 3, Events: 1, ElapsedMS: 100},
		"bo":  {Traces: 2, Steps: 2, Events: 3, ElapsedMS: 75},
	}
	for who, w := range want {
		g := got[who]
		if g.Traces != w.Traces || g.Steps != w.Steps || g.Events != w.Events || g.ElapsedMS != w.ElapsedMS ||
			g.Dataset != "processbench/gsm8k" || g.TotalTraces != 200 {
			t.Errorf("%q: %+v, want %+v", who, g, w)
		}
	}
	// Undoing bo's b/0 label removes a trace and a step from bo and anyone.
	if _, err := db.Undo(b, "bo", 0); err != nil { // the gold event is the latest: undone first
		t.Fatal(err)
	}
	if _, err := db.Undo(b, "bo", 0); err != nil {
		t.Fatal(err)
	}
	rows, _ = db.Progress()
	for _, r := range rows {
		if r.Annotator == "bo" && (r.Traces != 1 || r.Steps != 1 || r.Events != 5) {
			t.Errorf("bo after undo: %+v", r)
		}
		if r.Annotator == "" && (r.Traces != 1 || r.Steps != 4) {
			t.Errorf("anyone after undo: %+v", r)
		}
	}
	// The counts keys do not disturb Stats.
	st, err := db.Stats()
	if err != nil || st.Traces != 200 || len(st.Datasets) != 1 {
		t.Fatalf("stats: %+v %v", st, err)
	}
	var seqs []uint64
	db.AnnotatedSeqs("ana", func(s uint64) error { seqs = append(seqs, s); return nil })
	if len(seqs) != 1 {
		t.Fatalf("annotated by ana: %v", seqs)
	}
	seqs = nil
	db.AnnotatedSeqs("", func(s uint64) error { seqs = append(seqs, s); return nil })
	if len(seqs) != 2 || seqs[0] >= seqs[1] {
		t.Fatalf("annotated: %v", seqs)
	}
}

// exportEvents writes a store's events as the annotations log.
func exportEvents(t *testing.T, db *DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := db.AllEvents(EventFilter{}, func(e Event) error { return enc.Encode(e) }); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMergeIsIdempotentAndRemaps(t *testing.T) {
	src := annotatedStore(t)
	id := "processbench/gsm8k:gsm8k-1"
	mustAnnotate(t, src, stepwise.Annotation{Annotator: "bo", TraceID: id, Step: 2, Rating: stepwise.Bad, Hallucinated: true})
	mustAnnotate(t, src, stepwise.Annotation{Annotator: "bo", TraceID: id, Step: 4, Rating: stepwise.Good})
	if _, err := src.Undo(id, "bo", 0); err != nil {
		t.Fatal(err)
	}
	log := exportEvents(t, src)

	dst := annotatedStore(t)
	// dst has its own events first, so the seqs differ.
	mustAnnotate(t, dst, stepwise.Annotation{Annotator: "ana", TraceID: id, Step: 0, Rating: stepwise.Good})
	mustAnnotate(t, dst, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 0, Rating: stepwise.Neutral})
	bad := `{"annotator":"bo","trace_id":"nope","step":0,"rating":"good","time":"2026-01-01T00:00:00Z"}` + "\n" + "{not json\n"
	rep, err := dst.MergeEvents(context.Background(), strings.NewReader(string(log)+bad), "bo.jsonl", MergeOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || rep.Skipped != 2 || !strings.HasPrefix(rep.Problems[0], "bo.jsonl:4: ") ||
		!strings.HasPrefix(rep.Problems[1], "bo.jsonl:5: ") {
		t.Fatalf("report %+v", rep)
	}
	m, _ := dst.Marks(id)
	if m["bo"].Rating(2) != stepwise.Bad || !m["bo"].Steps[2].Hallucinated || m["bo"].Rating(4) != stepwise.Unlabeled ||
		m["ana"].Rating(0) != stepwise.Good {
		t.Fatalf("merged marks: bo %+v ana %+v", m["bo"].Steps, m["ana"].Steps)
	}
	evs, _ := dst.Events(id)
	if evs[3].Undoes != evs[2].Seq || evs[2].Seq == 2 {
		t.Fatalf("undo not remapped: %+v", evs)
	}
	rep, err = dst.MergeEvents(context.Background(), bytes.NewReader(log), "bo.jsonl", MergeOptions{})
	if err != nil || rep.Added != 0 || rep.Duplicates != 3 {
		t.Fatalf("second merge: %+v %v", rep, err)
	}
	// Merging dst's log back into src adds only ana's two events.
	rep, err = src.MergeEvents(context.Background(), bytes.NewReader(exportEvents(t, dst)), "dst", MergeOptions{})
	if err != nil || rep.Added != 2 || rep.Duplicates != 3 {
		t.Fatalf("merge back: %+v %v", rep, err)
	}
	if _, err := dst.MergeEvents(context.Background(), strings.NewReader(bad), "x", MergeOptions{Strict: true}); err == nil ||
		!strings.Contains(err.Error(), "x:1:") {
		t.Fatalf("strict merge: %v", err)
	}
}

// TestKillDuringAnnotation kills a child that annotates in a loop, printing
// each event's seq once Annotate has returned (what a UI would show as
// saved). Every printed event must be in the store afterwards.
func TestKillDuringAnnotation(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "k.db")
	db, err := Open(dbPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	importOK(t, db, gsm8kPB)
	db.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAnnotateChild$")
	cmd.Env = append(os.Environ(), "STEPWISE_CHILD_ANNOTATE="+dbPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var saved []uint64
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
			n, _ := strconv.ParseUint(s, 10, 64)
			saved = append(saved, n)
			if len(saved) == 40 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
	}
	cmd.Wait()
	if len(saved) < 40 {
		t.Fatalf("child saved only %d events", len(saved))
	}
	db, err = Open(dbPath, Options{})
	if err != nil {
		t.Fatalf("store does not open after kill -9: %v", err)
	}
	defer db.Close()
	have := map[uint64]bool{}
	if err := db.AllEvents(EventFilter{}, func(e Event) error { have[e.Seq] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, s := range saved {
		if !have[s] {
			t.Fatalf("event %d was acknowledged but is gone after kill -9", s)
		}
	}
	rows, _ := db.Progress()
	if len(rows) == 0 || rows[0].Events != len(have) {
		t.Fatalf("counts disagree with the events after the kill: %+v, %d events", rows, len(have))
	}
}

// TestAnnotateChild is the child of TestKillDuringAnnotation.
func TestAnnotateChild(t *testing.T) {
	path := os.Getenv("STEPWISE_CHILD_ANNOTATE")
	if path == "" {
		t.Skip("child process only")
	}
	db, err := Open(path, Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		ev, err := db.Annotate(stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-1", Step: i % 7,
			Rating: stepwise.Rating(1 + i%3)})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("saved", ev.Seq)
	}
}

// TestHumanStrips: one strip per seq for the named annotator only; a first-
// error mark fills the steps it implies; "" for traces they never touched,
// for a cleared trace, and for an empty annotator.
func TestHumanStrips(t *testing.T) {
	db := annotatedStore(t)
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 1, Rating: stepwise.Bad})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: "gsm8k-0", Step: 0, Rating: stepwise.Good})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-1", Step: 2, FirstError: true})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-2", Step: 0, Rating: stepwise.Neutral})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-2", Step: 0}) // clears it
	var seqs []uint64
	for _, id := range []string{"gsm8k-0", "gsm8k-1", "gsm8k-2", "gsm8k-3"} {
		seq, err := db.ResolveSeq(id)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	got, err := db.HumanStrips(seqs, "ana")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".x..", "++x....", "", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ana strip %d = %q, want %q (all %q)", i, got[i], want[i], got)
		}
	}
	if got, _ := db.HumanStrips(seqs[:1], "bo"); got[0] != "+..." {
		t.Fatalf("bo strip %q", got[0])
	}
	if got, _ := db.HumanStrips(seqs[:1], ""); got[0] != "" {
		t.Fatalf("empty annotator strip %q", got[0])
	}
}

// TestLabelDistribution: current labels only (an undone label and a gold
// item do not count), per annotator and summed, first-error marks filling
// the steps they imply.
func TestLabelDistribution(t *testing.T) {
	db := annotatedStore(t)
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 1, Rating: stepwise.Bad,
		Hallucinated: true, ErrorType: "calculation"})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: 2, Rating: stepwise.Good})
	if _, err := db.Undo("gsm8k-0", "ana", 0); err != nil { // takes back step 2's label
		t.Fatal(err)
	}
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "ana", TraceID: "gsm8k-0", Step: -1, Verdict: "wrong"})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: "gsm8k-1", Step: 2, FirstError: true, ErrorType: "logic"})
	mustAnnotate(t, db, stepwise.Annotation{Annotator: "bo", TraceID: "gsm8k-2", Step: 0, Rating: stepwise.Neutral, Gold: true})
	got, err := db.LabelDistribution(context.Background(), "processbench")
	if err != nil {
		t.Fatal(err)
	}
	want := []LabelCounts{
		{Annotator: "", Good: 2, Bad: 2, Hallucinated: 1, ErrorTypes: map[string]int{"calculation": 1, "logic": 1}, Verdicts: map[string]int{"wrong": 1}},
		{Annotator: "ana", Bad: 1, Hallucinated: 1, ErrorTypes: map[string]int{"calculation": 1}, Verdicts: map[string]int{"wrong": 1}},
		{Annotator: "bo", Good: 2, Bad: 1, ErrorTypes: map[string]int{"logic": 1}, Verdicts: map[string]int{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("distribution\n got %+v\nwant %+v", got, want)
	}
	if got, _ := db.LabelDistribution(context.Background(), "gsm8k-nothing"); len(got) != 0 {
		t.Fatalf("other dataset: %+v", got)
	}
}

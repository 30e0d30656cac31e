package export

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// memStore is a Source over decoded samples: trace seq i+1 is traces[i].
// It selects as the store does (the annotated traces first when human
// labels are asked for, then offset and limit), so that the pipeline can
// be compared with one exporter writing trace after trace.
type memStore struct {
	traces        []*stepwise.Trace
	problems      map[string]*stepwise.Problem
	events        map[uint64][]stepwise.Annotation
	offset, limit int
	humanOnly     bool
}

func (m *memStore) Snapshot(_ context.Context, n int, fn func([]Reader) error) error {
	rs := make([]Reader, n)
	for i := range rs {
		rs[i] = memReader{m}
	}
	return fn(rs)
}

type memReader struct{ m *memStore }

func (r memReader) Selected(ctx context.Context, fn func(uint64) error) error {
	n := 0
	for i := range r.m.traces {
		seq := uint64(i + 1)
		if r.m.humanOnly && len(r.m.events[seq]) == 0 {
			continue
		}
		if n++; n <= r.m.offset {
			continue
		}
		if r.m.limit > 0 && n > r.m.offset+r.m.limit {
			break
		}
		if err := fn(seq); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (r memReader) ByProblem(_ context.Context, fn func([]byte, uint64) error) error {
	seqs := make([]uint64, len(r.m.traces))
	for i := range seqs {
		seqs[i] = uint64(i + 1)
	}
	slices.SortStableFunc(seqs, func(a, b uint64) int {
		return cmpStrings(r.m.traces[a-1].ProblemID, r.m.traces[b-1].ProblemID)
	})
	for _, seq := range seqs {
		if err := fn([]byte(r.m.traces[seq-1].ProblemID), seq); err != nil {
			return err
		}
	}
	return nil
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (r memReader) Trace(seq uint64) (*stepwise.Trace, error) { return r.m.traces[seq-1], nil }
func (r memReader) Problem(_ uint64, t *stepwise.Trace) (*stepwise.Problem, error) {
	return r.m.problems[t.ProblemID], nil
}
func (r memReader) Events(seq uint64) ([]stepwise.Annotation, error) { return r.m.events[seq], nil }
func (r memReader) PRMNames() []string                               { return nil }

func (r memReader) HasAnswers() bool {
	for _, evs := range r.m.events {
		if hasAnswerEvent(evs) {
			return true
		}
	}
	return false
}
func (r memReader) PRM(uint64, []string) ([][]float64, error) { return nil, nil }

// sampleSource decodes ProcessBench, GSM8K and PRM800K samples and labels
// every third trace's first step wrong, as an annotator would.
func sampleSource(t *testing.T) *memStore {
	t.Helper()
	samples := filepath.Join("..", "..", "testdata", "samples")
	m := &memStore{problems: map[string]*stepwise.Problem{}, events: map[uint64][]stepwise.Annotation{}}
	var paths []string
	for _, g := range []string{"processbench/*.json", "gsm8k/*.jsonl", "prm800k/*.jsonl"} {
		got, err := filepath.Glob(filepath.Join(samples, filepath.FromSlash(g)))
		if err != nil || len(got) == 0 {
			t.Fatalf("samples %s: %v", g, err)
		}
		paths = append(paths, got...)
	}
	opts := &formats.Options{}
	add := func(items []formats.Item) {
		for _, it := range items {
			tr := it.Trace
			seq := uint64(len(m.traces) + 1)
			tr.ID = tr.Dataset + ":" + strconv.FormatUint(seq, 10)
			m.traces = append(m.traces, tr)
			m.problems[it.Problem.ID] = it.Problem
			if seq%3 == 0 {
				m.events[seq] = []stepwise.Annotation{{Seq: seq, Annotator: "ann", TraceID: tr.ID, Step: 0,
					Rating: stepwise.Bad, FirstError: true, Time: time.Unix(int64(seq), 0)}}
			}
		}
	}
	for _, p := range paths {
		in, err := formats.Open(p, "")
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := in.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			items, err := in.DecodeRecord(rec, opts)
			if err != nil {
				t.Fatal(err)
			}
			add(items)
		}
		rest, err := in.Flush(opts)
		if err != nil {
			t.Fatal(err)
		}
		add(rest)
		in.Close()
	}
	return m
}

// TestParallelExportMatchesSequential: for every format but the grouped
// one (dpo), the export pipeline (traces loaded by workers with readers of
// their own; line formats encoded by them too) must write byte for byte
// what one exporter writes trace after trace, with the same report — over
// several jobs, human labels on some traces, skipped traces and an offset
// and limit.
func TestParallelExportMatchesSequential(t *testing.T) {
	m := sampleSource(t)
	if n := len(m.traces); n <= 2*exportJobTraces {
		t.Fatalf("only %d traces: the test needs several jobs", n)
	}
	compared := 0
	for _, f := range formats.ExportFormats() {
		if _, group := f.New(io.Discard).(formats.GroupExporter); group {
			continue
		}
		compared++
		wrote := 0
		for _, c := range []struct {
			opts          Options
			offset, limit int
		}{
			{opts: Options{Format: f.Name}},
			{opts: Options{Format: f.Name, Labels: LabelsHuman, LabeledOnly: true}},
			{opts: Options{Format: f.Name}, offset: 100, limit: 300},
		} {
			m.offset, m.limit, m.humanOnly = c.offset, c.limit, c.opts.Labels == LabelsHuman
			seqOut, seqRep := exportWith(t, m, f, c.opts, false)
			parOut, parRep := exportWith(t, m, f, c.opts, true)
			if !bytes.Equal(seqOut, parOut) || !reflect.DeepEqual(seqRep, parRep) {
				t.Errorf("%s %+v: parallel export differs: %d vs %d bytes, report %+v vs %+v",
					f.Name, c, len(parOut), len(seqOut), parRep, seqRep)
			}
			wrote += seqRep.Written
		}
		if wrote == 0 {
			t.Errorf("%s wrote nothing in any case: nothing was compared", f.Name)
		}
	}
	if compared < 8 {
		t.Fatalf("%d formats compared", compared)
	}
}

func exportWith(t *testing.T, m *memStore, f formats.ExportFormat, opts Options, parallel bool) ([]byte, *Report) {
	t.Helper()
	if err := opts.Check(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep := &Report{Format: f.Name}
	err := m.Snapshot(context.Background(), 3, func(rs []Reader) error {
		x := &exportRun{r: rs[0], opts: opts, rep: rep}
		exp := f.New(&buf)
		if parallel {
			if err := x.pipeline(context.Background(), f, exp, &buf, rs[1:]); err != nil {
				return err
			}
			return exp.Close()
		}
		// The reference: one exporter, trace after trace.
		err := x.r.Selected(context.Background(), func(seq uint64) error {
			item, skip, err := x.item(seq)
			if err != nil {
				return err
			}
			rep.Traces++
			if skip != "" {
				rep.skip(skip, 1)
				return nil
			}
			reason, err := exp.Write(item)
			if reason != "" {
				rep.skip(reason, 1)
			} else if err == nil {
				rep.Written++
			}
			return err
		})
		if err != nil {
			return err
		}
		return exp.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rep
}

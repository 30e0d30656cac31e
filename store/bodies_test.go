package store

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// snapshot is what a reader sees of a store's traces: each trace as JSON
// by seq (without the file and line it came from), and the hits of a search
// that reads every body.
type snapshot struct {
	traces   map[uint64]string
	hits     []TraceHits
	filtered map[string][]uint64 // seqs by filter (postings and index keys)
}

func takeSnapshot(t *testing.T, db *DB) snapshot {
	t.Helper()
	s := snapshot{traces: map[uint64]string{}, filtered: map[string][]uint64{}}
	err := db.List(Filter{}, func(sm Summary) error {
		tr, err := db.GetSeq(sm.Seq)
		if err != nil {
			return err
		}
		tr.Source = stepwise.SourceRef{} // where it was read from: not content
		b, err := json.Marshal(tr)
		s.traces[sm.Seq] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Search(context.Background(), SearchQuery{Text: "the"}, func(h []TraceHits) { s.hits = append(s.hits, h...) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(s.hits, func(a, b TraceHits) int { return int(a.Seq) - int(b.Seq) })
	first, err := db.GetSeq(1)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]Filter{"label=error": {Label: "error"}, "label=correct": {Label: "correct"},
		"correct=true": {Correct: "true"}, "correct=false": {Correct: "false"}, "model": {Model: first.Model},
		"dataset": {Dataset: first.Dataset}, "problem": {Problem: first.ProblemID}} {
		err := db.List(f, func(sm Summary) error { s.filtered[name] = append(s.filtered[name], sm.Seq); return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(s.traces) == 0 || len(s.hits) == 0 {
		t.Fatalf("empty snapshot: %d traces, %d hits", len(s.traces), len(s.hits))
	}
	return s
}

// TestBodiesReadBothLayouts: a store written by an earlier version holds one
// body per key; the import now writes blocks. Turning every other block of an
// imported store back into single bodies must change nothing a reader sees:
// loading traces, listing, searching (which scans the bodies bucket in
// order), and the store check.
func TestBodiesReadBothLayouts(t *testing.T) {
	db := openTemp(t)
	importOK(t, db, filepath.Join(samples, "processbench"), filepath.Join(samples, "gsm8k"))
	blocks := 0
	db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(schema.Bodies).ForEach(func(k, _ []byte) error {
			if len(k) == 9 {
				blocks++
			}
			return nil
		})
	})
	if blocks < 2 {
		t.Fatalf("%d body blocks: the import should write blocks", blocks)
	}
	before := takeSnapshot(t, db)

	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(schema.Bodies)
		var keys, vals [][]byte
		b.ForEach(func(k, v []byte) error {
			keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
			return nil
		})
		for i := 0; i < len(keys); i += 2 {
			blk, err := bodies.Decode(keys[i], vals[i])
			if err != nil {
				return err
			}
			if err := b.Delete(keys[i]); err != nil {
				return err
			}
			for seq := blk.First; seq <= blk.Last; seq++ {
				body, err := blk.Body(seq)
				if err != nil {
					return err
				}
				if err := b.Put(schema.U64(seq), body); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after := takeSnapshot(t, db)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("readers see a different store after unpacking blocks: %d/%d traces, %d/%d hits",
			len(before.traces), len(after.traces), len(before.hits), len(after.hits))
	}
	checkStore(t, db)
}

// TestDuplicatesRepackBlocks: workers write bodies into blocks before the
// writer knows which traces are duplicates; a run that loses some is
// repacked from the survivors. A file with every record twice (twins in
// the same run and in other runs) must read back exactly like the file
// with each record once.
func TestDuplicatesRepackBlocks(t *testing.T) {
	dir := t.TempDir()
	once, twice, n := twinFiles(t, dir)
	a := openTemp(t)
	if _, err := a.Import(context.Background(), []string{once}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	b := openTemp(t)
	rep, err := b.Import(context.Background(), []string{twice}, ImportOptions{BatchSize: 16})
	if err != nil || rep.Imported != n {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if sa, sb := takeSnapshot(t, a), takeSnapshot(t, b); !reflect.DeepEqual(sa, sb) {
		t.Fatalf("the store of twins reads differently: %d/%d traces", len(sa.traces), len(sb.traces))
	}
	checkStore(t, b)
}

package store

import (
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Human-label progress is kept as running counts, updated in the same
// transaction as the events, so the library screen and `stats` read it
// without folding any events. Keys:
//
//	human \0 KIND \0 DATASET \0 ANNOTATOR \0
//
// KIND is traces (traces with a current label), steps (steps with a current
// label), events or ms (time on items). ANNOTATOR "" is anyone: the union
// for traces and steps, the sum for events and ms. The trailing \0 makes
// five parts, so Stats, which reads two- and four-part keys, skips them.
const humanPrefix = "human\x00"

func humanKey(kind, dataset, annotator string) string {
	return humanPrefix + kind + "\x00" + dataset + "\x00" + annotator + "\x00"
}

// labelTally is what one trace contributes to the counts.
type labelTally struct {
	steps  map[string]int // annotator ("" = union) → labeled steps
	traces map[string]int // annotator ("" = any) → 1 when labeled
	events map[string]int
	ms     map[string]int64
}

// tallyOf folds a trace's events (gold ones left out of the label counts).
func tallyOf(evs []Event, nSteps int) labelTally {
	t := labelTally{steps: map[string]int{}, traces: map[string]int{}, events: map[string]int{}, ms: map[string]int64{}}
	for _, e := range evs {
		t.events[e.Annotator]++
		t.events[""]++
		t.ms[e.Annotator] += e.ElapsedMS
		t.ms[""] += e.ElapsedMS
	}
	union := map[int]bool{}
	for name, m := range stepwise.FoldAnnotations(annotations(dataEvents(evs)), nSteps) {
		for i := range m.Steps {
			union[i] = true
		}
		if len(m.Steps) > 0 || m.FirstError != nil || m.Verdict != "" {
			t.steps[name] = len(m.Steps)
			t.traces[name] = 1
			t.traces[""] = 1
		}
	}
	if len(union) > 0 {
		t.steps[""] = len(union)
	}
	return t
}

// sub returns t - o.
func (t labelTally) sub(o labelTally) labelTally {
	d := labelTally{steps: map[string]int{}, traces: map[string]int{}, events: map[string]int{}, ms: map[string]int64{}}
	diff := func(dst, a, b map[string]int) {
		for k, v := range a {
			dst[k] += v
		}
		for k, v := range b {
			dst[k] -= v
		}
	}
	diff(d.steps, t.steps, o.steps)
	diff(d.traces, t.traces, o.traces)
	diff(d.events, t.events, o.events)
	for k, v := range t.ms {
		d.ms[k] += v
	}
	for k, v := range o.ms {
		d.ms[k] -= v
	}
	return d
}

// into adds the nonzero deltas under the dataset's keys.
func (t labelTally) into(deltas map[string]int64, dataset string) {
	for _, kind := range []struct {
		name string
		m    map[string]int
	}{{"steps", t.steps}, {"traces", t.traces}, {"events", t.events}} {
		for a, v := range kind.m {
			if v != 0 {
				deltas[humanKey(kind.name, dataset, a)] += int64(v)
			}
		}
	}
	for a, v := range t.ms {
		if v != 0 {
			deltas[humanKey("ms", dataset, a)] += v
		}
	}
}

// LabelProgress is how far annotation has come in one dataset, for one
// annotator or (Annotator "") for anyone.
type LabelProgress struct {
	Dataset   string `json:"dataset"`
	Annotator string `json:"annotator"`
	// Traces and Steps have a current human label (undone labels and gold
	// items do not count); TotalTraces is the dataset's size.
	Traces      int   `json:"traces"`
	Steps       int   `json:"steps"`
	TotalTraces int   `json:"total_traces"`
	Events      int   `json:"events"`
	ElapsedMS   int64 `json:"elapsed_ms"`
}

// Progress reads the human-label counts of every dataset and annotator
// (no scan). Rows are sorted by dataset, then annotator ("" first).
func (db *DB) Progress() ([]LabelProgress, error) {
	rows := map[[2]string]*LabelProgress{}
	err := db.view(func(tx *bolt.Tx) error {
		counts := tx.Bucket(schema.Counts)
		c := counts.Cursor()
		prefix := []byte(humanPrefix)
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), humanPrefix); k, v = c.Next() {
			parts := strings.Split(string(k[len(prefix):]), "\x00")
			if len(parts) != 4 || len(v) != 8 {
				continue
			}
			kind, ds, who := parts[0], parts[1], parts[2]
			r := rows[[2]string{ds, who}]
			if r == nil {
				r = &LabelProgress{Dataset: ds, Annotator: who,
					TotalTraces: int(schema.GetUint(counts, []byte(schema.CountKey("", FieldDataset, ds))))}
				rows[[2]string{ds, who}] = r
			}
			n := schema.GetUint(counts, k)
			switch kind {
			case "traces":
				r.Traces = int(n)
			case "steps":
				r.Steps = int(n)
			case "events":
				r.Events = int(n)
			case "ms":
				r.ElapsedMS = int64(n)
			}
		}
		return nil
	})
	out := make([]LabelProgress, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dataset != out[j].Dataset {
			return out[i].Dataset < out[j].Dataset
		}
		return out[i].Annotator < out[j].Annotator
	})
	return out, err
}

package search

import (
	"context"
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/bytedance/sonic"
	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Problems are shared by many traces, so Run matches each problem once
// and then finds its traces. When the matching problems have few traces
// between them, their traces are listed through the problem index (one
// prefix scan each) and looked up by binary search; when they have many (a
// common word is in most problems), each scanned trace's summary names its
// problem instead, which costs one sequential cursor step per trace and no
// up-front pass.
const (
	maxIndexedProblems = 256
	maxIndexedTraces   = 1 << 16
)

// problemHits maps traces to the matches in their problem.
type problemHits struct {
	byID map[string]int
	// index mode: the traces of matching problems, by seq.
	seqs   []uint64
	counts []int
	// summary mode: look the problem id up in each trace's summary.
	bySummary bool
}

// of returns the number of matches in trace seq's problem.
func (p *problemHits) of(seq uint64, w *searchWorker) int {
	if !p.bySummary {
		if i, ok := slices.BinarySearch(p.seqs, seq); ok {
			return p.counts[i]
		}
		return 0
	}
	v := w.traces.get(seq)
	if v == nil {
		return 0
	}
	return p.byID[string(record.SummaryProblemID(v))]
}

// searchProblems matches every problem's text and prepares the lookup; nil
// when no problem matches.
func searchProblems(ctx context.Context, tx *bolt.Tx, m *matcher) (*problemHits, error) {
	verbatim := jsonVerbatim(m)
	byID := map[string]int{}
	var buf []byte
	c := tx.Bucket(schema.ProblemTexts).Cursor()
	i := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if i++; i%cancelEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A query that JSON writes unescaped can only match a problem
		// whose encoded record contains it: most records are skipped
		// without decoding.
		if verbatim {
			if start, _ := m.index(m.prepare(&buf, v)); start < 0 {
				continue
			}
		}
		id, text, err := problemText(v)
		if err != nil {
			return nil, damage.Corrupt("problem record %x: unreadable: %v", k, err)
		}
		if n := m.count(m.prepare(&buf, []byte(text))); n > 0 {
			byID[id] = n
		}
	}
	if len(byID) == 0 {
		return nil, nil
	}
	p := &problemHits{byID: byID}
	if len(byID) > maxIndexedProblems || !p.listTraces(tx) {
		p.seqs, p.counts, p.bySummary = nil, nil, true
	}
	return p, nil
}

// problemJSON decodes problem records several times faster than
// encoding/json, which took 45 ms for the 13,000 problems of the benchmark
// store: a delay before the first hit of any common word.
var problemJSON = sonic.Config{ValidateString: true}.Froze()

// problemText decodes a problem record's id and text; encoding/json has the
// last word on a record sonic rejects.
func problemText(v []byte) (id, text string, err error) {
	var p struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if problemJSON.Unmarshal(v, &p) == nil {
		return p.ID, p.Text, nil
	}
	err = json.Unmarshal(v, &p)
	return p.ID, p.Text, err
}

// listTraces fills seqs and counts from the problem index; false when the
// matching problems have too many traces for a list.
func (p *problemHits) listTraces(tx *bolt.Tx) bool {
	type hit struct {
		seq uint64
		n   int
	}
	var hits []hit
	for id, n := range p.byID {
		it := postings.NewIter(tx.Bucket(schema.Postings), schema.FieldProblem, id)
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if len(hits) == maxIndexedTraces {
				return false
			}
			hits = append(hits, hit{seq, n})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return compareU64(a.seq, b.seq) })
	for _, h := range hits {
		p.seqs = append(p.seqs, h.seq)
		p.counts = append(p.counts, h.n)
	}
	return true
}

func compareU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// jsonVerbatim reports whether every character of the query appears
// unescaped in the JSON encoding/json writes (it escapes control
// characters, quote, backslash, <, >, &, U+2028, U+2029 and invalid UTF-8).
func jsonVerbatim(m *matcher) bool {
	q := m.pat
	if m.mode == matchUnicodeFold {
		q = []byte(string(m.runes))
	}
	if !utf8.Valid(q) {
		return false
	}
	for _, r := range string(q) {
		switch {
		case r < 0x20, r == '"', r == '\\', r == '<', r == '>', r == '&', r == '\u2028', r == '\u2029':
			return false
		}
	}
	return true
}

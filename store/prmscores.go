package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Process reward model scores: one record per (trace, PRM), imported from
// a file or computed by a vLLM server (judge/prm), kept apart from the
// dataset's labels and the judge's runs:
//
//	prm_scores   u64 trace seq | PRM name → record (JSON)
//
// A PRM's name is its evidence source ("Qwen2.5-Math-PRM-7B"); a trace
// scored again by the same PRM is replaced.

// NoScore marks a step a PRM did not score.
const NoScore = -1.0

// PRMScores is one PRM's scores of one trace's steps.
type PRMScores struct {
	// Model is the PRM's name, the evidence source.
	Model string `json:"model"`
	// Steps holds the probability that each step is correct, in [0, 1];
	// NoScore where the PRM gave none. One entry per step.
	Steps []float64 `json:"steps"`
	// Origin says where the scores came from ("file:scores.jsonl",
	// "vllm:http://host:8000"), without credentials.
	Origin string    `json:"origin"`
	At     time.Time `json:"at"`
}

// Min is the lowest step score (the usual PRM trace score), NoScore when
// no step was scored.
func (p *PRMScores) Min() float64 {
	m := NoScore
	for _, s := range p.Steps {
		if s != NoScore && (m == NoScore || s < m) {
			m = s
		}
	}
	return m
}

// TracePRM is one trace's scores by one PRM, for PutPRMScores. TraceID is
// a trace id or a source id (unique in the store).
type TracePRM struct {
	TraceID string
	Scores  PRMScores
}

const prmRecordVersion = 1

func prmKey(seq uint64, model string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, seq), model...)
}

// validPRM checks a record against the trace's step count.
func validPRM(p *PRMScores, steps int) error {
	if p.Model == "" || strings.ContainsAny(p.Model, "\x00\n") {
		return fmt.Errorf("PRM name %q: want a non-empty name on one line", p.Model)
	}
	if len(p.Steps) != steps {
		return fmt.Errorf("%d scores for a trace of %d steps", len(p.Steps), steps)
	}
	for i, s := range p.Steps {
		if s != NoScore && (math.IsNaN(s) || s < 0 || s > 1) {
			return fmt.Errorf("step %d: score %v is not a probability in [0, 1]", i, s)
		}
	}
	return nil
}

// PutPRMScores stores PRM scores in one transaction; every trace must be in
// the store and every record must have one score per step. It returns the
// trace ids the records resolved to.
func (db *DB) PutPRMScores(batch []TracePRM) ([]string, error) {
	if db.readOnly {
		return nil, errors.New("save PRM scores: store opened read-only")
	}
	ids := make([]string, len(batch))
	err := db.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(schema.PRMScores)
		if err != nil {
			return err
		}
		for i := range batch {
			seq, s, err := resolveExactOrSource(tx, batch[i].TraceID)
			if err != nil {
				return err
			}
			if err := validPRM(&batch[i].Scores, s.Steps); err != nil {
				return fmt.Errorf("trace %s: %w", s.ID, err)
			}
			rec, err := json.Marshal(&batch[i].Scores)
			if err != nil {
				return err
			}
			if err := b.Put(prmKey(seq, batch[i].Scores.Model), append([]byte{prmRecordVersion}, rec...)); err != nil {
				return err
			}
			ids[i] = s.ID
		}
		return nil
	})
	return ids, err
}

// resolveExactOrSource maps a trace id, or a source id that names exactly
// one trace, to its seq and summary. Unlike Get it takes no prefixes: a
// score file must name its traces exactly.
func resolveExactOrSource(tx *bolt.Tx, id string) (uint64, Summary, error) {
	x, err := idindex.Open(tx)
	if err != nil {
		return 0, Summary{}, err
	}
	seq, ok := x.Seq(id)
	if !ok {
		var cands []uint64
		for _, d := range datasetNames(tx) {
			if s, ok := x.Seq(d + ":" + id); ok {
				cands = append(cands, s)
			}
		}
		switch len(cands) {
		case 0:
			return 0, Summary{}, fmt.Errorf("trace %q: %w", id, ErrNotFound)
		case 1:
			seq = cands[0]
		default:
			return 0, Summary{}, fmt.Errorf("source id %q names %d traces of different datasets: use the trace id", id, len(cands))
		}
	}
	v := tx.Bucket(schema.Traces).Get(schema.U64(seq))
	if v == nil {
		return 0, Summary{}, fmt.Errorf("trace %q: %w", id, ErrNotFound)
	}
	s, err := record.DecodeSummary(seq, v)
	return seq, s, err
}

// PRMScoresOf lists the PRM scores of a trace, by PRM name.
func (db *DB) PRMScoresOf(traceID string) ([]PRMScores, error) {
	var out []PRMScores
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := exactSeq(tx, traceID)
		if err != nil {
			return err
		}
		out, err = prmOfSeq(tx, seq)
		return err
	})
	return out, err
}

// PRMScoresSeqs reads the PRM scores of many traces in one transaction.
func (db *DB) PRMScoresSeqs(seqs []uint64) ([][]PRMScores, error) {
	out := make([][]PRMScores, len(seqs))
	err := db.view(func(tx *bolt.Tx) error {
		for i, seq := range seqs {
			ps, err := prmOfSeq(tx, seq)
			if err != nil {
				return err
			}
			out[i] = ps
		}
		return nil
	})
	return out, err
}

func prmOfSeq(tx *bolt.Tx, seq uint64) ([]PRMScores, error) {
	b := tx.Bucket(schema.PRMScores)
	if b == nil {
		return nil, nil
	}
	var out []PRMScores
	prefix := schema.U64(seq)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) == 0 || v[0] != prmRecordVersion {
			return nil, fmt.Errorf("PRM scores of trace %d: record of unknown version (newer stepwise?)", seq)
		}
		var p PRMScores
		if err := json.Unmarshal(v[1:], &p); err != nil {
			return nil, fmt.Errorf("PRM scores of trace %d: %w", seq, err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
	return out, nil
}

// PRMNames lists the PRMs with scores in the store.
func (db *DB) PRMNames() ([]string, error) {
	var names []string
	err := db.view(func(tx *bolt.Tx) error {
		names = prmNamesTx(tx)
		return nil
	})
	return names, err
}

// prmNamesTx lists the PRMs with scores, in name order: a scan of the
// bucket's keys (not of its records).
func prmNamesTx(tx *bolt.Tx) []string {
	b := tx.Bucket(schema.PRMScores)
	if b == nil {
		return nil
	}
	seen := map[string]bool{}
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) > 8 {
			seen[string(k[8:])] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HasPRMScores reports whether any trace has PRM scores (the trace list
// shows a PRM column only then).
func (db *DB) HasPRMScores() (bool, error) {
	var has bool
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(schema.PRMScores); b != nil {
			k, _ := b.Cursor().First()
			has = k != nil
		}
		return nil
	})
	return has, err
}

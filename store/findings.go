package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Offline analyzer findings (answer vs gold, arithmetic, truncation,
// repetition, tool use) live in two buckets made on first use, so that a
// schema-3 store needs no migration and readers treat a missing bucket as
// "nothing analyzed yet":
//
//	findings        u64 trace seq → version | findings record (JSON)
//	finding_scores  u16 (10000 − score·10000) | u64 trace seq | u32 step+1 → empty
//
// The second is the triage index: a cursor from its start yields the most
// suspicious steps of the whole store first, one key per (trace, step) with
// that step's highest score; step −1 (key 0) is the trace as a whole.

const findingsRecordVersion = 1

// scoreScale is the resolution of scores in the triage index.
const scoreScale = 10000

// Finding is one offline analyzer's observation. The store keeps its own
// copy of the shape (judge/offline.Finding) so that it does not depend on
// the judge.
type Finding struct {
	Analyzer string `json:"analyzer"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	// Step is the 0-based step, −1 for the whole trace.
	Step    int    `json:"step"`
	Message string `json:"message"`
	// Score is the suspicion in [0, 1].
	Score float64 `json:"score"`
}

// TraceFindings is every offline finding for one trace.
type TraceFindings struct {
	TraceID string `json:"trace_id"`
	// Version names the analyzers that produced the findings, so that a
	// newer analyzer re-runs and an unchanged one can skip the trace.
	Version  string    `json:"version"`
	Analyzed time.Time `json:"analyzed"`
	Findings []Finding `json:"findings"`
	// Report is the analyzers' whole report (answer check, truncation,
	// tool statistics, arithmetic tally) as JSON; the store does not read it.
	Report json.RawMessage `json:"report,omitempty"`
}

// StepScores is the highest score per step (trace-level findings left out).
func (t *TraceFindings) StepScores(steps int) []float64 {
	out := make([]float64, steps)
	for _, f := range t.Findings {
		if f.Step >= 0 && f.Step < steps && f.Score > out[f.Step] {
			out[f.Step] = f.Score
		}
	}
	return out
}

// MaxScore is the highest score of any finding, 0 with none.
func (t *TraceFindings) MaxScore() float64 {
	m := 0.0
	for _, f := range t.Findings {
		m = max(m, f.Score)
	}
	return m
}

// SaveFindings stores findings, replacing each trace's earlier ones, in one
// transaction. Every trace must be in the store.
func (db *DB) SaveFindings(all []TraceFindings) error {
	if db.readOnly {
		return errors.New("save findings: store opened read-only")
	}
	recs := make([][]byte, len(all))
	for i := range all {
		b, err := encodeFindings(&all[i])
		if err != nil {
			return err
		}
		recs[i] = b
	}
	return db.update(func(tx *bolt.Tx) error {
		fb, err := tx.CreateBucketIfNotExists(schema.Findings)
		if err != nil {
			return err
		}
		sb, err := tx.CreateBucketIfNotExists(schema.FindingScores)
		if err != nil {
			return err
		}
		for i := range all {
			seq, err := exactSeq(tx, all[i].TraceID)
			if err != nil {
				return fmt.Errorf("save findings: %w", err)
			}
			var prevFindings []Finding
			if old := fb.Get(schema.U64(seq)); old != nil {
				prev, err := decodeFindings(seq, old)
				if err != nil {
					return err
				}
				prevFindings = prev.Findings
				for _, k := range scoreKeys(seq, prev.Findings) {
					if err := sb.Delete(k); err != nil {
						return err
					}
				}
			}
			if err := reindexFindingCodes(tx, seq, prevFindings, all[i].Findings); err != nil {
				return err
			}
			if err := fb.Put(schema.U64(seq), recs[i]); err != nil {
				return err
			}
			for _, k := range scoreKeys(seq, all[i].Findings) {
				if err := sb.Put(k, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// scoreKeys are a trace's triage index keys: one per step with a positive
// score, holding the step's highest.
func scoreKeys(seq uint64, fs []Finding) [][]byte {
	best := map[int]float64{}
	for _, f := range fs {
		step := max(f.Step, -1)
		if f.Score > best[step] {
			best[step] = f.Score
		}
	}
	keys := make([][]byte, 0, len(best))
	for step, s := range best {
		k := make([]byte, 14)
		binary.BigEndian.PutUint16(k, uint16(scoreScale-quantize(s)))
		binary.BigEndian.PutUint64(k[2:], seq)
		binary.BigEndian.PutUint32(k[10:], uint32(step+1))
		keys = append(keys, k)
	}
	return keys
}

func quantize(s float64) int {
	if math.IsNaN(s) || s <= 0 {
		return 0
	}
	return int(math.Round(min(s, 1) * scoreScale))
}

func encodeFindings(t *TraceFindings) ([]byte, error) {
	b, err := marshalNoEscape(t)
	if err != nil {
		return nil, fmt.Errorf("encode findings of %s: %w", t.TraceID, err)
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(t.Version)+len(b))
	out = append(out, findingsRecordVersion)
	out = binary.AppendUvarint(out, uint64(len(t.Version)))
	out = append(out, t.Version...)
	return append(out, b...), nil
}

// findingsVersionOf reads a record's analyzer version without decoding it.
func findingsVersionOf(v []byte) (string, []byte, error) {
	if len(v) == 0 || v[0] != findingsRecordVersion {
		return "", nil, errors.New("findings record of unknown version (newer stepwise?)")
	}
	n, k := binary.Uvarint(v[1:])
	if k <= 0 || n > uint64(len(v)-1-k) {
		return "", nil, errors.New("findings record truncated")
	}
	return string(v[1+k : 1+k+int(n)]), v[1+k+int(n):], nil
}

func decodeFindings(seq uint64, v []byte) (*TraceFindings, error) {
	_, body, err := findingsVersionOf(v)
	if err != nil {
		return nil, fmt.Errorf("findings of trace %d: %w", seq, err)
	}
	var t TraceFindings
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, fmt.Errorf("findings of trace %d: %w", seq, err)
	}
	return &t, nil
}

// Findings loads a trace's offline findings, nil when it was never analyzed.
func (db *DB) Findings(traceID string) (*TraceFindings, error) {
	var out *TraceFindings
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := exactSeq(tx, traceID)
		if err != nil {
			return err
		}
		fb := tx.Bucket(schema.Findings)
		if fb == nil {
			return nil
		}
		if v := fb.Get(schema.U64(seq)); v != nil {
			out, err = decodeFindings(seq, v)
		}
		return err
	})
	return out, err
}

// FindingsVersions reads, for each trace seq, the analyzer version its
// findings were made with ("" when never analyzed), without decoding them:
// what an incremental run needs to skip traces already done.
func (db *DB) FindingsVersions(seqs []uint64) ([]string, error) {
	out := make([]string, len(seqs))
	err := db.view(func(tx *bolt.Tx) error {
		fb := tx.Bucket(schema.Findings)
		if fb == nil {
			return nil
		}
		for i, seq := range seqs {
			if v := fb.Get(schema.U64(seq)); v != nil {
				ver, _, err := findingsVersionOf(v)
				if err != nil {
					return fmt.Errorf("findings of trace %d: %w", seq, err)
				}
				out[i] = ver
			}
		}
		return nil
	})
	return out, err
}

// Suspect is one entry of the triage index.
type Suspect struct {
	Seq uint64
	// Step is 0-based, −1 for the trace as a whole.
	Step int
	// Score is the step's highest finding score, to 1/10000.
	Score float64
}

// Suspects streams the triage index for the traces matching f, most
// suspicious first (ties in trace, then step order), in chunks, until fn
// returns an error or the index ends. The index is already in that order,
// so the first chunk costs a cursor walk, not a sort.
func (db *DB) Suspects(ctx context.Context, f Filter, fn func([]Suspect) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		sb := tx.Bucket(schema.FindingScores)
		if sb == nil {
			return nil
		}
		var member func(uint64) bool
		if !f.isEmpty() {
			set, err := memberSet(tx, f)
			if err != nil {
				return err
			}
			member = set.Has
		}
		buf := make([]Suspect, 0, seqChunk)
		c := sb.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 14 {
				continue
			}
			seq := binary.BigEndian.Uint64(k[2:])
			if member != nil && !member(seq) {
				continue
			}
			buf = append(buf, Suspect{Seq: seq, Step: int(binary.BigEndian.Uint32(k[10:])) - 1,
				Score: float64(scoreScale-int(binary.BigEndian.Uint16(k))) / scoreScale})
			if len(buf) == seqChunk {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := fn(buf); err != nil {
					return err
				}
				buf = make([]Suspect, 0, seqChunk)
			}
		}
		if len(buf) > 0 {
			if err := fn(buf); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

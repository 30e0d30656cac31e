package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Verification results live apart from trace bodies, so that checking a
// trace never rewrites its body or summary:
//
//	checks        u64 trace seq | u32 step | u32 n → one checked formalization
//	proof_strips  u64 trace seq → one status character per step (proofstrip.go)
//	counts        "proof" \0 status and per dataset → steps with that status
//
// A check value is the store's binary encoding (store/internal/record)
// rather than JSON: a formalization is already encoded that way inside
// bodies, so imported and checked formalizations share one codec, and the
// value stays small (the evidence text dominates it). The check time comes
// first.

// CheckedStep is the verification of one step: every formalization of the
// step with its status, backend, messages and evidence. An empty list means
// the step was looked at and nothing was found to check.
type CheckedStep struct {
	Step           int
	Formalizations []stepwise.Formalization
	// At is when the step was checked (zero: now).
	At time.Time
}

// TraceChecks is the verification of some steps of one trace. Seq, when
// known, saves resolving TraceID.
type TraceChecks struct {
	TraceID string
	Seq     uint64
	Steps   []CheckedStep
}

// checkKey is seq | step | n, big-endian so that a trace's checks are one
// ordered prefix and a step's checks a narrower one.
func checkKey(seq uint64, step, n int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, seq)
	binary.BigEndian.PutUint32(k[8:], uint32(step))
	binary.BigEndian.PutUint32(k[12:], uint32(n))
	return k
}

// PutChecks stores the verification of some steps of a trace in one
// transaction. Each given step's previous checks are replaced; other steps
// keep theirs. The trace's proof strip and the running proof counts follow.
func (db *DB) PutChecks(traceID string, results []CheckedStep) error {
	_, err := db.PutChecksBatch([]TraceChecks{{TraceID: traceID, Steps: results}})
	return err
}

// PutChecksBatch stores the checks of many traces in one transaction (a
// commit costs a sync, so a verify run batches its traces) and returns each
// trace's new proof strip. Nothing is written if any trace or step is bad.
func (db *DB) PutChecksBatch(batch []TraceChecks) ([]string, error) {
	if db.readOnly {
		return nil, errors.New("save checks: store opened read-only")
	}
	strips := make([]string, len(batch))
	err := db.update(func(tx *bolt.Tx) error {
		w, err := newCheckWriter(tx)
		if err != nil {
			return err
		}
		for i := range batch {
			if strips[i], err = w.putTrace(&batch[i]); err != nil {
				return err
			}
		}
		return w.commitCounts()
	})
	if err != nil {
		return nil, fmt.Errorf("save checks: %w", err)
	}
	return strips, nil
}

// checkWriter applies checks inside one write transaction.
type checkWriter struct {
	tx                     *bolt.Tx
	checks, strips, traces *bolt.Bucket
	counts                 *bolt.Bucket
	delta                  map[string]int64
	now                    time.Time
}

func newCheckWriter(tx *bolt.Tx) (*checkWriter, error) {
	checks := tx.Bucket(schema.Checks)
	if checks == nil {
		return nil, errors.New("store has no checks bucket (schema older than 3?)")
	}
	// The strips bucket appears with the first saved check: its absence
	// only means that nothing was checked yet, so no schema change is needed.
	strips, err := tx.CreateBucketIfNotExists(schema.ProofStrips)
	if err != nil {
		return nil, err
	}
	return &checkWriter{tx: tx, checks: checks, strips: strips, traces: tx.Bucket(schema.Traces),
		counts: tx.Bucket(schema.Counts), delta: map[string]int64{}, now: time.Now()}, nil
}

func (w *checkWriter) putTrace(tc *TraceChecks) (string, error) {
	seq := tc.Seq
	if seq == 0 {
		var err error
		if seq, err = resolve(w.tx, tc.TraceID); err != nil {
			return "", err
		}
	}
	sv := w.traces.Get(schema.U64(seq))
	if sv == nil {
		return "", fmt.Errorf("trace %q (seq %d): %w", tc.TraceID, seq, ErrNotFound)
	}
	sum, err := record.DecodeSummary(seq, sv)
	if err != nil {
		return "", err
	}
	strip := []byte(readStrip(w.strips.Get(schema.U64(seq)), sum.Steps))
	for _, cs := range tc.Steps {
		if cs.Step < 0 || cs.Step >= sum.Steps {
			return "", fmt.Errorf("trace %s: step %d out of range (the trace has %d steps)", sum.ID, cs.Step, sum.Steps)
		}
		if err := w.putStep(seq, cs); err != nil {
			return "", fmt.Errorf("trace %s step %d: %w", sum.ID, cs.Step, err)
		}
		c := StripChar(cs.Formalizations)
		w.count(sum.Dataset, strip[cs.Step], -1)
		w.count(sum.Dataset, c, +1)
		strip[cs.Step] = c
	}
	if err := w.strips.Put(schema.U64(seq), append([]byte{stripVersion}, strip...)); err != nil {
		return "", err
	}
	return string(strip), nil
}

// putStep replaces a step's checks.
func (w *checkWriter) putStep(seq uint64, cs CheckedStep) error {
	prefix := checkKey(seq, cs.Step, 0)[:12]
	c := w.checks.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	at := cs.At
	if at.IsZero() {
		at = w.now
	}
	for n := range cs.Formalizations {
		if err := w.checks.Put(checkKey(seq, cs.Step, n), record.EncodeCheck(&cs.Formalizations[n], at)); err != nil {
			return err
		}
	}
	return nil
}

// count adds d to the running counts of a strip character's status, overall
// and for the dataset; unchecked steps are not counted.
func (w *checkWriter) count(dataset string, c byte, d int64) {
	if c == StripUnchecked {
		return
	}
	name := stripName(c)
	w.delta[schema.CountKey("", FieldProof, name)] += d
	w.delta[schema.CountKey(dataset, FieldProof, name)] += d
}

func (w *checkWriter) commitCounts() error {
	for k, d := range w.delta {
		if d == 0 {
			continue
		}
		n := int64(schema.GetUint(w.counts, []byte(k))) + d
		var err error
		if n <= 0 {
			err = w.counts.Delete([]byte(k))
		} else {
			err = schema.PutUint(w.counts, []byte(k), uint64(n))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Checks returns a trace's checked formalizations by step.
func (db *DB) Checks(traceID string) (map[int][]stepwise.Formalization, error) {
	steps, err := db.CheckedSteps(traceID)
	if err != nil {
		return nil, err
	}
	out := make(map[int][]stepwise.Formalization, len(steps))
	for _, s := range steps {
		if len(s.Formalizations) > 0 {
			out[s.Step] = s.Formalizations
		}
	}
	return out, nil
}

// CheckedSteps returns a trace's checked steps in step order, with the time
// of each check. Steps checked with nothing found are not listed (the proof
// strip marks them).
func (db *DB) CheckedSteps(traceID string) ([]CheckedStep, error) {
	var out []CheckedStep
	err := db.view(func(tx *bolt.Tx) error {
		seq, err := resolve(tx, traceID)
		if err != nil {
			return err
		}
		out, err = checkedSteps(tx, seq)
		return err
	})
	return out, err
}

// CheckedStepsSeq is CheckedSteps by sequence number.
func (db *DB) CheckedStepsSeq(seq uint64) ([]CheckedStep, error) {
	var out []CheckedStep
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		out, err = checkedSteps(tx, seq)
		return err
	})
	return out, err
}

func checkedSteps(tx *bolt.Tx, seq uint64) ([]CheckedStep, error) {
	var out []CheckedStep
	prefix := schema.U64(seq)
	c := tx.Bucket(schema.Checks).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 16 {
			return nil, fmt.Errorf("trace %d: malformed check key %x", seq, k)
		}
		step := int(binary.BigEndian.Uint32(k[8:]))
		f, at, err := record.DecodeCheck(v)
		if err != nil {
			return nil, fmt.Errorf("trace %d step %d: %w", seq, step, err)
		}
		if len(out) == 0 || out[len(out)-1].Step != step {
			out = append(out, CheckedStep{Step: step, At: at})
		}
		last := &out[len(out)-1]
		last.Formalizations = append(last.Formalizations, f)
	}
	return out, nil
}

// ProofCounts are the running counts of checked steps by status: Total over
// the store, Datasets per dataset. A step counts once, under StepStatus of
// its formalizations ("none" when nothing was found to check).
type ProofCounts struct {
	Total    map[string]int            `json:"total"`
	Datasets map[string]map[string]int `json:"datasets"`
}

// ProofCounts reads the running counts; it scans no checks. The same counts
// appear in Stats under the field "proof".
func (db *DB) ProofCounts() (*ProofCounts, error) {
	pc := &ProofCounts{Total: map[string]int{}, Datasets: map[string]map[string]int{}}
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(schema.Counts).Cursor()
		top := []byte(FieldProof + "\x00")
		for k, v := c.Seek(top); k != nil && bytes.HasPrefix(k, top); k, v = c.Next() {
			pc.Total[string(k[len(top):])] = countValue(v)
		}
		for _, d := range datasetNames(tx) {
			prefix := []byte(schema.CountKey(d, FieldProof, ""))
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if pc.Datasets[d] == nil {
					pc.Datasets[d] = map[string]int{}
				}
				pc.Datasets[d][string(k[len(prefix):])] = countValue(v)
			}
		}
		return nil
	})
	return pc, err
}

// ResolveSeq maps a trace id (or a source id, or a unique id prefix, as Get
// accepts) to its sequence number.
func (db *DB) ResolveSeq(id string) (uint64, error) {
	var seq uint64
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		seq, err = resolve(tx, id)
		return err
	})
	return seq, err
}

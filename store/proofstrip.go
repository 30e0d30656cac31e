package store

import (
	"encoding/binary"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// A proof strip is one character per step summing up its checks, the way a
// summary's label strip sums up source labels: the trace list draws it
// without decoding a body or a check. It lives in its own bucket, keyed by
// trace seq, so checking never rewrites trace summaries.

const stripVersion = 1

// FieldProof is the count field of checked steps by status (Stats().By and
// Datasets show it as "proof").
const FieldProof = "proof"

// Strip characters. A step not checked yet is a space; one checked with
// nothing found to check is '.'.
const (
	StripUnchecked byte = ' '
	StripNone      byte = '.'
	stripUnknown   byte = '?'
)

// stripChars maps statuses to strip characters and back.
var stripChars = map[stepwise.ProofStatus]byte{
	stepwise.StatusProved:                 '+',
	stepwise.StatusProvedTrustingCompiler: 'c',
	stepwise.StatusDisproved:              'x',
	stepwise.StatusVacuous:                'v',
	stepwise.StatusFailed:                 'f',
	stepwise.StatusSorry:                  's',
	stepwise.StatusStatementError:         'e',
	stepwise.StatusTimeout:                't',
	stepwise.StatusBackendError:           'b',
	stepwise.StatusUnsupported:            'u',
	stepwise.StatusSkipped:                '-',
	stepwise.StatusStored:                 'o',
}

var stripStatuses = func() map[byte]stepwise.ProofStatus {
	m := make(map[byte]stepwise.ProofStatus, len(stripChars))
	for s, c := range stripChars {
		m[c] = s
	}
	return m
}()

// statusRank orders statuses from least to most telling for a step's
// summary: a step is proved only when every formalization of it is (or
// needed no check); any refutation or failure shows over a success, and an
// unsupported claim keeps a step from reading as proved.
var statusRank = map[stepwise.ProofStatus]int{
	stepwise.StatusSkipped:                1,
	stepwise.StatusProved:                 2,
	stepwise.StatusProvedTrustingCompiler: 3,
	stepwise.StatusStored:                 4,
	stepwise.StatusUnsupported:            5,
	stepwise.StatusBackendError:           6,
	stepwise.StatusTimeout:                7,
	stepwise.StatusSorry:                  8,
	stepwise.StatusStatementError:         9,
	stepwise.StatusVacuous:                10,
	stepwise.StatusFailed:                 11,
	stepwise.StatusDisproved:              12,
}

// StepStatus sums up a step's formalizations as one status: the most
// telling one by the order above ("" for none). A status this build does
// not know ranks above all, so it is never hidden behind a success.
func StepStatus(fs []stepwise.Formalization) stepwise.ProofStatus {
	var best stepwise.ProofStatus
	bestRank := 0
	for _, f := range fs {
		r, ok := statusRank[f.Status]
		if !ok {
			r = 100
		}
		if r > bestRank {
			best, bestRank = f.Status, r
		}
	}
	return best
}

// StripChar is the strip character of a step with these formalizations.
func StripChar(fs []stepwise.Formalization) byte {
	if len(fs) == 0 {
		return StripNone
	}
	if c, ok := stripChars[StepStatus(fs)]; ok {
		return c
	}
	return stripUnknown
}

// StripStatus reads a strip character: the status, or ok false for an
// unchecked step, a step with nothing to check, or an unknown character.
func StripStatus(c byte) (stepwise.ProofStatus, bool) {
	s, ok := stripStatuses[c]
	return s, ok
}

// stripName is the count value of a strip character.
func stripName(c byte) string {
	if s, ok := stripStatuses[c]; ok {
		return string(s)
	}
	if c == StripNone {
		return "none"
	}
	return "unknown"
}

// readStrip decodes a stored strip, fitted to n steps (unchecked beyond
// what was stored); a missing or unreadable value is all unchecked.
func readStrip(v []byte, n int) string {
	b := []byte(strings.Repeat(string(StripUnchecked), n))
	if len(v) > 0 && v[0] == stripVersion {
		copy(b, v[1:])
	}
	return string(b)
}

// ProofStrips returns the proof strips of the given traces, in order, in
// one read transaction: "" for a trace never checked. It reads one small
// value per trace, for a screen of the trace list.
func (db *DB) ProofStrips(seqs []uint64) ([]string, error) {
	out := make([]string, len(seqs))
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(schema.ProofStrips)
		if b == nil {
			return nil
		}
		for i, seq := range seqs {
			v := b.Get(schema.U64(seq))
			if len(v) == 0 {
				continue
			}
			if v[0] != stripVersion {
				return damage.Corrupt("trace %d: proof strip version %d is unknown: the store is damaged, or a newer program wrote it", seq, v[0])
			}
			out[i] = string(v[1:])
		}
		return nil
	})
	return out, err
}

// ProofStrip returns one trace's proof strip ("" when never checked).
func (db *DB) ProofStrip(traceID string) (string, error) {
	seq, err := db.ResolveSeq(traceID)
	if err != nil {
		return "", err
	}
	s, err := db.ProofStrips([]uint64{seq})
	if err != nil {
		return "", err
	}
	return s[0], nil
}

// countValue reads a running count (0 for a malformed value).
func countValue(v []byte) int {
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

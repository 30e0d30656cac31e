package store

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Filtering by proof status reads the proof strips: one value per checked
// trace, so the scan follows what was verified, not the store's size.

// Proof filter values besides the status names.
const (
	ProofChecked   = "checked"   // at least one step was checked
	ProofUnchecked = "unchecked" // never verified
)

// ProofFilterValues lists what Filter.Proof accepts.
func ProofFilterValues() []string {
	out := []string{ProofChecked, ProofUnchecked}
	var names []string
	for s := range stripChars {
		names = append(names, string(s))
	}
	sort.Strings(names)
	return append(out, names...)
}

// proofMatcher returns the test a strip must pass for the filter value.
func proofMatcher(value string) (func(strip []byte) bool, error) {
	if value == ProofChecked || value == ProofUnchecked {
		return func(strip []byte) bool {
			for _, c := range strip {
				if c != StripUnchecked {
					return true
				}
			}
			return false
		}, nil
	}
	c, ok := stripChars[stepwise.ProofStatus(value)]
	if !ok {
		return nil, fmt.Errorf("--proof %q: want one of %s", value, strings.Join(ProofFilterValues(), ", "))
	}
	return func(strip []byte) bool {
		for _, s := range strip {
			if s == c {
				return true
			}
		}
		return false
	}, nil
}

// proofIter yields the seqs whose proof strip passes match, in seq order.
type proofIter struct {
	postings.CursorStep // C is nil when no trace was ever checked
	match               func([]byte) bool
}

func newProofIter(tx *bolt.Tx, match func([]byte) bool) *proofIter {
	p := &proofIter{match: match}
	if b := tx.Bucket(schema.ProofStrips); b != nil {
		p.C = b.Cursor()
	}
	return p
}

func (p *proofIter) Next() (uint64, bool) {
	if p.C == nil {
		return 0, false
	}
	for k, v := p.Step(nil, schema.U64); k != nil; k, v = p.C.Next() {
		// A strip of a newer version is skipped here; reading it reports
		// the version (ProofStrips).
		if len(k) == 8 && len(v) > 0 && v[0] == stripVersion && p.match(v[1:]) {
			return binary.BigEndian.Uint64(k), true
		}
	}
	return 0, false
}

// proofIterFor builds the iterator of a Proof filter value.
func proofIterFor(tx *bolt.Tx, value string) (postings.Iter, error) {
	match, err := proofMatcher(value)
	if err != nil {
		return nil, err
	}
	it := newProofIter(tx, match)
	if value == ProofUnchecked {
		return postings.Not(it, tx.Bucket(schema.Traces).Sequence()), nil
	}
	return it, nil
}

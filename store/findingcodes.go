package store

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// The finding-code index lets a filter select the traces with a finding
// of one code ("label_contradicted": a step the dataset labels correct
// whose arithmetic is disproved exactly). It is made on first use, like
// the findings buckets, and kept by SaveFindings:
//
//	finding_codes   code | 0x00 | u64 trace seq → empty
//
// A store analyzed before the index existed has findings but no index
// keys: `stepwise analyze` (a new analyzer version redoes every trace)
// fills it.

// Finding codes with a meaning outside the analyzers.
const (
	// CodeLabelContradicted marks a step the dataset labels correct in
	// which exact arithmetic disproves a claim.
	CodeLabelContradicted = "label_contradicted"
)

func findingCodeKey(code string, seq uint64) []byte {
	k := make([]byte, 0, len(code)+9)
	k = append(k, code...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// findingCodes lists a trace's distinct finding codes.
func findingCodes(fs []Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if f.Code != "" && !seen[f.Code] && bytes.IndexByte([]byte(f.Code), 0) < 0 {
			seen[f.Code] = true
			out = append(out, f.Code)
		}
	}
	return out
}

// reindexFindingCodes replaces a trace's keys in the code index.
func reindexFindingCodes(tx *bolt.Tx, seq uint64, prev, cur []Finding) error {
	b, err := tx.CreateBucketIfNotExists(schema.FindingCodes)
	if err != nil {
		return err
	}
	for _, c := range findingCodes(prev) {
		if err := b.Delete(findingCodeKey(c, seq)); err != nil {
			return err
		}
	}
	for _, c := range findingCodes(cur) {
		if err := b.Put(findingCodeKey(c, seq), nil); err != nil {
			return err
		}
	}
	return nil
}

// findingCodeIter yields, in seq order, the traces with a finding of code.
type findingCodeIter struct {
	c      *bolt.Cursor // nil when nothing was ever analyzed
	prefix []byte
	pos    []byte // the key to seek before the next read; nil: go on
	done   bool
}

func newFindingCodeIter(tx *bolt.Tx, code string) *findingCodeIter {
	it := &findingCodeIter{prefix: append([]byte(code), 0)}
	if b := tx.Bucket(schema.FindingCodes); b != nil {
		it.c = b.Cursor()
		it.pos = it.prefix
	}
	return it
}

func (it *findingCodeIter) Next() (uint64, bool) {
	if it.c == nil || it.done {
		return 0, false
	}
	var k []byte
	if it.pos != nil {
		k, _ = it.c.Seek(it.pos)
		it.pos = nil
	} else {
		k, _ = it.c.Next()
	}
	if k == nil || !bytes.HasPrefix(k, it.prefix) || len(k) != len(it.prefix)+8 {
		it.done = true
		return 0, false
	}
	return binary.BigEndian.Uint64(k[len(it.prefix):]), true
}

func (it *findingCodeIter) Seek(target uint64) {
	if it.c == nil {
		return
	}
	it.done = false
	it.pos = binary.BigEndian.AppendUint64(append([]byte(nil), it.prefix...), target)
}

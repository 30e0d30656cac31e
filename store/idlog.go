package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// The id log (bucket id_log, schema 9) holds the ids of recently stored
// traces as sorted runs, one a write transaction, keyed by the run's
// smallest seq. Trace ids arrive in no particular key order: put straight
// into the ids B+tree, every transaction of an import dirtied most of its
// leaves and wrote the whole tree again (the largest cost an import's single
// writer had left). A run is one value, written once; when the log reaches
// maxRuns runs or maxLogged ids, the writer folds them all into ids in key
// order, so each ids page is written once per fold rather than once per
// transaction. This is a two-level log-structured index: ids is the large
// level, the runs the small one.
//
// Every stored trace's id is in exactly one of ids and the log. Readers go
// through idIndex, which searches both: a lookup costs one B+tree search and
// a binary search per run.

// maxRuns and maxLogged bound the log: lookups search every run, and a fold
// holds the log's entries in memory.
const (
	maxRuns   = 16
	maxLogged = 1 << 18
)

// A run is encoded as
//
//	u32 n | u32 offsets[n+1] | entries
//
// where entry i is entries[offsets[i]:offsets[i+1]]: u64 seq, the 16-byte
// content hash, then the id. Entries are sorted by id.
type idRun struct {
	n       int
	offsets []byte
	entries []byte
}

const runEntryHead = 24 // seq and hash

// loggedID is one entry of a run, decoded.
type loggedID struct {
	id   string
	seq  uint64
	hash [16]byte
}

func compareLogged(a, b loggedID) int { return strings.Compare(a.id, b.id) }

// encodeIDRun encodes entries, which it sorts by id.
func encodeIDRun(entries []loggedID) []byte {
	slices.SortFunc(entries, compareLogged)
	size := 4 + 4*(len(entries)+1)
	for _, e := range entries {
		size += runEntryHead + len(e.id)
	}
	b := make([]byte, 4+4*(len(entries)+1), size)
	binary.BigEndian.PutUint32(b, uint32(len(entries)))
	off := 0
	for i, e := range entries {
		binary.BigEndian.PutUint32(b[4+4*i:], uint32(off))
		b = binary.BigEndian.AppendUint64(b, e.seq)
		b = append(append(b, e.hash[:]...), e.id...)
		off += runEntryHead + len(e.id)
	}
	binary.BigEndian.PutUint32(b[4+4*len(entries):], uint32(off))
	return b
}

// parseRun reads a run's header. Its entries are checked as they are read
// (entry), so that a lookup costs a binary search, not a pass over the run,
// and no damage to the file can make a read go out of bounds; check reads
// them all.
func parseRun(k, v []byte) (idRun, error) {
	if len(v) < 8 {
		return idRun{}, fmt.Errorf("id log run %x: too short (damaged store?)", k)
	}
	n := int(binary.BigEndian.Uint32(v))
	if n > (len(v)-8)/4 {
		return idRun{}, fmt.Errorf("id log run %x: %d entries do not fit in %d bytes (damaged store?)", k, n, len(v))
	}
	return idRun{n: n, offsets: v[4 : 4+4*(n+1)], entries: v[4+4*(n+1):]}, nil
}

// entry returns entry i, or nil if the run is damaged there.
func (r idRun) entry(i int) []byte {
	lo, hi := binary.BigEndian.Uint32(r.offsets[4*i:]), binary.BigEndian.Uint32(r.offsets[4*i+4:])
	if lo > hi || int(hi) > len(r.entries) || hi-lo < runEntryHead {
		return nil
	}
	return r.entries[lo:hi]
}

func (r idRun) id(i int) []byte {
	if e := r.entry(i); e != nil {
		return e[runEntryHead:]
	}
	return nil
}

func (r idRun) seq(i int) uint64 {
	if e := r.entry(i); e != nil {
		return binary.BigEndian.Uint64(e)
	}
	return 0
}

func (r idRun) hash(i int) (h [16]byte) {
	if e := r.entry(i); e != nil {
		copy(h[:], e[8:runEntryHead])
	}
	return h
}

// check reports the first damaged or out-of-order entry.
func (r idRun) check() error {
	for i := range r.n {
		if r.entry(i) == nil || i > 0 && bytes.Compare(r.id(i-1), r.id(i)) >= 0 {
			return fmt.Errorf("id log: damaged run at entry %d of %d (damaged store?)", i, r.n)
		}
	}
	return nil
}

// search returns the first entry whose id is not below id.
func (r idRun) search(id string) int {
	return sort.Search(r.n, func(i int) bool { return string(r.id(i)) >= id })
}

// idIndex resolves trace ids in one transaction: the ids bucket and the
// runs of the id log.
type idIndex struct {
	ids    *bolt.Bucket
	runs   []idRun
	logged int // entries in the runs
}

func newIDIndex(tx *bolt.Tx) (*idIndex, error) {
	x := &idIndex{ids: tx.Bucket(schema.IDs)}
	log := tx.Bucket(schema.IDLog)
	if log == nil {
		return x, fmt.Errorf("store has no %s bucket (damaged store?)", schema.IDLog)
	}
	err := log.ForEach(func(k, v []byte) error {
		r, err := parseRun(k, v)
		x.runs = append(x.runs, r)
		x.logged += r.n
		return err
	})
	return x, err
}

// get returns the seq and content hash of a trace id. An ids entry of
// schema 3 holds only the seq: hasHash is false for it.
func (x *idIndex) get(id string) (seq uint64, hash [16]byte, hasHash, ok bool) {
	if v := x.ids.Get([]byte(id)); v != nil {
		seq, ok = seqOfID(v)
		hash, hasHash = hashOfID(v)
		return seq, hash, hasHash, ok
	}
	for _, r := range x.runs {
		if i := r.search(id); i < r.n && string(r.id(i)) == id {
			return r.seq(i), r.hash(i), true, true
		}
	}
	return 0, hash, false, false
}

// seq returns the seq of a trace id.
func (x *idIndex) seq(id string) (uint64, bool) {
	seq, _, _, ok := x.get(id)
	return seq, ok
}

// withPrefix calls fn for every id that starts with prefix (in no
// particular order).
func (x *idIndex) withPrefix(prefix string, fn func(id []byte, seq uint64)) {
	c := x.ids.Cursor()
	for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
		seq, _ := seqOfID(v)
		fn(k, seq)
	}
	for _, r := range x.runs {
		for i := r.search(prefix); i < r.n && bytes.HasPrefix(r.id(i), []byte(prefix)); i++ {
			fn(r.id(i), r.seq(i))
		}
	}
}

// entries returns every id of the runs, decoded (in no particular order).
func (x *idIndex) entries() ([]loggedID, error) {
	out := make([]loggedID, 0, x.logged)
	for _, r := range x.runs {
		if err := r.check(); err != nil {
			return nil, err
		}
		for i := range r.n {
			out = append(out, loggedID{id: string(r.id(i)), seq: r.seq(i), hash: r.hash(i)})
		}
	}
	return out, nil
}

// byID iterates the seqs of every trace in id order: the ids bucket and the
// runs merged, through a heap of their heads.
type byID struct {
	c    *bolt.Cursor
	k, v []byte // the cursor's head
	runs []idRun
	at   []int // the next entry of each run
	heap []int // runs with entries left, by their head's id
	keep func(uint64) bool
}

func (x *idIndex) byID(keep func(uint64) bool) *byID {
	b := &byID{c: x.ids.Cursor(), runs: x.runs, at: make([]int, len(x.runs)), keep: keep}
	b.k, b.v = b.c.First()
	for j, r := range x.runs {
		if r.n > 0 {
			b.heap = append(b.heap, j)
			b.up(len(b.heap) - 1)
		}
	}
	return b
}

func (b *byID) head(j int) []byte { return b.runs[j].id(b.at[j]) }

func (b *byID) less(i, j int) bool { return bytes.Compare(b.head(b.heap[i]), b.head(b.heap[j])) < 0 }

func (b *byID) up(i int) {
	for i > 0 && b.less(i, (i-1)/2) {
		b.heap[i], b.heap[(i-1)/2] = b.heap[(i-1)/2], b.heap[i]
		i = (i - 1) / 2
	}
}

func (b *byID) down(i int) {
	for {
		m := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(b.heap) && b.less(c, m) {
				m = c
			}
		}
		if m == i {
			return
		}
		b.heap[i], b.heap[m] = b.heap[m], b.heap[i]
		i = m
	}
}

func (b *byID) Next() (uint64, bool) {
	for b.k != nil || len(b.heap) > 0 {
		var seq uint64
		if len(b.heap) == 0 || b.k != nil && bytes.Compare(b.k, b.head(b.heap[0])) < 0 {
			seq, _ = seqOfID(b.v)
			b.k, b.v = b.c.Next()
		} else {
			j := b.heap[0]
			seq = b.runs[j].seq(b.at[j])
			if b.at[j]++; b.at[j] == b.runs[j].n {
				b.heap[0] = b.heap[len(b.heap)-1]
				b.heap = b.heap[:len(b.heap)-1]
			}
			b.down(0)
		}
		if b.keep == nil || b.keep(seq) {
			return seq, true
		}
	}
	return 0, false
}

func (b *byID) Seek(uint64) { panic("byID is not seekable") }

// putIDs stores a transaction's new ids: as one more run, or, when the log
// would pass its bounds, folded with the log into ids.
func putIDs(tx *bolt.Tx, x *idIndex, run []loggedID) error {
	if len(run) == 0 {
		return nil
	}
	if len(x.runs)+1 <= maxRuns && x.logged+len(run) <= maxLogged {
		first := slices.MinFunc(run, func(a, b loggedID) int { return cmp.Compare(a.seq, b.seq) }).seq
		return tx.Bucket(schema.IDLog).Put(schema.U64(first), encodeIDRun(run))
	}
	entries, err := x.entries()
	if err != nil {
		return err
	}
	return foldIDs(tx, append(entries, run...))
}

// foldIDs puts entries (the log's whole contents and the transaction's new
// ids, in any order) into ids in key order (putSorted sorts them) and
// empties the log.
func foldIDs(tx *bolt.Tx, entries []loggedID) error {
	keys := make([]byte, 0, idBytes(entries))
	vals := make([]byte, 0, 24*len(entries))
	puts := make([]schema.KV, len(entries))
	for i, e := range entries {
		k, v := len(keys), len(vals)
		keys = append(keys, e.id...)
		vals = appendIDValue(vals, e.seq, e.hash)
		puts[i] = schema.KV{K: keys[k:len(keys):len(keys)], V: vals[v:len(vals):len(vals)]}
	}
	if err := schema.PutSorted(tx.Bucket(schema.IDs), puts, bolt.DefaultFillPercent); err != nil {
		return fmt.Errorf("fold id log: %w", err)
	}
	if err := tx.DeleteBucket(schema.IDLog); err != nil {
		return fmt.Errorf("fold id log: %w", err)
	}
	_, err := tx.CreateBucket(schema.IDLog)
	return err
}

func idBytes(entries []loggedID) int {
	n := 0
	for _, e := range entries {
		n += len(e.id)
	}
	return n
}

// Package idindex resolves trace ids to sequence numbers and content
// hashes: the ids bucket and the id log in front of it. It is the import's
// dedupe index (a trace is a duplicate when an id on its id chain has its
// content hash) and every reader's way from an id to a trace.
//
// It imports store/internal/schema (bucket names, keys) and damage, nothing
// else of the module.
package idindex

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// The id log (bucket id_log, schema 9) holds the ids of recently stored
// traces as sorted runs, one a write transaction, keyed by the run's
// smallest seq. Trace ids arrive in no particular key order: put straight
// into the ids B+tree, every transaction of an import dirtied most of its
// leaves and wrote the whole tree again (the largest cost an import's single
// writer had left). A run is one value, written once; when the log reaches
// MaxRuns runs or MaxLogged ids, the writer folds them all into ids in key
// order, so each ids page is written once per fold rather than once per
// transaction. This is a two-level log-structured index: ids is the large
// level, the runs the small one.
//
// Every stored trace's id is in exactly one of ids and the log. Readers go
// through Index, which searches both: a lookup costs one B+tree search and
// a binary search per run.

// MaxRuns and MaxLogged bound the log: lookups search every run, and a fold
// holds the log's entries in memory.
const (
	MaxRuns   = 16
	MaxLogged = 1 << 18
)

// A run is encoded as
//
//	u32 n | u32 offsets[n+1] | entries
//
// where entry i is entries[offsets[i]:offsets[i+1]]: u64 seq, the 16-byte
// content hash, then the id. Entries are sorted by id.
type run struct {
	n       int
	offsets []byte
	entries []byte
}

const runEntryHead = 24 // seq and hash

// Entry is one id with its trace's seq and content hash.
type Entry struct {
	ID   string
	Seq  uint64
	Hash [16]byte
}

func compareEntries(a, b Entry) int { return strings.Compare(a.ID, b.ID) }

// encodeRun encodes entries, which it sorts by id.
func encodeRun(entries []Entry) []byte {
	slices.SortFunc(entries, compareEntries)
	size := 4 + 4*(len(entries)+1)
	for _, e := range entries {
		size += runEntryHead + len(e.ID)
	}
	b := make([]byte, 4+4*(len(entries)+1), size)
	binary.BigEndian.PutUint32(b, uint32(len(entries)))
	off := 0
	for i, e := range entries {
		binary.BigEndian.PutUint32(b[4+4*i:], uint32(off))
		b = binary.BigEndian.AppendUint64(b, e.Seq)
		b = append(append(b, e.Hash[:]...), e.ID...)
		off += runEntryHead + len(e.ID)
	}
	binary.BigEndian.PutUint32(b[4+4*len(entries):], uint32(off))
	return b
}

// parseRun reads a run's header. Its entries are checked as they are read
// (entry), so that a lookup costs a binary search, not a pass over the run,
// and no damage to the file can make a read go out of bounds; check reads
// them all.
func parseRun(k, v []byte) (run, error) {
	if len(v) < 8 {
		return run{}, damage.Corrupt("id log run %x: too short", k)
	}
	n := int(binary.BigEndian.Uint32(v))
	if n > (len(v)-8)/4 {
		return run{}, damage.Corrupt("id log run %x: %d entries do not fit in %d bytes", k, n, len(v))
	}
	return run{n: n, offsets: v[4 : 4+4*(n+1)], entries: v[4+4*(n+1):]}, nil
}

// entry returns entry i, or nil if the run is damaged there.
func (r run) entry(i int) []byte {
	lo, hi := binary.BigEndian.Uint32(r.offsets[4*i:]), binary.BigEndian.Uint32(r.offsets[4*i+4:])
	if lo > hi || int(hi) > len(r.entries) || hi-lo < runEntryHead {
		return nil
	}
	return r.entries[lo:hi]
}

func (r run) id(i int) []byte {
	if e := r.entry(i); e != nil {
		return e[runEntryHead:]
	}
	return nil
}

func (r run) seq(i int) uint64 {
	if e := r.entry(i); e != nil {
		return binary.BigEndian.Uint64(e)
	}
	return 0
}

func (r run) hash(i int) (h [16]byte) {
	if e := r.entry(i); e != nil {
		copy(h[:], e[8:runEntryHead])
	}
	return h
}

// check reports the first damaged or out-of-order entry.
func (r run) check() error {
	for i := range r.n {
		if r.entry(i) == nil || i > 0 && bytes.Compare(r.id(i-1), r.id(i)) >= 0 {
			return damage.Corrupt("id log: damaged run at entry %d of %d", i, r.n)
		}
	}
	return nil
}

// search returns the first entry whose id is not below id.
func (r run) search(id string) int {
	return sort.Search(r.n, func(i int) bool { return string(r.id(i)) >= id })
}

// Index resolves trace ids in one transaction: the ids bucket and the runs
// of the id log.
type Index struct {
	ids    *bolt.Bucket
	runs   []run
	logged int // entries in the runs
}

// Open reads the id log of tx (its runs' headers: entries are checked as
// they are read).
func Open(tx *bolt.Tx) (*Index, error) {
	x := &Index{ids: tx.Bucket(schema.IDs)}
	log := tx.Bucket(schema.IDLog)
	if log == nil {
		return x, damage.Corrupt("store has no %s bucket", schema.IDLog)
	}
	err := log.ForEach(func(k, v []byte) error {
		r, err := parseRun(k, v)
		x.runs = append(x.runs, r)
		x.logged += r.n
		return err
	})
	return x, err
}

// Get returns the seq and content hash of a trace id. An ids entry of
// schema 3 holds only the seq: hasHash is false for it.
func (x *Index) Get(id string) (seq uint64, hash [16]byte, hasHash, ok bool) {
	if v := x.ids.Get([]byte(id)); v != nil {
		seq, ok = SeqOf(v)
		hash, hasHash = HashOf(v)
		return seq, hash, hasHash, ok
	}
	for _, r := range x.runs {
		if i := r.search(id); i < r.n && string(r.id(i)) == id {
			return r.seq(i), r.hash(i), true, true
		}
	}
	return 0, hash, false, false
}

// Seq returns the seq of a trace id.
func (x *Index) Seq(id string) (uint64, bool) {
	seq, _, _, ok := x.Get(id)
	return seq, ok
}

// WithPrefix calls fn for every id that starts with prefix (in no
// particular order).
func (x *Index) WithPrefix(prefix string, fn func(id []byte, seq uint64)) {
	c := x.ids.Cursor()
	for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
		seq, _ := SeqOf(v)
		fn(k, seq)
	}
	for _, r := range x.runs {
		for i := r.search(prefix); i < r.n && bytes.HasPrefix(r.id(i), []byte(prefix)); i++ {
			fn(r.id(i), r.seq(i))
		}
	}
}

// Entries returns every id of the runs, decoded (in no particular order).
func (x *Index) Entries() ([]Entry, error) {
	out := make([]Entry, 0, x.logged)
	for _, r := range x.runs {
		if err := r.check(); err != nil {
			return nil, err
		}
		for i := range r.n {
			out = append(out, Entry{ID: string(r.id(i)), Seq: r.seq(i), Hash: r.hash(i)})
		}
	}
	return out, nil
}

// ByID iterates the seqs of every trace in id order: the ids bucket and the
// runs merged, through a heap of their heads. It cannot seek.
type ByID struct {
	c    *bolt.Cursor
	k, v []byte // the cursor's head
	runs []run
	at   []int // the next entry of each run
	heap []int // runs with entries left, by their head's id
	keep func(uint64) bool
}

// ByID lists the traces in id order, those keep accepts (all when keep is
// nil).
func (x *Index) ByID(keep func(uint64) bool) *ByID {
	b := &ByID{c: x.ids.Cursor(), runs: x.runs, at: make([]int, len(x.runs)), keep: keep}
	b.k, b.v = b.c.First()
	for j, r := range x.runs {
		if r.n > 0 {
			b.heap = append(b.heap, j)
			b.up(len(b.heap) - 1)
		}
	}
	return b
}

func (b *ByID) head(j int) []byte { return b.runs[j].id(b.at[j]) }

func (b *ByID) less(i, j int) bool { return bytes.Compare(b.head(b.heap[i]), b.head(b.heap[j])) < 0 }

func (b *ByID) up(i int) {
	for i > 0 && b.less(i, (i-1)/2) {
		b.heap[i], b.heap[(i-1)/2] = b.heap[(i-1)/2], b.heap[i]
		i = (i - 1) / 2
	}
}

func (b *ByID) down(i int) {
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

func (b *ByID) Next() (uint64, bool) {
	for b.k != nil || len(b.heap) > 0 {
		var seq uint64
		if len(b.heap) == 0 || b.k != nil && bytes.Compare(b.k, b.head(b.heap[0])) < 0 {
			seq, _ = SeqOf(b.v)
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

func (b *ByID) Seek(uint64) { panic("byID is not seekable") }

// Put stores a transaction's new ids (x is the transaction's index): as one
// more run, or, when the log would pass its bounds, folded with the log
// into ids.
func Put(tx *bolt.Tx, x *Index, added []Entry) error {
	if len(added) == 0 {
		return nil
	}
	if len(x.runs)+1 <= MaxRuns && x.logged+len(added) <= MaxLogged {
		first := slices.MinFunc(added, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) }).Seq
		return tx.Bucket(schema.IDLog).Put(schema.U64(first), encodeRun(added))
	}
	entries, err := x.Entries()
	if err != nil {
		return err
	}
	return Fold(tx, append(entries, added...))
}

// Fold puts entries (the log's whole contents and the transaction's new
// ids, in any order) into ids in key order (schema.PutSorted sorts them)
// and empties the log.
func Fold(tx *bolt.Tx, entries []Entry) error {
	keys := make([]byte, 0, idBytes(entries))
	vals := make([]byte, 0, 24*len(entries))
	puts := make([]schema.KV, len(entries))
	for i, e := range entries {
		k, v := len(keys), len(vals)
		keys = append(keys, e.ID...)
		vals = AppendValue(vals, e.Seq, e.Hash)
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

func idBytes(entries []Entry) int {
	n := 0
	for _, e := range entries {
		n += len(e.ID)
	}
	return n
}

// RunCount is the number of runs in the log.
func (x *Index) RunCount() int { return len(x.runs) }

// LoggedCount is the number of ids in the log's runs.
func (x *Index) LoggedCount() int { return x.logged }

// EachLogged calls fn with every id in the log's runs.
func (x *Index) EachLogged(fn func(id []byte)) {
	for _, r := range x.runs {
		for i := range r.n {
			fn(r.id(i))
		}
	}
}

// Value is an ids entry: the trace's seq, then its content hash.
func Value(seq uint64, hash [16]byte) []byte {
	return AppendValue(make([]byte, 0, 24), seq, hash)
}

// AppendValue appends an ids entry.
func AppendValue(b []byte, seq uint64, hash [16]byte) []byte {
	return append(binary.BigEndian.AppendUint64(b, seq), hash[:]...)
}

// SeqOf reads the seq of an ids entry (schema 3 entries hold only it).
func SeqOf(v []byte) (uint64, bool) {
	if len(v) < 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v), true
}

// HashOf reads the content hash of an ids entry.
func HashOf(v []byte) ([16]byte, bool) {
	var h [16]byte
	if len(v) != 24 {
		return h, false
	}
	copy(h[:], v[8:])
	return h, true
}

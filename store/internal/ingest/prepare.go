package ingest

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// prepared is a decoded trace made ready for writing off the writer's
// goroutine: encoded, hashed and summarized. It does not keep the decoded
// trace, so a queued batch holds only its encoded bytes.
type prepared struct {
	problem *stepwise.Problem
	baseID  string
	summary record.Summary
	// value is the summary's encoding with the base id; the writer
	// re-encodes it from tailAt on in the rare case that the id differs.
	value  []byte
	tailAt int
	terms  []postings.Term // the summary's index terms
	body   []byte
	hash   [16]byte
}

// prepareEncoded makes an item ready for the writer, given its encoded
// body. What it keeps comes from mem: a decoded trace's strings share the
// memory of its record and raw text, which a queued trace would otherwise
// keep alive (a third of an import's live heap), and a few blocks for a
// chunk of traces are cheaper than several small objects for each.
func prepareEncoded(it formats.Item, body []byte, mem *chunkMem) prepared {
	t := it.Trace
	p := prepared{problem: mem.problem(it.Problem), body: body, summary: record.Summarize(t)}
	s := &p.summary
	// The identity comes from what the source states (identity.go); the
	// grader's verdict is stored, but no part of it.
	idTrace, legacy := IdentityTrace(it)
	idSummary, idBody := p.summary, body
	if legacy {
		idSummary, idBody = record.Summarize(idTrace), record.AppendBody(nil, idTrace)
	}
	p.hash = ContentHash(&idSummary, idBody)
	// The id: the dataset and the source's own id, or a short content hash
	// where the source has none.
	id := t.SourceID
	if id == "" {
		id = shortContentID(&idSummary, it.Problem.Text, record.AppendBodyVersion(nil, idTrace, record.BodyVersionNoNames))
	}
	if it.Grade != nil {
		record.ApplyGrade(s, it.Grade)
	}
	for _, f := range []*string{&s.SourceID, &s.Dataset, &s.Model, &s.FinalAnswer, &s.CorrectBy} {
		*f = mem.strs.clone(*f)
	}
	mem.scratch = append(append(append(mem.scratch[:0], s.Dataset...), ':'), id...)
	p.baseID = mem.strs.text(mem.scratch)
	// Everything that does not depend on the seq, or on an id other than
	// the base id, is computed here, on the worker goroutines: the single
	// writer is the bottleneck.
	mem.scratch = record.AppendSummaryHead(mem.scratch[:0], p.baseID)
	p.tailAt = len(mem.scratch)
	mem.scratch = record.EncodeSummaryTail(mem.scratch, &p.summary)
	p.value = append(mem.strs.make(0, len(mem.scratch)), mem.scratch...)
	p.terms = mem.terms(&p.summary)
	return p
}

// chunkMem is where the prepared traces of a chunk keep what they keep.
type chunkMem struct {
	strs     arena
	problems []stepwise.Problem
	termSet  []postings.Term
	scratch  []byte
}

// problem copies p, with its strings.
func (m *chunkMem) problem(p *stepwise.Problem) *stepwise.Problem {
	if len(m.problems) == cap(m.problems) {
		m.problems = make([]stepwise.Problem, 0, 64)
	}
	m.problems = append(m.problems, *p)
	cp := &m.problems[len(m.problems)-1]
	for _, f := range []*string{&cp.ID, &cp.Text, &cp.GoldAnswer, &cp.GoldSolution, &cp.Dataset, &cp.Split,
		&cp.Subject, &cp.Level, &cp.SourceID} {
		*f = m.strs.clone(*f)
	}
	return cp
}

// terms returns the index terms of s.
func (m *chunkMem) terms(s *record.Summary) []postings.Term {
	if cap(m.termSet)-len(m.termSet) < schema.TermCount {
		m.termSet = make([]postings.Term, 0, 64*schema.TermCount)
	}
	n := len(m.termSet)
	m.termSet = schema.AppendTerms(m.termSet, s)
	return m.termSet[n:len(m.termSet):len(m.termSet)]
}

// shortContentID names a trace whose source gives it no id. It is the
// SHA-256 that schema 3 used for dedupe (over the problem's text, not its
// id, and the body in version 1), kept so that such a trace gets the same
// id from every version of stepwise: ids appear in exports and annotation
// files.
func shortContentID(s *record.Summary, problemText string, body []byte) string {
	h := sha256.New()
	h.Write(appendIdentity(nil, s, problemText))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)[:5])
}

// run is a run of consecutive prepared traces whose bodies, in order, make
// one block.
type run struct {
	items []prepared
	block []byte
}

// encodeRuns prepares items with their bodies written into blocks of at
// most 1024 bodies and about 1 MiB (a single
// larger body makes a block of its own). It returns the traces and their
// runs, which are slices of them.
func encodeRuns(items []formats.Item) ([]prepared, []run) {
	var mem chunkMem
	out := make([]prepared, 0, len(items))
	var runs []run
	for len(items) > 0 {
		n, size := bodies.NextBlock(len(items), func(i int) int { return record.BodySizeHint(items[i].Trace) })
		bb := bodies.NewBuilder(n, size)
		start := len(out)
		for _, it := range items[:n] {
			out = append(out, prepareEncoded(it, bb.Add(it.Trace), &mem))
		}
		runs = append(runs, run{items: out[start:len(out):len(out)], block: bb.Finish()})
		items = items[n:]
	}
	return out, runs
}

// blockPuts returns the body blocks of a batch's stored traces: a run's
// block as the workers built it when every trace of the run was stored (the
// writer gave them consecutive seqs), else a block of the survivors.
func blockPuts(b *Batch) []schema.KV {
	var puts []schema.KV
	for _, r := range b.runs {
		items := r.items
		first, last := items[0].summary.Seq, items[len(items)-1].summary.Seq
		if first != 0 && last-first == uint64(len(items)-1) {
			puts = append(puts, schema.KV{K: bodies.Key(last), V: r.block})
			continue
		}
		var singles []schema.KV
		for i := range items {
			if seq := items[i].summary.Seq; seq != 0 {
				singles = append(singles, schema.KV{K: schema.U64(seq), V: items[i].body})
			}
		}
		puts = append(puts, bodies.Pack(singles)...)
	}
	return puts
}

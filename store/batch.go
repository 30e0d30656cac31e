package store

// batch is a run of prepared traces with the running-count changes they make
// if all of them are stored, and the input bytes they were read from.
type batch struct {
	items  []prepared
	runs   []bodyRun // items' bodies, in blocks
	counts map[string]int64
	bytes  int64
}

// append adds traces, the runs of their bodies (indexes into items) and
// their tallied counts.
func (b *batch) append(items []prepared, runs []bodyRun, counts map[string]int64) {
	for _, r := range runs {
		r.start += len(b.items)
		r.end += len(b.items)
		b.runs = append(b.runs, r)
	}
	b.items = append(b.items, items...)
	if b.counts == nil {
		b.counts = make(map[string]int64, len(counts))
	}
	for k, n := range counts {
		b.counts[k] += n
	}
}

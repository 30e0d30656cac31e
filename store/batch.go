package store

// batch is a run of prepared traces, in the runs whose bodies make one
// block each, with the running-count changes they make if all of them are
// stored, and the input bytes they were read from.
type batch struct {
	runs    []bodyRun
	traces  int
	encoded int64 // the bytes of the runs' body blocks
	counts  counter
	bytes   int64
}

// append adds runs of traces and their tallied counts. The runs keep the
// workers' slices: a batch copies no trace.
func (b *batch) append(runs []bodyRun, counts *counter) {
	for _, r := range runs {
		b.runs = append(b.runs, r)
		b.traces += len(r.items)
		b.encoded += int64(len(r.block))
	}
	b.counts.merge(counts)
}

package ingest

import "github.com/stepwise-dev/stepwise/store/internal/schema"

// counter tallies the running-count changes of many traces. It counts each
// distinct combination of counted values once per trace and makes the count
// keys (strings built by concatenation) only per combination: traces in a
// run share their dataset, model, format and mostly their correctness and
// label state, so a batch has a few combinations, and comparing a trace's
// values with the previous trace's replaces a dozen map updates. Workers
// tally their chunks, the import merges them into its batch, and the writer
// makes the keys once a transaction.
type counter struct {
	total  int64
	combos map[countedValues]int64
	last   countedValues // the values of the run of traces not yet in combos
	run    int64
}

// countedValues are a trace's values of schema.CountedFields, in that order.
type countedValues [schema.CountedCount]string

// add counts one trace.
func (c *counter) add(p *prepared) {
	var v countedValues
	for n, at := range schema.CountedTerms {
		v[n] = p.terms[at].Value
	}
	c.total++
	if c.run > 0 && v == c.last {
		c.run++
		return
	}
	c.flush()
	c.last, c.run = v, 1
}

// flush moves the current run into combos.
func (c *counter) flush() {
	if c.run == 0 {
		return
	}
	if c.combos == nil {
		c.combos = make(map[countedValues]int64, 16)
	}
	c.combos[c.last] += c.run
	c.run = 0
}

// merge adds o's traces to c.
func (c *counter) merge(o *counter) {
	o.flush()
	if len(o.combos) > 0 && c.combos == nil {
		c.combos = make(map[countedValues]int64, len(o.combos))
	}
	for v, n := range o.combos {
		c.combos[v] += n
	}
	c.total += o.total
}

// keys returns the tally by count key (see countKey): each counted value
// overall, and each within its trace's dataset.
func (c *counter) keys() map[string]int64 {
	c.flush()
	out := make(map[string]int64, 4*len(c.combos)+1)
	if c.total != 0 {
		out["total"] = c.total
	}
	for v, n := range c.combos {
		for i, f := range schema.CountedFields {
			out[schema.CountKey("", f, v[i])] += n
			if i != 0 {
				out[schema.CountKey(v[0], f, v[i])] += n
			}
		}
	}
	return out
}

// tally counts prepared traces.
func tally(ps []prepared) *counter {
	c := &counter{}
	for i := range ps {
		c.add(&ps[i])
	}
	return c
}

package store

// counter tallies the running-count changes of many traces. It counts each
// distinct combination of counted values once per trace and makes the count
// keys (strings built by concatenation) only per combination: traces in a
// run share their dataset, model, format and mostly their correctness and
// label state, so a chunk has a few combinations, and one map update a trace
// replaces a dozen. Workers tally their chunks; the writer only merges the
// results.
type counter struct {
	total  int64
	combos map[countedValues]int64
	fields []string // the counted fields, in terms order (the same for every trace)
}

// countedValues are a trace's values of the counted fields, in terms order.
type countedValues [maxCountedFields]string

const maxCountedFields = 8

// add counts one trace.
func (c *counter) add(p *prepared) {
	if c.combos == nil {
		c.combos = make(map[countedValues]int64, 16)
	}
	var v countedValues
	n := 0
	for _, tm := range p.terms {
		if countedFields[tm.field] {
			if n == len(c.fields) {
				c.fields = append(c.fields, tm.field) // the first trace
			}
			v[n] = tm.value
			n++
		}
	}
	c.total++
	c.combos[v]++
}

// keys returns the tally by count key (see countKey): each counted value
// overall, and each within its trace's dataset.
func (c *counter) keys() map[string]int64 {
	out := make(map[string]int64, 4*len(c.combos)+1)
	if c.total != 0 {
		out["total"] = c.total
	}
	dataset := -1
	for i, f := range c.fields {
		if f == FieldDataset {
			dataset = i
		}
	}
	for v, n := range c.combos {
		for i, f := range c.fields {
			out[countKey("", f, v[i])] += n
			if i != dataset && dataset >= 0 {
				out[countKey(v[dataset], f, v[i])] += n
			}
		}
	}
	return out
}

// tally counts prepared traces.
func tally(ps []prepared) map[string]int64 {
	var c counter
	for i := range ps {
		c.add(&ps[i])
	}
	return c.keys()
}

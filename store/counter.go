package store

// countTerm is one running count: a counted field's value overall (dataset
// empty) or within one dataset.
type countTerm struct{ dataset, field, value string }

// counter tallies the running-count changes of many traces by term, so that
// the count keys (strings built by concatenation) are made once per distinct
// term rather than once per trace. Workers tally their chunks; the writer
// only merges the results.
type counter struct {
	total int64
	terms map[countTerm]int64
}

// add counts one trace.
func (c *counter) add(p *prepared) {
	if c.terms == nil {
		c.terms = make(map[countTerm]int64, 64)
	}
	c.total++
	for _, tm := range p.terms {
		if !countedFields[tm.field] {
			continue
		}
		c.terms[countTerm{"", tm.field, tm.value}]++
		if tm.field != FieldDataset {
			c.terms[countTerm{p.summary.Dataset, tm.field, tm.value}]++
		}
	}
}

// keys returns the tally by count key (see countKey).
func (c *counter) keys() map[string]int64 {
	out := make(map[string]int64, len(c.terms)+1)
	if c.total != 0 {
		out["total"] = c.total
	}
	for t, n := range c.terms {
		out[countKey(t.dataset, t.field, t.value)] += n
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

package formats

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stepwise-dev/stepwise"
)

// problemIDs memoizes stepwise.ProblemID for one input. Datasets sample many
// traces from each problem, so most traces repeat a problem text already
// seen, and normalizing and hashing it again took a tenth of decoding a
// ProcessBench record. Workers decode concurrently: sync.Map's reads take no
// lock. It stops growing at maxCachedProblems texts (copies, so that a cached
// text does not keep a record's memory alive), which bounds it for a file of
// distinct problems, where it only costs a lookup.
type problemIDs struct {
	m sync.Map // problem text → id
	n atomic.Int32
}

const maxCachedProblems = 4096

func (c *problemIDs) id(text string) string {
	if id, ok := c.m.Load(text); ok {
		return id.(string)
	}
	id := stepwise.ProblemID(text)
	if c.n.Load() < maxCachedProblems && c.n.Add(1) <= maxCachedProblems {
		c.m.Store(strings.Clone(text), id)
	}
	return id
}

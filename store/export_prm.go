package store

import (
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// PRM scores in exports: a format whose exporter is a formats.PRMColumner
// (steps-jsonl, steps-parquet) gets a column for every PRM with scores in
// the store, in name order, and each item carries the trace's scores.

// exportPRMNames lists the PRMs an export has columns for: every PRM with
// scores in the store when the format takes PRM columns, else none. exp is
// the export's exporter, nil for a line format (one is made to ask).
func exportPRMNames(tx *bolt.Tx, f formats.ExportFormat, exp formats.Exporter) []string {
	if exp == nil {
		exp = f.New(io.Discard)
	}
	if _, ok := exp.(formats.PRMColumner); !ok {
		return nil
	}
	return prmNamesTx(tx)
}

// setPRMColumns names the PRM columns of an exporter that takes them.
func setPRMColumns(exp formats.Exporter, names []string) error {
	if c, ok := exp.(formats.PRMColumner); ok && len(names) > 0 {
		return c.SetPRMColumns(names)
	}
	return nil
}

// prmColumns reads a trace's step scores by each named PRM, nil for a PRM
// that did not score it (NoScore marks a step a PRM gave no score).
func prmColumns(tx *bolt.Tx, seq uint64, names []string) ([][]float64, error) {
	ps, err := prmOfSeq(tx, seq)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	out := make([][]float64, len(names))
	for _, p := range ps {
		for c, n := range names {
			if n == p.Model {
				out[c] = p.Steps
			}
		}
	}
	return out, nil
}

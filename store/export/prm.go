package export

import (
	"io"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// PRM scores in exports: a format whose exporter is a formats.PRMColumner
// (steps-jsonl, steps-parquet) gets a column for every PRM with scores in
// the store, in name order, and each item carries the trace's scores.

// exportPRMNames lists the PRMs an export has columns for: every PRM with
// scores in the store when the format takes PRM columns, else none. exp is
// the export's exporter, nil for a line format (one is made to ask).
func exportPRMNames(r Reader, f formats.ExportFormat, exp formats.Exporter) []string {
	if exp == nil {
		exp = f.New(io.Discard)
	}
	if _, ok := exp.(formats.PRMColumner); !ok {
		return nil
	}
	return r.PRMNames()
}

// setPRMColumns names the PRM columns of an exporter that takes them.
func setPRMColumns(exp formats.Exporter, names []string) error {
	if c, ok := exp.(formats.PRMColumner); ok && len(names) > 0 {
		return c.SetPRMColumns(names)
	}
	return nil
}

package store

import (
	"context"

	"github.com/stepwise-dev/stepwise/store/importer"
	"github.com/stepwise-dev/stepwise/store/internal/ingest"
)

// ImportOptions tune an import (store/importer).
type ImportOptions = importer.Options

// Progress is the state of a running import (store/importer).
type Progress = importer.Progress

// ImportReport is the summary of an import (store/importer).
type ImportReport = importer.Report

// ErrStrict wraps the first bad record when ImportOptions.Strict is set.
var ErrStrict = importer.ErrStrict

// ReasonOf groups import problems for the summary: the reason without its
// location, with the numbers that vary from record to record written N.
func ReasonOf(err error) string { return importer.ReasonOf(err) }

// Import reads files and directories (recursively) into the store
// (store/importer), one write transaction per batch. It changes no
// process-wide setting: a program that only imports may tune the garbage
// collector around the call (`stepwise import` does).
func (db *DB) Import(ctx context.Context, paths []string, opts ImportOptions) (*ImportReport, error) {
	return importer.Run(ctx, batchSink{db}, paths, opts)
}

// batchSink commits the importer's batches.
type batchSink struct{ db *DB }

func (s batchSink) WriteBatch(b *ingest.Batch) (ingest.Result, error) { return s.db.writeBatch(b) }

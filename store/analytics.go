package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/analytics"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// The annotators' agreement, the conflicts to adjudicate and the label
// counts are computed in store/analytics from the annotated traces; these
// are its types and the store's entry points.

// Label kinds compared by agreement and conflicts.
const (
	KindRating       = analytics.KindRating
	KindHallucinated = analytics.KindHallucinated
	KindErrorType    = analytics.KindErrorType
	KindFirstError   = analytics.KindFirstError
)

type (
	// AgreementOptions select what Agreement compares.
	AgreementOptions = analytics.AgreementOptions
	// Agreement is the agreement report.
	Agreement = analytics.AgreementReport
	// KindAgreement is the agreement on one label kind.
	KindAgreement = analytics.KindAgreement
	// PairAgreement is Cohen's κ of two annotators.
	PairAgreement = analytics.PairAgreement
	// SourceAgreement compares human step ratings with the dataset's.
	SourceAgreement = analytics.SourceAgreement
	// GoldAccuracy is an annotator's accuracy on hidden gold items.
	GoldAccuracy = analytics.GoldAccuracy
	// Conflict is a step on which annotators disagree.
	Conflict = analytics.Conflict
	// ConflictFilter selects conflicts.
	ConflictFilter = analytics.ConflictFilter
	// LabelCounts is what one annotator's current labels say.
	LabelCounts = analytics.LabelCounts
)

// Agreement computes the agreement report over the annotated traces (one
// read transaction; it loads the bodies of annotated traces only).
func (db *DB) Agreement(ctx context.Context, opts AgreementOptions) (*Agreement, error) {
	return analytics.Agreement(ctx, annotatedSource{db}, opts)
}

// Conflicts streams the disagreements, trace by trace in seq order and by
// step within a trace (the first-error row, Step -1, first). fn runs
// inside a read transaction: collect, do not write to the store from it.
// Gold events are left out: they are not labels of the data.
func (db *DB) Conflicts(ctx context.Context, f ConflictFilter, fn func(Conflict) error) error {
	return analytics.Conflicts(ctx, annotatedSource{db}, f, fn)
}

// LabelDistribution folds the events of every labeled trace of a dataset
// ("" for all) into each annotator's label counts, gold items left out.
// Rows: everyone first, then annotators by name.
func (db *DB) LabelDistribution(ctx context.Context, dataset string) ([]LabelCounts, error) {
	return analytics.LabelDistribution(ctx, annotatedSource{db}, dataset)
}

// annotatedSource gives store/analytics the annotated traces.
type annotatedSource struct{ db *DB }

// EachAnnotated visits the traces with events of a dataset, in seq order,
// in one read transaction.
func (s annotatedSource) EachAnnotated(ctx context.Context, dataset string, withTrace bool, fn func(*analytics.Annotated) error) error {
	return s.db.view(func(tx *bolt.Tx) error {
		it := annotatedIter(tx, "")
		traces := tx.Bucket(schema.Traces)
		n := 0
		for seq, ok := it.Next(); ok; seq, ok = it.Next() {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			sv := traces.Get(schema.U64(seq))
			if sv == nil {
				continue
			}
			s, err := record.DecodeSummary(seq, sv)
			if err != nil {
				return err
			}
			if !schema.DatasetMatches(dataset, s.Dataset) {
				continue
			}
			evs, err := traceEvents(tx, seq)
			if err != nil {
				return err
			}
			at := &analytics.Annotated{Seq: seq, ID: s.ID, Dataset: s.Dataset, Steps: s.Steps, Events: annotations(evs)}
			if withTrace {
				if at.Trace, err = loadTrace(tx, seq); err != nil {
					return err
				}
			}
			if err := fn(at); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

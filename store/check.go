package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// CheckReport is what a full check of the store found.
type CheckReport struct {
	Pages   int      `json:"pages"`
	Traces  int      `json:"traces"`
	Blocks  int      `json:"body_blocks"`
	Damages []string `json:"damages,omitempty"`
}

// maxDamages bounds the damages a check lists.
const maxDamages = 20

// Check reads the whole store to find damage: bbolt's own consistency
// check of its pages (every page reachable once, every branch and leaf of
// the right kind, keys in order), then every trace summary and every body
// block, whose checksums cover the text. Opening a store checks only that
// the file is as long as its pages; this is the thorough look, for
// `stepwise check` and after a crash or a copy from elsewhere.
func (db *DB) Check(ctx context.Context) (*CheckReport, error) {
	rep := &CheckReport{}
	note := func(format string, args ...any) {
		if len(rep.Damages) < maxDamages {
			rep.Damages = append(rep.Damages, fmt.Sprintf(format, args...))
		}
	}
	err := db.viewCtx(ctx, func(tx *bolt.Tx) error {
		rep.Pages = int(tx.Size() / int64(tx.DB().Info().PageSize))
		for err := range tx.Check() {
			note("%v", err)
		}
		if err := tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
			rep.Traces++
			if _, err := record.DecodeSummary(schema.SeqOf(k), v); err != nil {
				note("%v", err)
			}
			return ctx.Err()
		}); err != nil {
			return err
		}
		return tx.Bucket(schema.Bodies).ForEach(func(k, v []byte) error {
			if bodies.IsBlockKey(k) {
				rep.Blocks++
				if _, err := bodies.Decode(k, v); err != nil {
					note("%v", damage.ReasonOf(err))
				}
			}
			return ctx.Err()
		})
	})
	var d *DamagedError
	if errors.As(err, &d) {
		note("%s", d.Reason)
		err = nil
	}
	if err != nil {
		return rep, err
	}
	if len(rep.Damages) > 0 {
		return rep, &DamagedError{Path: db.path, Reason: strings.Join(rep.Damages, "; ")}
	}
	return rep, nil
}

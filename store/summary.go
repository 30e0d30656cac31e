package store

import "github.com/stepwise-dev/stepwise/store/internal/record"

// Summary is the small per-trace record that listing reads: everything a
// table row or `ls --json` needs, without the text (bodies live apart, so a
// scan over a million summaries never touches the traces' text). Its
// fields and encoding are in store/internal/record.
type Summary = record.Summary

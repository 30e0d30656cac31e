// Package ingest writes traces into the store: the import's engine, under
// both store.DB.Import (a pipeline of files) and store.DB.Add (items a
// program built).
//
// Decoding workers Prepare chunks of decoded items off the writer's
// goroutine: each trace's summary and body are encoded (bodies straight
// into blocks), its content hash and index terms computed, its
// running-count changes tallied. The single writer then Writes a Batch in
// one transaction: it gives each new trace the next sequence number, finds
// duplicates on the trace's id chain (id, id#2, id#3...: a stored trace
// with the same content hash is the same record), queues new problems,
// merges postings, counts and the id log, and takes back the counts of
// the duplicates. A Seen filter keeps most lookups of new ids out of
// bbolt.
//
// A trace's identity (its content hash and, without a source id, its id)
// is what its source states, never the answer grader's verdict: a re-grade
// never makes a stored trace a new record (identity.go).
//
// It imports the domain package, store/formats (the decoded items) and the
// engine packages below it (record, bodies, idindex, postings, problems,
// schema, damage).
package ingest

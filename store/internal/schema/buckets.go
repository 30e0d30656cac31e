// Package schema is the map of the store file: every bbolt bucket with the
// layout of its keys and values, the index terms a trace's summary makes
// (postings and running counts), and the helpers every writer uses to make
// keys and put them in order. Keys are big-endian, so that byte order is
// numeric order. The schema's version and the migrations between versions
// are the store package's (schema.go there).
//
// It imports store/internal/record (the summary a term is made from) and
// store/internal/postings (the term type), nothing else of the module.
package schema

// Buckets. A bucket made on first use (marked so) may be missing from an
// older or a never-annotated store; its readers treat that as empty.
var (
	Meta   = []byte("meta")   // schema version, creation time, store id, settings
	Traces = []byte("traces") // u64 seq → summary (record.Summary)
	Bodies = []byte("bodies") // u64 last seq + 'b' → a block of bodies (store/internal/bodies); u64 seq → one body (older stores)
	IDs    = []byte("ids")    // trace id → u64 seq + 16-byte content hash; see IDLog (store/internal/ids)
	IDLog  = []byte("id_log") // u64 smallest seq → a sorted run of the ids of one transaction (store/internal/ids)

	Problems      = []byte("problems")       // problem id → u64 problem seq (store/internal/problems)
	ProblemTexts  = []byte("problem_texts")  // u64 problem seq → problem (JSON), in arrival order
	TraceProblems = []byte("trace_problems") // u64 trace seq → the problem fields its source wrote otherwise (JSON); made on first use

	Index    = []byte("index")    // schemas 1-5: field \0 value \0 u64 seq → empty; empty since
	Postings = []byte("postings") // field \0 value \0 u32 block → a set of seqs (store/internal/postings)
	Counts   = []byte("counts")   // count key (CountKey, and "human\0…", "proof\0…") → u64
	Imports  = []byte("imports")  // u64 seq → import run record (JSON)

	Events      = []byte("events")       // u64 event seq → 1 | u64 trace seq | annotation event (JSON)
	TraceEvents = []byte("trace_events") // u64 trace seq | u64 event seq → empty
	EventIDs    = []byte("event_ids")    // stable event id → u64 event seq (merge); made on first use

	Checks      = []byte("checks")       // u64 trace seq | u32 step | u32 n → checked formalization (record.EncodeCheck)
	ProofStrips = []byte("proof_strips") // u64 trace seq → version | one status character per step; made on first use
	ProofCache  = []byte("proof_cache")  // verification cache key → version | result (JSON)

	Analyses  = []byte("analyses")   // u64 run seq → judge run: JSON head and deflated stages
	TraceRuns = []byte("trace_runs") // u64 trace seq | u64 run seq → empty

	Findings      = []byte("findings")       // u64 trace seq → version | findings (JSON); made on first use
	FindingScores = []byte("finding_scores") // u16 (10000 − score·10000) | u64 trace seq | u32 step+1 → empty; made on first use
	FindingCodes  = []byte("finding_codes")  // code \0 u64 trace seq → empty; made on first use

	PRMScores = []byte("prm_scores") // u64 trace seq | PRM name → version | scores (JSON)
)

// Created are the buckets a new store is made with (and a migration
// adds); the others are made by the first write that needs them.
var Created = [][]byte{Meta, Traces, Bodies, IDs, IDLog, Problems, ProblemTexts, Index, Postings, Counts, Imports,
	Events, TraceEvents, Checks, ProofCache, Analyses, TraceRuns, PRMScores}

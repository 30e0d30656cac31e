package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bytedance/sonic"
	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// Annotation events are append-only. Each is written, with its
// trace_events key, the running counts and the postings it changes, in one
// bbolt transaction; bbolt fsyncs on commit, so when Annotate returns the
// event survives a kill -9. Undo is a new event (Undoes), never a delete.
//
// Layout:
//
//	events       u64 event seq → 1 | u64 trace seq | JSON Event
//	trace_events u64 trace seq | u64 event seq → empty
//	event_ids    stable event id → u64 event seq (merge idempotence)
//	postings     annotated\0true and annotator\0NAME → trace seqs
//	counts       human\0KIND\0DATASET\0ANNOTATOR\0 → u64 (see progress.go)
//
// Why postings and not the trace summaries for "has human labels": a
// summary's label state feeds postings that only ever grow (store/internal/postings has
// no delete), so moving a trace between states would mean rewriting
// containers; and summaries are the import's hot record. A posting term
// per annotator, added to on the first event, costs one container
// read-modify-write per event and gives the filters a seq iterator for
// free. It is a superset index — a trace whose labels were all undone
// stays in it — so readers that need current labels fold the events (a
// handful per trace) to decide.

// schema.EventIDs maps a stable event id to its local seq. It is created on the
// first write that needs it, so a store that was never annotated and is
// opened read-only simply has none.

const eventVersion = 1

// Event is an annotation event as stored: the domain event plus the ids
// that make it portable between stores (export, merge).
type Event struct {
	stepwise.Annotation
	// ID is stable across stores: "<store id>-<seq>" in the store that
	// first wrote the event. Merging keeps it, so merging the same log
	// twice adds nothing.
	ID string `json:"id"`
	// UndoesID is the stable id of the event that Undoes points at.
	UndoesID string `json:"undoes_id,omitempty"`
	// TraceSeq is the local seq of the trace (not exported).
	TraceSeq uint64 `json:"-"`
}

// Limits on annotation text: generous for people, small enough that a
// runaway script cannot bloat the store.
const (
	maxAnnotatorLen = 128
	maxShortField   = 200      // error type, verdict
	maxNote         = 64 << 10 // note
)

// ErrInvalidAnnotation wraps every validation failure of an event.
var ErrInvalidAnnotation = errors.New("invalid annotation")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidAnnotation, fmt.Sprintf(format, a...))
}

// Annotate validates and stores one event and returns it as stored: Seq
// assigned, Time set (now, UTC) when zero, TraceID the trace's canonical id
// (a unique source id or id prefix is accepted). It returns after the
// transaction's fsync: what it returns is durable.
func (db *DB) Annotate(ev stepwise.Annotation) (stepwise.Annotation, error) {
	out, err := db.AnnotateMany([]stepwise.Annotation{ev})
	if err != nil {
		return stepwise.Annotation{}, err
	}
	return out[0], nil
}

// AnnotateMany stores events in one transaction (one fsync): all or none.
// Events are assigned seqs in order; an Undoes must name an event already
// in the store or earlier in evs (by the Seq returned for it... which the
// caller cannot know yet, so in practice: already stored).
func (db *DB) AnnotateMany(evs []stepwise.Annotation) ([]stepwise.Annotation, error) {
	if db.readOnly {
		return nil, errors.New("annotate: store opened read-only")
	}
	out := make([]stepwise.Annotation, len(evs))
	err := db.update(func(tx *bolt.Tx) error {
		w, err := newEventWriter(tx)
		if err != nil {
			return err
		}
		for i, ev := range evs {
			stored, err := w.add(Event{Annotation: ev})
			if err != nil {
				if len(evs) > 1 {
					return fmt.Errorf("event %d: %w", i, err)
				}
				return err
			}
			out[i] = stored.Annotation
		}
		return w.commit()
	})
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	return out, nil
}

// eventWriter adds events inside one write transaction and, at commit,
// applies the running counts and postings they change.
type eventWriter struct {
	tx                             *bolt.Tx
	events, traceEvents, ids, meta *bolt.Bucket
	storeID                        string
	// traces the transaction touched: their state before it, for count deltas.
	touched map[uint64]*touchedTrace
	order   []uint64
	post    *postings.Writer
}

type touchedTrace struct {
	summary Summary
	before  labelTally
	events  []Event // stored events of the trace, then the new ones
}

func newEventWriter(tx *bolt.Tx) (*eventWriter, error) {
	ids, err := tx.CreateBucketIfNotExists(schema.EventIDs)
	if err != nil {
		return nil, err
	}
	w := &eventWriter{tx: tx, events: tx.Bucket(schema.Events), traceEvents: tx.Bucket(schema.TraceEvents), ids: ids,
		meta: tx.Bucket(schema.Meta), touched: map[uint64]*touchedTrace{}, post: postings.NewWriter()}
	if w.events == nil || w.traceEvents == nil {
		return nil, errors.New("store has no event buckets (schema older than 3?)")
	}
	w.storeID, err = storeID(w.meta)
	return w, err
}

// storeID is this store's random id, made on first use; event ids start
// with it so that two stores never mint the same id.
func storeID(meta *bolt.Bucket) (string, error) {
	key := []byte("annotation_store_id")
	if v := meta.Get(key); len(v) > 0 {
		return string(v), nil
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	return id, meta.Put(key, []byte(id))
}

// add validates ev, assigns its seq (and id, time), and writes it. ev.Undoes
// is a local seq; ev.ID, when set (a merge), is kept.
func (w *eventWriter) add(ev Event) (Event, error) {
	seq, err := resolveTraceID(w.tx, ev.TraceID)
	if err != nil {
		return Event{}, err
	}
	tt, err := w.touch(seq)
	if err != nil {
		return Event{}, err
	}
	ev.TraceID, ev.TraceSeq = tt.summary.ID, seq
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	if err := validateEvent(&ev.Annotation, tt.summary.Steps); err != nil {
		return Event{}, err
	}
	if ev.Undoes != 0 {
		target, ok := findEvent(tt.events, ev.Undoes)
		if !ok {
			return Event{}, invalid("undoes event %d, which is not an event of trace %s", ev.Undoes, ev.TraceID)
		}
		if target.Annotator != ev.Annotator {
			return Event{}, invalid("event %d is %s's; %s cannot undo it", ev.Undoes, target.Annotator, ev.Annotator)
		}
		ev.UndoesID = target.ID
	}
	if ev.Seq, err = w.events.NextSequence(); err != nil {
		return Event{}, err
	}
	if ev.ID == "" {
		ev.ID = w.storeID + "-" + strconv.FormatUint(ev.Seq, 10)
	}
	if err := w.put(ev); err != nil {
		return Event{}, err
	}
	tt.events = append(tt.events, ev)
	return ev, nil
}

func (w *eventWriter) put(ev Event) error {
	js, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	v := make([]byte, 0, 9+len(js))
	v = append(v, eventVersion)
	v = binary.BigEndian.AppendUint64(v, ev.TraceSeq)
	v = append(v, js...)
	// Event seqs only grow: dense pages (per transaction, not persisted).
	w.events.FillPercent = 0.9
	if err := w.events.Put(schema.U64(ev.Seq), v); err != nil {
		return err
	}
	if err := w.traceEvents.Put(traceEventKey(ev.TraceSeq, ev.Seq), nil); err != nil {
		return err
	}
	if err := w.ids.Put([]byte(ev.ID), schema.U64(ev.Seq)); err != nil {
		return err
	}
	w.post.Add(postings.Term{Field: FieldAnnotated, Value: "true"}, ev.TraceSeq)
	w.post.Add(postings.Term{Field: FieldAnnotator, Value: ev.Annotator}, ev.TraceSeq)
	return nil
}

// touch loads a trace's summary and stored events the first time the
// transaction writes to it.
func (w *eventWriter) touch(seq uint64) (*touchedTrace, error) {
	if tt := w.touched[seq]; tt != nil {
		return tt, nil
	}
	sv := w.tx.Bucket(schema.Traces).Get(schema.U64(seq))
	if sv == nil {
		return nil, fmt.Errorf("trace %d: %w", seq, ErrNotFound)
	}
	s, err := record.DecodeSummary(seq, sv)
	if err != nil {
		return nil, err
	}
	evs, err := traceEvents(w.tx, seq)
	if err != nil {
		return nil, err
	}
	tt := &touchedTrace{summary: s, events: evs, before: tallyOf(evs, s.Steps)}
	w.touched[seq] = tt
	w.order = append(w.order, seq)
	return tt, nil
}

// commit applies the count deltas and postings of every touched trace.
func (w *eventWriter) commit() error {
	deltas := map[string]int64{}
	for _, seq := range w.order {
		tt := w.touched[seq]
		after := tallyOf(tt.events, tt.summary.Steps)
		after.sub(tt.before).into(deltas, tt.summary.Dataset)
	}
	if err := applyCountDeltas(w.tx.Bucket(schema.Counts), deltas); err != nil {
		return err
	}
	// postingWriter.commit expects each term's seqs ascending and unique.
	w.post.Normalize()
	return w.post.Commit(w.tx.Bucket(schema.Postings))
}

// validateEvent checks an event against the trace it is about.
func validateEvent(ev *stepwise.Annotation, nSteps int) error {
	if err := checkName("annotator", ev.Annotator, maxAnnotatorLen); err != nil {
		return err
	}
	if ev.Step < -1 || ev.Step >= nSteps {
		return invalid("step %d out of range: the trace has %d steps (0-based; -1 for the whole trace)", ev.Step, nSteps)
	}
	if ev.Rating < stepwise.Unlabeled || ev.Rating > stepwise.Bad {
		return invalid("unknown rating %d", ev.Rating)
	}
	if err := checkName("error type", ev.ErrorType, maxShortField); ev.ErrorType != "" && err != nil {
		return err
	}
	if err := checkName("verdict", ev.Verdict, maxShortField); ev.Verdict != "" && err != nil {
		return err
	}
	if len(ev.Note) > maxNote || !utf8.ValidString(ev.Note) {
		return invalid("note longer than %d bytes or not UTF-8", maxNote)
	}
	if ev.ElapsedMS < 0 {
		return invalid("negative elapsed time %d ms", ev.ElapsedMS)
	}
	if ev.Undoes != 0 && (ev.Rating != stepwise.Unlabeled || ev.Hallucinated || ev.ErrorType != "" ||
		ev.Note != "" || ev.FirstError || ev.Verdict != "") {
		return invalid("an undo event carries no label (it reverts event %d)", ev.Undoes)
	}
	if ev.Step == -1 && !ev.FirstError && ev.Undoes == 0 && (ev.Rating != stepwise.Unlabeled || ev.Hallucinated || ev.ErrorType != "") {
		return invalid("a trace-level event (step -1) carries a verdict or a note, not a step rating")
	}
	return validateAnswer(ev)
}

// validateAnswer bounds an answer to a schema question: the store cannot
// know the schema (the configuration holds it, and checks the answer's
// shape and spans), but it keeps a runaway script from bloating it.
func validateAnswer(ev *stepwise.Annotation) error {
	if ev.Question == "" {
		if ev.Answer != nil {
			return invalid("an answer without a question")
		}
		return nil
	}
	schema, q, ok := strings.Cut(ev.Question, "/")
	if !ok || checkName("question", schema, maxShortField) != nil || checkName("question", q, maxShortField) != nil {
		return invalid("question %q: want schema/question", ev.Question)
	}
	if ev.Rating != stepwise.Unlabeled || ev.Hallucinated || ev.ErrorType != "" || ev.FirstError || ev.Verdict != "" || ev.Undoes != 0 {
		return invalid("an answer to %s carries no rating, flag, verdict or undo", ev.Question)
	}
	a := ev.Answer
	if a == nil {
		return nil
	}
	size := len(a.Text) + len(a.Choice)
	for _, s := range append(slices.Clone(a.Texts), a.Choices...) {
		size += len(s)
	}
	if size > maxNote || len(a.Texts)+len(a.Choices) > 256 || len(a.Spans) > 1024 {
		return invalid("the answer to %s is too large", ev.Question)
	}
	for _, s := range append(append([]string{a.Text, a.Choice}, a.Texts...), a.Choices...) {
		if !utf8.ValidString(s) {
			return invalid("the answer to %s is not UTF-8", ev.Question)
		}
	}
	for _, sp := range a.Spans {
		if sp.Start < 0 || sp.End <= sp.Start {
			return invalid("the answer to %s has an empty or negative span", ev.Question)
		}
	}
	return nil
}

// checkName rejects empty, over-long, non-UTF-8 names and control characters
// (they would reach terminals and break count keys).
func checkName(what, s string, max int) error {
	switch {
	case s == "":
		return invalid("no %s", what)
	case len(s) > max:
		return invalid("%s longer than %d bytes", what, max)
	case !utf8.ValidString(s):
		return invalid("%s is not UTF-8", what)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return invalid("%s %q contains a control character", what, s)
		}
	}
	return nil
}

// resolveTraceID maps an id (exact, a unique source id or a unique prefix)
// to its seq, as Get does.
func resolveTraceID(tx *bolt.Tx, id string) (uint64, error) {
	if id == "" {
		return 0, invalid("no trace id")
	}
	return resolve(tx, id)
}

func traceEventKey(traceSeq, eventSeq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, traceSeq)
	binary.BigEndian.PutUint64(k[8:], eventSeq)
	return k
}

// traceEvents reads the events of one trace in seq order.
func traceEvents(tx *bolt.Tx, traceSeq uint64) ([]Event, error) {
	return newTraceReader(tx).eventsOf(traceSeq)
}

// eventJSON decodes stored events with sonic (an export decodes every
// event of every trace it writes), copying strings: the record lies in
// bbolt's mapping, which is gone after the transaction.
var eventJSON = sonic.Config{CopyString: true, ValidateString: true}.Froze()

// decodeEvent reads a stored event; it copies what it keeps.
func decodeEvent(seq uint64, v []byte) (Event, error) {
	if len(v) < 9 {
		return Event{}, damage.Corrupt("event %d: an unreadable record (%d bytes)", seq, len(v))
	}
	if v[0] != eventVersion {
		return Event{}, damage.Corrupt("event %d: record version %d is unknown: the store is damaged, or a newer program wrote it", seq, v[0])
	}
	var ev Event
	if eventJSON.Unmarshal(v[9:], &ev) != nil {
		// encoding/json's verdict and message for a corrupt record.
		ev = Event{}
		if err := json.Unmarshal(v[9:], &ev); err != nil {
			return Event{}, damage.Corrupt("event %d: an unreadable record: %v", seq, err)
		}
	}
	ev.Seq = seq
	ev.TraceSeq = binary.BigEndian.Uint64(v[1:9])
	return ev, nil
}

func findEvent(evs []Event, seq uint64) (Event, bool) {
	for _, e := range evs {
		if e.Seq == seq {
			return e, true
		}
	}
	return Event{}, false
}

func annotations(evs []Event) []stepwise.Annotation {
	out := make([]stepwise.Annotation, len(evs))
	for i := range evs {
		out[i] = evs[i].Annotation
	}
	return out
}

// dataEvents drops the events made on hidden quality-control items: they
// measure the annotator, they are not labels of the data (PRM800K kept its
// QC answers out of the released labels the same way).
func dataEvents(evs []Event) []Event {
	out := evs[:0:0]
	for _, e := range evs {
		if !e.Gold {
			out = append(out, e)
		}
	}
	return out
}

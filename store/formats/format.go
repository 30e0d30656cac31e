// Package formats turns files of every supported trace format into domain
// traces, and traces back into export formats. It knows nothing of bbolt:
// reading a file yields Items, and the store decides what to keep.
//
// Each format lives in its own file and registers a Codec. A Codec decodes one
// Record (one JSON value of the file, with its line number) into Items, and
// says from the keys of a file's first record whether the file is its format.
//
// It imports only the domain package. It sits below the store package, in
// the store's folder: the codecs are the store's vocabulary for files (the
// import's decode options and the items Add takes are its types), and
// packages outside the store may use it directly (README, Architecture).
package formats

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/stepwise-dev/stepwise"
)

// Item is one decoded trace with the problem it answers.
type Item struct {
	Problem *stepwise.Problem
	Trace   *stepwise.Trace
	// Grade is the answer grader's verdict, set by the import (never by a
	// codec): it is stored with the trace's summary and is no part of the
	// trace's identity.
	Grade *stepwise.Grade
	// Warnings name harmless gaps in the record (a label that maps to no
	// step, an error step past the end): the trace is imported with what
	// can be trusted, and the import reports each warning with the
	// record's file and line.
	Warnings []string
}

// Record is one JSON value cut from an input file.
type Record struct {
	// Data is the record's own memory: nothing writes to it once it is
	// read, and decoded strings may share it.
	Data []byte
	Path string
	// Line is the 1-based line where the value starts.
	Line int
	// Index is the 0-based position of the record in its file.
	Index int
	// Element is the 1-based position of the record in a JSON array, 0
	// elsewhere (RecordError.Element).
	Element int
	// Last is set on the final line of a JSONL file (an error there may mean
	// the file was cut short).
	Last bool
	// Header is the log header shared by every record of an Inspect .eval
	// archive (header.json); nil elsewhere.
	Header []byte
	// ValidUTF8 is set by a reader that found Data valid UTF-8 (readers
	// pass on no other record without an error).
	ValidUTF8 bool
}

// Options tune decoding for one import.
type Options struct {
	// Dataset overrides the dataset name a codec would choose.
	Dataset string
	// Model overrides the model name.
	Model string
	// Mapping holds field mappings for the generic codec (field -> JSON key path).
	Mapping map[string]string
	// StepSeparator splits a string of steps for the generic codec.
	StepSeparator string
	// LabelBase is the index base of the generic codec's label field (0 or 1).
	LabelBase int
}

// Codec decodes one format.
type Codec interface {
	// Name is the format's name, as given to --format.
	Name() string
	// Describe is a one-line description for `stepwise formats`.
	Describe() string
	// Detect reports whether a file whose first record has these top-level
	// keys is in this format. Only called for JSON objects.
	Detect(keys Keys) bool
	// Decode turns one record into items. A returned error is reported as
	// "file:line: reason" and the record is skipped.
	Decode(rec Record, opts *Options) ([]Item, error)
}

// Grouper is implemented by codecs whose traces span several records (one
// FormalStep row per step). Their records are decoded in file order on a
// single goroutine, and Flush is called after the last one.
type Grouper interface {
	Codec
	// NewGroup returns a fresh decoding state for one file.
	NewGroup() Group
}

// Group is the per-file state of a Grouper.
type Group interface {
	Decode(rec Record, opts *Options) ([]Item, error)
	Flush() ([]Item, error)
}

// Keys is the set of top-level keys of a JSON object, with their raw values.
type Keys map[string]json.RawMessage

// Has reports whether every key is present.
func (k Keys) Has(names ...string) bool {
	for _, n := range names {
		if _, ok := k[n]; !ok {
			return false
		}
	}
	return true
}

// registry lists every codec in detection order: specific shapes first, the
// loosest (chat messages) last. The generic codec is never detected.
var registry = []Codec{
	processBench{},
	prm800k{},
	prmBench{},
	deltaBench{},
	skyT1{},
	openR1{},
	mathShepherd{},
	stepRows{}, // stepwise's own steps-jsonl export
	trl{},
	formalStep{},
	safeTrace{},
	inspectLog{},
	gsm8kSolutions{},
	gsm8k{},
	math500{},
	mathFile{},
	webr{},
	r1Completion{},
	llamaFactory{},
	shareGPT{},
	openAIChat{},
	generic{}, // never detected: chosen only by --format generic
}

// Codecs returns the registered codecs in detection order.
func Codecs() []Codec {
	out := make([]Codec, len(registry))
	copy(out, registry)
	return out
}

// Lookup finds a codec by name.
func Lookup(name string) (Codec, error) {
	for _, c := range registry {
		if c.Name() == name {
			return c, nil
		}
	}
	names := make([]string, 0, len(registry))
	for _, c := range registry {
		names = append(names, c.Name())
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown format %q (known: %v)", name, names)
}

// DetectRecord picks the codec for a file from its first record.
func DetectRecord(first []byte) (Codec, error) {
	var keys Keys
	if err := json.Unmarshal(first, &keys); err != nil {
		return nil, fmt.Errorf("first record is not a JSON object: %w", err)
	}
	for _, c := range registry {
		if c.Detect(keys) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("unrecognized record shape (keys: %s); use --format to choose a codec", keyList(keys))
}

func keyList(k Keys) string {
	names := make([]string, 0, len(k))
	for n := range k {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return fmt.Sprint(names)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// negNumber matches positionals such as a -1 step or rating, which the
// flag package would take for flags.
var negNumber = regexp.MustCompile(`^-[0-9]+$`)

const negMark = "\x00neg"

func runLabel(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "label", "TRACE_ID STEP_INDEX [RATING] [flags] | --from FILE",
		"Record an annotation event, as the workbench does (durable when the command returns).\n"+
			"STEP_INDEX is 0-based (-1: the whole trace); RATING is good, neutral, bad, +1, 0, -1 or unlabeled (clears).\n"+
			"--first-error marks STEP_INDEX as the earliest wrong step (-1: no step is wrong).\n"+
			"--from FILE (- for standard input) applies JSON lines {trace_id, step, rating, error_type, note, ...}\n"+
			"in one transaction: all or none.")
	var ev stepwise.Annotation
	fs.StringVar(&ev.ErrorType, "error-type", "", "error type (from the taxonomy)")
	fs.StringVar(&ev.Note, "note", "", "free-text note")
	fs.BoolVar(&ev.FirstError, "first-error", false, "mark STEP_INDEX as the earliest wrong step")
	fs.BoolVar(&ev.Hallucinated, "hallucinated", false, "flag the step as hallucinated")
	fs.StringVar(&ev.Verdict, "verdict", "", "trace-level verdict (with STEP_INDEX -1)")
	fs.Int64Var(&ev.ElapsedMS, "elapsed-ms", 0, "time spent on the item")
	from := fs.String("from", "", "apply the events in this JSONL file")
	asJSON := fs.Bool("json", false, "print the stored events as JSON lines")
	for i, a := range args {
		if negNumber.MatchString(a) {
			args[i] = negMark + a[1:]
		}
	}
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	for i, p := range pos {
		if s, ok := cutPrefix(p, negMark); ok {
			pos[i] = "-" + s
		}
	}
	cfg, err := config.Load()
	if err != nil {
		return failed(e, "stepwise label:", err)
	}
	annotator := annotatorName(e, cfg)
	if annotator == "" {
		return usageError(e.stderr, fs, "no annotator name: pass --annotator NAME or set annotator in the config file")
	}
	var evs []stepwise.Annotation
	if *from != "" {
		if len(pos) > 0 {
			return usageError(e.stderr, fs, "--from takes no positional arguments")
		}
		if evs, err = readLabelFile(e, *from, annotator); err != nil {
			fmt.Fprintln(e.stderr, "stepwise label:", termsafe.Line(err.Error()))
			return exitUsage
		}
	} else {
		if err := labelArgs(&ev, pos); err != nil {
			return usageError(e.stderr, fs, err.Error())
		}
		ev.Annotator = annotator
		evs = []stepwise.Annotation{ev}
	}
	db, code := openStore(e, false)
	if db == nil {
		return code
	}
	defer db.Close()
	if err := checkAnswers(db, cfg, evs); err != nil {
		fmt.Fprintln(e.stderr, "stepwise label:", termsafe.Line(err.Error()))
		return exitUsage
	}
	stored, err := db.AnnotateMany(evs)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise label:", termsafe.Line(err.Error()))
		var amb *store.AmbiguousError
		switch {
		case errors.Is(err, store.ErrNotFound) || errors.As(err, &amb):
			return exitNotFound
		case errors.Is(err, store.ErrInvalidAnnotation):
			return exitUsage
		}
		return exitError
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, s := range stored {
			enc.Encode(s)
		}
		return exitOK
	}
	if len(stored) == 1 {
		s := stored[0]
		fmt.Fprintf(e.stdout, "saved event %d: %s, %s step %d\n", s.Seq, termsafe.Line(s.Annotator), termsafe.Line(s.TraceID), s.Step)
	} else {
		fmt.Fprintf(e.stdout, "saved %d events (%d to %d)\n", len(stored), stored[0].Seq, stored[len(stored)-1].Seq)
	}
	return exitOK
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

// labelArgs reads TRACE_ID STEP_INDEX [RATING].
func labelArgs(ev *stepwise.Annotation, pos []string) error {
	if len(pos) < 2 || len(pos) > 3 {
		return errors.New("want TRACE_ID STEP_INDEX [RATING]")
	}
	ev.TraceID = pos[0]
	step, err := strconv.Atoi(pos[1])
	if err != nil {
		return fmt.Errorf("STEP_INDEX %q is not a number", pos[1])
	}
	ev.Step = step
	if len(pos) == 3 {
		if ev.Rating, err = stepwise.ParseRating(pos[2]); err != nil {
			return err
		}
	} else if !ev.FirstError && ev.Verdict == "" && ev.Note == "" {
		return errors.New("want a RATING (or --first-error, --verdict or --note)")
	}
	return nil
}

// readLabelFile reads events, one JSON object per line, naming the line of
// a bad one. The annotator defaults to the command's.
func readLabelFile(e *env, path, annotator string) ([]stepwise.Annotation, error) {
	var r io.Reader = e.stdin
	name := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, name = f, path
	}
	var out []stepwise.Annotation
	br := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(b); len(t) > 0 {
			var ev stepwise.Annotation
			if jerr := json.Unmarshal(t, &ev); jerr != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, jerr)
			}
			if ev.Annotator == "" {
				ev.Annotator = annotator
			}
			ev.Seq = 0
			out = append(out, ev)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no events", name)
	}
	return out, nil
}

// checkAnswers checks the events that answer schema questions against the
// schemas: the question exists, its scope fits the step, and the answer
// has the question's shape (spans inside the step's text).
func checkAnswers(db *store.DB, cfg *config.Config, evs []stepwise.Annotation) error {
	var schemas config.Schemas
	traces := map[string]*stepwise.Trace{}
	for i, ev := range evs {
		if ev.Question == "" {
			continue
		}
		if schemas == nil {
			var err error
			if schemas, err = config.LoadSchemas(filepath.Join(cfg.Dir, "schemas"), cfg.Schemas); err != nil {
				return err
			}
		}
		name, qid, _ := strings.Cut(ev.Question, "/")
		s := schemas[name]
		if s == nil {
			return fmt.Errorf("event %d: no schema %q (known: %s)", i+1, name, strings.Join(schemas.Names(), ", "))
		}
		q, ok := s.Question(qid)
		if !ok {
			return fmt.Errorf("event %d: schema %s has no question %q", i+1, name, qid)
		}
		if (q.Scope == stepwise.ScopeTrace) != (ev.Step == -1) {
			return fmt.Errorf("event %d: %s is a %s question (step %d)", i+1, ev.Question, q.Scope, ev.Step)
		}
		if ev.Answer == nil {
			continue
		}
		t := traces[ev.TraceID]
		if t == nil {
			var err error
			if t, err = db.Get(ev.TraceID); err != nil {
				return fmt.Errorf("event %d: %w", i+1, err)
			}
			traces[ev.TraceID] = t
		}
		n := 0
		if ev.Step >= 0 && ev.Step < len(t.Steps) {
			n = len(t.Steps[ev.Step].Text)
		}
		if err := ev.Answer.Check(q, n); err != nil {
			return fmt.Errorf("event %d: %w", i+1, err)
		}
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runShow(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "show", "ID", "Print one trace: problem, steps and their labels. ID is a trace id, a source id, or a unique id prefix.")
	asJSON := fs.Bool("json", false, "print the whole trace and its problem as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return usageError(e.stderr, fs, "want exactly one trace id")
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	// The trace with its evidence, in one read.
	ev, err := db.Evidence(pos[0])
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise show:", termsafe.Line(err.Error()))
		var amb *store.AmbiguousError
		if errors.Is(err, store.ErrNotFound) || errors.As(err, &amb) {
			return exitNotFound
		}
		return exitError
	}
	t, p := ev.Trace, ev.Problem
	// Saved checks (stepwise verify) show in place of the stored statuses.
	stepwise.ApplyChecks(t, ev.CheckMap())
	marks := ev.Marks()
	if *asJSON {
		writeJSON(e.stdout, struct {
			*stepwise.Trace
			Problem *stepwise.Problem               `json:"problem"`
			Human   map[string]*stepwise.TraceMarks `json:"human,omitempty"`
		}{t, p, marks})
		return exitOK
	}
	w := bufio.NewWriter(e.stdout)
	printTrace(w, t, p, marks)
	w.Flush()
	return exitOK
}

// printTrace renders a trace as plain text; every field from the data goes
// through termsafe first.
func printTrace(w io.Writer, t *stepwise.Trace, p *stepwise.Problem, marks map[string]*stepwise.TraceMarks) {
	annotators := make([]string, 0, len(marks))
	for name := range marks {
		annotators = append(annotators, name)
	}
	sort.Strings(annotators)
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-13s %s\n", name+":", termsafe.Line(v))
		}
	}
	field("id", t.ID)
	field("source id", t.SourceID)
	field("dataset", t.Dataset)
	field("model", t.Model)
	field("source", fmt.Sprintf("%s:%d (%s)", t.Source.Path, t.Source.Line, t.Source.Format))
	field("final answer", t.FinalAnswer)
	field("gold answer", p.GoldAnswer)
	correct := correctText(t.Correct)
	if t.CorrectBy != "" {
		correct += " (" + t.CorrectBy + ")"
	}
	field("correct", correct)
	field("first error", firstErrText(t.FirstError()))
	field("labels", string(t.LabelState()))
	if t.Truncated {
		field("truncated", "yes: the generation was cut off")
	}
	for _, l := range t.Labels {
		field("trace label", labelText(l))
	}
	for _, name := range annotators {
		if v := marks[name].Verdict; v != "" {
			field("verdict", v+" (by "+name+")")
		}
	}
	fmt.Fprintf(w, "\nproblem (%s):\n%s\n", p.ID, indent(termsafe.Clean(p.Text)))
	section := -1
	for i := range t.Steps {
		s := &t.Steps[i]
		if si := sectionOf(t, i); si != section && si >= 0 {
			section = si
			sec := t.Sections[si]
			fmt.Fprintf(w, "\n== %s %s ==\n", sec.Kind, termsafe.Line(sec.Title))
			for _, l := range sec.Labels {
				fmt.Fprintf(w, "   section label: %s\n", termsafe.Line(labelText(l)))
			}
		}
		fmt.Fprintf(w, "\n[%d] %s %s", s.Index, badge(s.StepRating()), s.Kind)
		if s.Role != "" {
			fmt.Fprintf(w, " (%s)", termsafe.Line(s.Role))
		}
		fmt.Fprintln(w)
		for _, l := range s.Labels {
			fmt.Fprintf(w, "    label: %s\n", termsafe.Line(labelText(l)))
		}
		for _, name := range annotators {
			if sm, ok := marks[name].Steps[i]; ok {
				fmt.Fprintf(w, "    human: %s\n", termsafe.Line(markText(name, sm)))
			}
		}
		if s.Tool != nil {
			fmt.Fprintf(w, "    tool: %s %s\n", termsafe.Line(s.Tool.Name), termsafe.Line(s.Tool.CallID))
		}
		for _, f := range s.Formalizations {
			fmt.Fprintf(w, "    formal (%s, %s): %s\n", f.Origin, statusText(f), termsafe.Line(f.Statement))
			if f.Status == stepwise.StatusDisproved || f.Status == stepwise.StatusVacuous {
				fmt.Fprintf(w, "      %s (%s)\n", termsafe.Line(evidenceHead(f.Evidence)), termsafe.Line(strings.Join(f.Messages, "; ")))
			}
		}
		fmt.Fprintln(w, indent(termsafe.Clean(s.Text)))
	}
}

func statusText(f stepwise.Formalization) string {
	if f.Status == stepwise.StatusStored && f.StoredState != "" {
		return "stored: " + f.StoredState
	}
	if f.Backend != "" {
		return string(f.Status) + " by " + f.Backend
	}
	return string(f.Status)
}

// sectionOf is the section holding step i, or -1.
func sectionOf(t *stepwise.Trace, i int) int {
	for si, s := range t.Sections {
		if i >= s.FirstStep && i < s.EndStep {
			return si
		}
	}
	return -1
}

func badge(r stepwise.Rating) string {
	return [...]string{"·", "✓", "○", "✗"}[r]
}

func labelText(l stepwise.Label) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s", l.Rating, l.Source, l.Origin)
	if l.OrigIndex >= 0 && l.Scope != stepwise.ScopeTrace {
		fmt.Fprintf(&b, ", source index %d in base %d", l.OrigIndex, l.Base)
	}
	b.WriteString(")")
	if l.FirstError {
		b.WriteString(" first error")
	}
	if l.Category != "" {
		b.WriteString(" [" + l.Category + "]")
	}
	if l.Reason != "" {
		b.WriteString(": " + l.Reason)
	}
	if len(l.Alternatives) > 0 {
		fmt.Fprintf(&b, " (+%d alternatives)", len(l.Alternatives))
	}
	return b.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// evidenceHead is the first section of a check's evidence on one line
// ("counterexample: b = 3, x = -2").
func evidenceHead(ev string) string {
	label, rest, _ := strings.Cut(strings.TrimSpace(ev), "\n")
	first, _, _ := strings.Cut(rest, "\n")
	return strings.TrimSpace(label + " " + first)
}

// markText describes an annotator's current label of a step.
func markText(who string, sm stepwise.StepMark) string {
	s := sm.Rating.String() + " by " + who
	var extra []string
	if sm.Hallucinated {
		extra = append(extra, "hallucinated")
	}
	if sm.ErrorType != "" {
		extra = append(extra, sm.ErrorType)
	}
	if sm.Implied {
		extra = append(extra, "implied by a first-error mark")
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	if sm.Note != "" {
		s += ": " + sm.Note
	}
	return s
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"syscall"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runLs(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "ls", "[filters]", "List traces in import order.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per trace per line")
	difficulty := difficultyFlag(fs)
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	if err := checkDifficulty(*difficulty); err != nil {
		return usageError(e.stderr, fs, err.Error())
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	if err := selectDifficulty(ctx, db, &f, *difficulty); err != nil {
		return failed(e, "stepwise ls:", err)
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var emit func(store.Summary) error
	var tw *tabwriter.Writer
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		emit = func(s store.Summary) error { return enc.Encode(lsRow(s)) }
	} else {
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDATASET\tMODEL\tSTEPS\tCORRECT\tFIRST_ERR\tLABELS")
		emit = func(s store.Summary) error {
			_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", termsafe.Line(s.ID), termsafe.Line(s.Dataset),
				termsafe.Line(s.Model), s.Steps, correctText(s.Correct), firstErrText(s.FirstError), strip(s.Strip, 40))
			return err
		}
	}
	err := db.List(f, emit)
	if tw != nil {
		tw.Flush()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil && !errors.Is(err, syscall.EPIPE) {
		return failed(e, "stepwise ls:", err)
	}
	return exitOK
}

// lsJSON is the stable `ls --json` row.
type lsJSON struct {
	ID          string `json:"id"`
	SourceID    string `json:"source_id"`
	Dataset     string `json:"dataset"`
	Model       string `json:"model"`
	ProblemID   string `json:"problem_id"`
	Steps       int    `json:"steps"`
	FinalAnswer string `json:"final_answer"`
	Correct     *bool  `json:"correct"`
	// CorrectBy says how Correct was decided: "source: <field>" when the
	// dataset stated it, "grader N: <method>" when the answer grader did.
	CorrectBy  string `json:"correct_by"`
	FirstError *int   `json:"first_error"`
	Truncated  bool   `json:"truncated"`
	LabelState string `json:"label_state"`
	Strip      string `json:"strip"`
	Format     string `json:"format"`
	Path       string `json:"path"`
	Line       int    `json:"line"`
}

func lsRow(s store.Summary) lsJSON {
	return lsJSON{ID: s.ID, SourceID: s.SourceID, Dataset: s.Dataset, Model: s.Model, ProblemID: s.ProblemID,
		Steps: s.Steps, FinalAnswer: s.FinalAnswer, Correct: s.Correct, CorrectBy: s.CorrectBy, FirstError: s.FirstError,
		Truncated: s.Truncated, LabelState: string(s.LabelState), Strip: s.Strip,
		Format: s.Source.Format, Path: s.Source.Path, Line: s.Source.Line}
}

func correctText(c *bool) string {
	switch {
	case c == nil:
		return "?"
	case *c:
		return "yes"
	}
	return "no"
}

func firstErrText(fe *int) string {
	switch {
	case fe == nil:
		return "-"
	case *fe == -1:
		return "none"
	}
	return strconv.Itoa(*fe)
}

func strip(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

// writeJSONLines writes one compact JSON object per row, the shape of every
// command's --json listing.
func writeJSONLines[T any](w io.Writer, rows []T) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		enc.Encode(r)
	}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

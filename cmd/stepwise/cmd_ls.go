package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

func runLs(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "ls", "[filters]", "List traces, in import order unless --sort says otherwise.")
	var f store.Filter
	filterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "one JSON object per trace per line")
	var order store.Order
	fs.Func("sort", "order by a key: "+sortKeyList()+" (traces without a value last)", func(v string) error {
		order.Key = store.SortKey(v)
		if !slices.Contains(store.SortKeys(), order.Key) || v == "" {
			return fmt.Errorf("want one of %s", sortKeyList())
		}
		return nil
	})
	fs.BoolVar(&order.Desc, "desc", false, "with --sort: descending")
	if code, ok := parseNoArgs(e, fs, args, &f); !ok {
		return code
	}
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var emit func(store.Summary) error
	var tw *tabwriter.Writer
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		emit = func(s store.Summary) error { return enc.Encode(lsRow(s)) }
	} else {
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDATASET\tMODEL\tSTEPS\tTOKENS\tCORRECT\tFIRST_ERR\tLABELS")
		emit = func(s store.Summary) error {
			_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", termsafe.Line(s.ID), termsafe.Line(s.Dataset),
				termsafe.Line(s.Model), s.Steps, tokensText(s.Usage), correctText(s.Correct), firstErrText(s.FirstError), strip(s.Strip, 40))
			return err
		}
	}
	err := listIn(ctx, db, f, order, emit)
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

// sortKeyList names the sort keys --sort takes.
func sortKeyList() string {
	var names []string
	for _, k := range store.SortKeys() {
		if k != store.SortImport {
			names = append(names, string(k))
		}
	}
	return strings.Join(names, ", ")
}

// listIn calls emit with the summaries f selects in order, its offset
// and limit counted in that order.
func listIn(ctx context.Context, db *store.DB, f store.Filter, order store.Order, emit func(store.Summary) error) error {
	if order.Key == store.SortImport && !order.Desc {
		return db.List(f, emit)
	}
	skip, left := f.Offset, f.Limit
	f.Offset, f.Limit = 0, 0
	errDone := errors.New("limit reached")
	err := db.Seqs(ctx, f, order, func(seqs []uint64) error {
		n := min(skip, len(seqs))
		skip -= n
		seqs = seqs[n:]
		if left > 0 && len(seqs) > left {
			seqs = seqs[:left]
		}
		ss, err := db.Summaries(seqs)
		if err != nil {
			return err
		}
		for _, s := range ss {
			if err := emit(s); err != nil {
				return err
			}
		}
		if left > 0 {
			if left -= len(ss); left == 0 {
				return errDone
			}
		}
		return nil
	})
	if errors.Is(err, errDone) {
		return nil
	}
	return err
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
	// Usage is what the source recorded generating the trace cost; Tools
	// its tool use (absent without a tool call).
	Usage *stepwise.Usage `json:"usage"`
	Tools *lsTools        `json:"tools,omitempty"`
}

type lsTools struct {
	Calls    int `json:"tool_calls"`
	Search   int `json:"search_calls"`
	Rounds   int `json:"rounds"`
	Repeated int `json:"repeated_calls"`
	Failed   int `json:"failed_calls"`
}

func lsRow(s store.Summary) lsJSON {
	return lsJSON{ID: s.ID, SourceID: s.SourceID, Dataset: s.Dataset, Model: s.Model, ProblemID: s.ProblemID,
		Steps: s.Steps, FinalAnswer: s.FinalAnswer, Correct: s.Correct, CorrectBy: s.CorrectBy, FirstError: s.FirstError,
		Truncated: s.Truncated, LabelState: string(s.LabelState), Strip: s.Strip,
		Format: s.Source.Format, Path: s.Source.Path, Line: s.Source.Line, Usage: s.Usage, Tools: toolsRow(s.Tools)}
}

func toolsRow(u stepwise.ToolUse) *lsTools {
	if u.Calls == 0 {
		return nil
	}
	return &lsTools{u.Calls, u.Search, u.Rounds, u.Repeated, u.Failed}
}

// tokensText is a trace's prompt + completion tokens, "-" where the
// source recorded none.
func tokensText(u *stepwise.Usage) string {
	if u == nil || u.PromptTokens+u.CompletionTokens == 0 {
		return "-"
	}
	return strconv.Itoa(u.PromptTokens + u.CompletionTokens)
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

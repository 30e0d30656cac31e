// Package hfdataset writes an export as a Hugging Face dataset folder: the
// data file under data/ and a README.md dataset card whose YAML front
// matter names the configs, the features, the licence and the sources, so
// that `datasets.load_dataset(folder)` reads it and `huggingface-cli
// upload` publishes it; the card's text gives the provenance of every
// source dataset, what the labels mean, and who labelled with what
// agreement.
package hfdataset

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/store/formats"
)

// source is what is known of a public dataset stepwise imports: where it
// comes from and under what licence (facts from each project's repository;
// "" when the project states none).
type source struct {
	repo, licence string
}

// sources by the first part of a dataset name.
var sources = map[string]source{
	"processbench": {"QwenLM/ProcessBench", "apache-2.0"},
	"prm800k":      {"openai/prm800k", "mit"},
	"prmbench":     {"ssmisya/PRMBench", "apache-2.0"},
	"gsm8k":        {"openai/grade-school-math", "mit"},
	"math":         {"hendrycks/math", "mit"},
	"math500":      {"HuggingFaceH4/MATH-500 (from hendrycks/math)", "mit"},
	"sky-t1":       {"NovaSky-AI/SkyThought", "apache-2.0"},
	"deltabench":   {"OpenStellarTeam/DeltaBench", ""},
}

// Options say what to export and where.
type Options struct {
	// Dir is the dataset folder; it must not exist yet.
	Dir    string
	Export store.ExportOptions
}

// Result is what was written.
type Result struct {
	DataFile string
	Card     string
	Report   *store.ExportReport
}

// Write exports into Dir/data/<format>.<ext> and writes Dir/README.md.
func Write(ctx context.Context, db *store.DB, o Options) (*Result, error) {
	if err := os.Mkdir(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("dataset folder: %w (name a new folder)", err)
	}
	if err := os.Mkdir(filepath.Join(o.Dir, "data"), 0o755); err != nil {
		return nil, err
	}
	ext := ".jsonl"
	if o.Export.Format == "steps-parquet" {
		ext = ".parquet"
	}
	name := configName(o.Export.Format)
	data := filepath.Join(o.Dir, "data", name+ext)
	rep, err := db.ExportFile(ctx, data, o.Export, false)
	if err != nil {
		return nil, err
	}
	features, err := featuresOf(data, ext)
	if err != nil {
		return nil, err
	}
	features = withAnswerFeatures(features, rep.AnswerColumns)
	card, err := cardText(ctx, db, o, name, "data/"+name+ext, features, rep)
	if err != nil {
		return nil, err
	}
	cardPath := filepath.Join(o.Dir, "README.md")
	if err := os.WriteFile(cardPath, []byte(card), 0o644); err != nil {
		return nil, err
	}
	return &Result{DataFile: data, Card: cardPath, Report: rep}, nil
}

// configName is a config name for an export format ("steps-parquet" →
// "steps").
func configName(format string) string {
	return strings.TrimSuffix(strings.TrimSuffix(format, "-parquet"), "-jsonl")
}

// feature is one column of the card's dataset_info: a dtype, or the YAML
// lines that follow its name (a nested type).
type feature struct{ name, dtype, nested string }

// answerFeature is the feature of a schema question's column, by kind
// (formats.AnswerColumn): a list of strings is a sequence, a span list a
// list of {start, end, text}. The kind says what the file's first row or
// Parquet schema cannot: a null's type, a list's element.
func answerFeature(c formats.AnswerColumn) feature {
	switch c.Kind {
	case stepwise.KindBoolean:
		return feature{name: c.Name, dtype: "bool"}
	case stepwise.KindNumber:
		return feature{name: c.Name, dtype: "float64"}
	case stepwise.KindManyOf, stepwise.KindTexts:
		return feature{name: c.Name, nested: "    sequence: string\n"}
	case stepwise.KindSpan:
		return feature{name: c.Name, nested: "    list:\n    - name: start\n      dtype: int64\n    - name: end\n      dtype: int64\n" +
			"    - name: text\n      dtype: string\n"}
	}
	return feature{name: c.Name, dtype: "string"}
}

// withAnswerFeatures puts the answer columns' features in place of those
// read from the file (or after them).
func withAnswerFeatures(fs []feature, cols []formats.AnswerColumn) []feature {
	at := map[string]int{}
	for i, f := range fs {
		at[f.name] = i
	}
	for _, c := range cols {
		if i, ok := at[c.Name]; ok {
			fs[i] = answerFeature(c)
		} else {
			fs = append(fs, answerFeature(c))
		}
	}
	return fs
}

// featuresOf reads the columns of the written file: a Parquet file's
// schema, or the first JSON line's fields.
func featuresOf(path, ext string) ([]feature, error) {
	if ext == ".parquet" {
		return parquetFeatures(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, 1<<20).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return nil, err
	}
	var rec map[string]any
	if len(strings.TrimSpace(string(line))) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, fmt.Errorf("%s: first line: %w", path, err)
	}
	var out []feature
	for k, v := range rec {
		out = append(out, feature{name: k, dtype: jsonDtype(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// jsonDtype is the `datasets` dtype of a JSON value ("list" and "struct"
// for nested ones, which load_dataset infers from the file).
func jsonDtype(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case float64:
		if x == float64(int64(x)) {
			return "int64"
		}
		return "float64"
	case []any:
		return "list"
	case map[string]any:
		return "struct"
	}
	return "null"
}

// cardText is the README.md: YAML front matter, then the card.
func cardText(ctx context.Context, db *store.DB, o Options, config, file string, features []feature, rep *store.ExportReport) (string, error) {
	st, err := db.Stats()
	if err != nil {
		return "", err
	}
	ag, err := db.Agreement(ctx, store.AgreementOptions{Dataset: o.Export.Filter.Dataset})
	if err != nil {
		return "", err
	}
	datasets := exportedDatasets(st, o.Export.Filter.Dataset)
	licence, licences := licenceOf(datasets)
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "license: %s\n", licence)
	fmt.Fprintf(&b, "pretty_name: %q\n", "stepwise export: "+o.Export.Format)
	b.WriteString("tags:\n- process-supervision\n- chain-of-thought\n- stepwise\n")
	fmt.Fprintf(&b, "configs:\n- config_name: %s\n  default: true\n  data_files:\n  - split: train\n    path: %s\n", config, file)
	if len(features) > 0 {
		fmt.Fprintf(&b, "dataset_info:\n  config_name: %s\n  features:\n", config)
		for _, f := range features {
			if f.nested != "" {
				fmt.Fprintf(&b, "  - name: %s\n%s", f.name, f.nested)
				continue
			}
			if f.dtype == "list" || f.dtype == "struct" || f.dtype == "null" {
				continue // nested types are inferred from the file
			}
			fmt.Fprintf(&b, "  - name: %s\n    dtype: %s\n", f.name, f.dtype)
		}
		fmt.Fprintf(&b, "  splits:\n  - name: train\n    num_examples: %d\n", rep.Written)
	}
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "# stepwise export: %s\n\n", o.Export.Format)
	fmt.Fprintf(&b, "%d records from %d traces, written by stepwise (`export --format %s`).\n\n", rep.Written, rep.Traces, o.Export.Format)
	b.WriteString("## Sources\n\n| dataset | traces | from | licence |\n|---|---|---|---|\n")
	for _, d := range datasets {
		s, ok := sources[strings.SplitN(d.name, "/", 2)[0]]
		repo, lic := s.repo, s.licence
		if !ok {
			repo = "unknown"
		}
		if lic == "" {
			lic = "not stated: check before publishing"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", d.name, d.traces, repo, lic)
	}
	if len(licences) > 1 {
		b.WriteString("\nThe sources carry different licences; the data keeps each source's.\n")
	}
	fmt.Fprintf(&b, "\n## Labels\n\n%s\n", labelSemantics(o.Export.Format, string(o.Export.Labels)))
	if len(rep.AnswerColumns) > 0 {
		b.WriteString("\nAnswers to label-schema questions, one column each (null where unanswered; a trace question's answer on every row of the trace):\n\n| column | question | kind |\n|---|---|---|\n")
		for _, c := range rep.AnswerColumns {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Name, cardCell(c.Question), c.Kind)
		}
	}
	b.WriteString("\n## Annotators and agreement\n\n")
	if len(ag.Annotators) == 0 {
		b.WriteString("No human labels: the labels are the source datasets' own.\n")
	} else {
		fmt.Fprintf(&b, "Annotators: %s.\n\n| label kind | Krippendorff's α | pairable values |\n|---|---|---|\n", strings.Join(ag.Annotators, ", "))
		for _, k := range ag.Kinds {
			if k.Alpha.Defined() {
				fmt.Fprintf(&b, "| %s | %.3f | %d |\n", k.Kind, k.Alpha.Value, k.Alpha.N)
			} else {
				fmt.Fprintf(&b, "| %s | — | %d |\n", k.Kind, k.Alpha.N)
			}
		}
	}
	return b.String(), nil
}

type datasetCount struct {
	name   string
	traces int
}

// exportedDatasets are the datasets of the store the filter covers.
func exportedDatasets(st *store.Stats, filter string) []datasetCount {
	var out []datasetCount
	for name, n := range st.By["dataset"] {
		if filter == "" || name == filter || strings.HasPrefix(name, filter+"/") {
			out = append(out, datasetCount{name, n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// licenceOf is the card's licence: the sources' one when they agree and
// state one, else "other".
func licenceOf(ds []datasetCount) (string, map[string]bool) {
	seen := map[string]bool{}
	for _, d := range ds {
		s := sources[strings.SplitN(d.name, "/", 2)[0]]
		seen[s.licence] = true
	}
	if len(seen) == 1 {
		for l := range seen {
			if l != "" {
				return l, seen
			}
		}
	}
	return "other", seen
}

// labelSemantics says what a format's labels mean.
func labelSemantics(format, labels string) string {
	if labels == "" {
		labels = "merged"
	}
	who := map[string]string{"human": "people's labels only", "source": "the source datasets' labels only",
		"merged": "a person's label where there is one, else the source dataset's"}[labels]
	what := map[string]string{
		"processbench":  "`label` is the 0-based index of the earliest wrong step, -1 when every step is right.",
		"prm800k":       "each step's `rating` is +1 (good), 0 (neutral) or -1 (wrong); `flagged` marks a hallucination.",
		"prmbench":      "`error_steps` are the 1-based wrong steps; `classification` the kind of error.",
		"trl":           "`labels` holds one boolean per completion step: true when the step is right.",
		"math-shepherd": "each step ends with the tag `ки`; `label` replaces the tags by `+` (right) or `-` (wrong).",
		"steps-jsonl":   "one row per step: `rating` good/neutral/bad, `label` +1/0/-1 (null when unlabeled), `first_error` the trace's earliest wrong step.",
		"steps-parquet": "one row per step: `rating` good/neutral/bad, `label` +1/0/-1 (null when unlabeled), `first_error` the trace's earliest wrong step.",
		"dpo":           "`chosen` is a correct solution of the prompt's problem, `rejected` a wrong one.",
		"sft":           "correct solutions only.",
	}[format]
	if what == "" {
		what = "see the stepwise README's export reference."
	}
	return what + " Labels: " + who + ". A step after a ProcessBench first error is unlabeled, not correct."
}

// cardCell writes untrusted text as one cell of a Markdown table: no pipe
// closes the cell and no line break ends the row.
func cardCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\r", " ", "\n", " ").Replace(s)
}

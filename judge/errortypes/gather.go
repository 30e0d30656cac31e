package errortypes

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store"
)

// DefaultQuestion is where keyphrases are answered: the bundled SEI
// schema's texts question.
const DefaultQuestion = "sei/error_keyphrases"

// Gather reads the cases from the store: every trace (of the dataset, when
// one is given) where an annotator's current answer to question lists
// keyphrases, one case per trace and annotator. Events on hidden gold
// items are left out.
func Gather(ctx context.Context, db *store.DB, dataset, question string) ([]Case, error) {
	if question == "" {
		question = DefaultQuestion
	}
	byTrace := map[string][]stepwise.Annotation{}
	var order []string
	err := db.AllEvents(store.EventFilter{Dataset: dataset, NoGold: true}, func(e store.Event) error {
		if len(byTrace) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, ok := byTrace[e.TraceID]; !ok {
			order = append(order, e.TraceID)
		}
		byTrace[e.TraceID] = append(byTrace[e.TraceID], e.Annotation)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, id := range order {
		marks := stepwise.FoldAnnotations(byTrace[id], 0)
		for _, who := range slices.Sorted(maps.Keys(marks)) {
			a, ok := marks[who].Answers[stepwise.AnswerKey{Step: -1, Question: question}]
			if !ok || len(a.Answer.Texts) == 0 {
				continue
			}
			out = append(out, Case{TraceID: id, Annotator: who, Phrases: a.Answer.Texts})
		}
	}
	return out, nil
}

// ExportRecord is one bad case in an error type's file: what SEI's
// targeted synthesis takes as input.
type ExportRecord struct {
	ErrorType  string   `json:"error_type"`
	TraceID    string   `json:"trace_id"`
	Dataset    string   `json:"dataset"`
	Problem    string   `json:"problem"`
	GoldAnswer string   `json:"gold_answer,omitempty"`
	Response   string   `json:"response"`
	Keyphrases []string `json:"keyphrases"`
}

// Export writes the bad cases of each cluster to dir/<type>.jsonl (dir must
// not exist yet) and returns the files written.
func Export(ctx context.Context, db *store.DB, clusters []Cluster, cases []Case, dir string) ([]string, error) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w (name a new folder)", err)
	}
	phrasesOf := map[string][]string{}
	for _, c := range cases {
		phrasesOf[c.TraceID] = append(phrasesOf[c.TraceID], c.Phrases...)
	}
	var files []string
	used := map[string]int{}
	for _, cl := range clusters {
		name := fileName(cl.Name, used)
		path := filepath.Join(dir, name+".jsonl")
		if err := writeCluster(ctx, db, cl, phrasesOf, path); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

func writeCluster(ctx context.Context, db *store.DB, cl Cluster, phrasesOf map[string][]string, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, id := range cl.Cases {
		if err := ctx.Err(); err != nil {
			f.Close()
			return err
		}
		t, err := db.Get(id)
		if err != nil {
			f.Close()
			return fmt.Errorf("export %s: %w", id, err)
		}
		p, err := db.TraceProblem(t)
		if err != nil {
			f.Close()
			return fmt.Errorf("export %s: %w", id, err)
		}
		if err := enc.Encode(ExportRecord{ErrorType: cl.Name, TraceID: t.ID, Dataset: t.Dataset, Problem: p.Text,
			GoldAnswer: p.GoldAnswer, Response: t.Raw, Keyphrases: phrasesOf[id]}); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileName makes a type's name a file name: letters, digits and dashes,
// numbered when two names come out the same.
func fileName(name string, used map[string]int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "type"
	}
	if len(s) > 60 {
		s = s[:60]
	}
	used[s]++
	if used[s] > 1 {
		s = fmt.Sprintf("%s-%d", s, used[s])
	}
	return s
}

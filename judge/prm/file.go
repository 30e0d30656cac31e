// Package prm brings process reward model scores into stepwise as
// evidence: per-step scores read from JSONL files, or computed by a vLLM
// server that serves a PRM through its pooling API (Qwen2.5-Math-PRM and
// the like). The store keeps them (store.PRMScores); the scorecard scores
// them against reference labels like any other source.
package prm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// Record is one line of a score file: a trace's step scores by one PRM.
type Record struct {
	Line int
	// ID is a trace id or a source id.
	ID    string
	Model string
	// Steps are probabilities that each step is correct; NoScore (-1)
	// where the line gave null.
	Steps []float64
}

// NoScore marks a step without a score (store.NoScore).
const NoScore = -1.0

// maxLine bounds one line of a score file.
const maxLine = 16 << 20

// fileLine is the accepted shape: {"id" | "trace_id" | "source_id": ...,
// "model": optional, "scores" | "step_scores": [p, null, [neg, pos], ...]}.
type fileLine struct {
	ID         string            `json:"id"`
	TraceID    string            `json:"trace_id"`
	SourceID   string            `json:"source_id"`
	Model      string            `json:"model"`
	Scores     []json.RawMessage `json:"scores"`
	StepScores []json.RawMessage `json:"step_scores"`
}

// ReadFile reads a JSONL score file. Each line names a trace (id,
// trace_id or source_id), optionally its PRM (model; else defaultModel),
// and one score per step: a probability, null, or a [negative, positive]
// pair as vLLM returns (the positive one is kept). Bad lines are reported
// as "path:line: reason" and skipped; good ones are returned.
func ReadFile(r io.Reader, path, defaultModel string) ([]Record, []error) {
	var out []Record
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		rec, err := parseLine(line, defaultModel)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", path, n, err))
			continue
		}
		rec.Line = n
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", path, n+1, err))
	}
	return out, errs
}

func parseLine(line []byte, defaultModel string) (Record, error) {
	var fl fileLine
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&fl); err != nil {
		return Record{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return Record{}, fmt.Errorf("more than one JSON value on the line")
	}
	rec := Record{Model: fl.Model}
	ids := 0
	for _, id := range []string{fl.ID, fl.TraceID, fl.SourceID} {
		if id != "" {
			rec.ID = id
			ids++
		}
	}
	switch {
	case ids == 0:
		return Record{}, fmt.Errorf("no id, trace_id or source_id")
	case ids > 1:
		return Record{}, fmt.Errorf("more than one of id, trace_id and source_id")
	}
	if rec.Model == "" {
		rec.Model = defaultModel
	}
	if rec.Model == "" {
		return Record{}, fmt.Errorf("no model: name the PRM on the line or with --name")
	}
	if strings.ContainsAny(rec.Model, "\x00\n") {
		return Record{}, fmt.Errorf("model name %q: one line, no NUL", rec.Model)
	}
	raw := fl.Scores
	if raw == nil {
		raw = fl.StepScores
	}
	if raw == nil {
		return Record{}, fmt.Errorf("no scores")
	}
	for i, r := range raw {
		s, err := score(r)
		if err != nil {
			return Record{}, fmt.Errorf("step %d: %w", i, err)
		}
		rec.Steps = append(rec.Steps, s)
	}
	return rec, nil
}

// score reads a probability, null or a [negative, positive] pair.
func score(r json.RawMessage) (float64, error) {
	r = bytes.TrimSpace(r)
	if bytes.Equal(r, []byte("null")) {
		return NoScore, nil
	}
	var p float64
	if err := json.Unmarshal(r, &p); err == nil {
		return probability(p)
	}
	var pair []float64
	if err := json.Unmarshal(r, &pair); err != nil || len(pair) != 2 {
		return 0, fmt.Errorf("score %s: want a probability, null or a [negative, positive] pair", clip(string(r), 40))
	}
	return pairScore(pair)
}

func probability(p float64) (float64, error) {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("score %v is not a probability in [0, 1]", p)
	}
	return p, nil
}

// pairScore is the positive class of a [negative, positive] pair, which
// must sum to 1 (a softmax), within float error.
func pairScore(pair []float64) (float64, error) {
	neg, err1 := probability(pair[0])
	pos, err2 := probability(pair[1])
	if err1 != nil || err2 != nil || math.Abs(neg+pos-1) > 1e-3 {
		return 0, fmt.Errorf("pair %v is not a [negative, positive] probability pair", pair)
	}
	return pos, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

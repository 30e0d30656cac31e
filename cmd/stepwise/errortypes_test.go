package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// setupErrorTypes imports ProcessBench GSM8K and records SEI keyphrases on
// five traces by two annotators, through `label --from`.
func setupErrorTypes(t *testing.T) (db string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("STEPWISE_CONFIG", "")
	db = filepath.Join(dir, "s.db")
	if code, _, errs := runCLI(t, "", "--db", db, "import", filepath.Join(sampleDir, "processbench", "gsm8k_0-99_and_200-299.json")); code != exitOK {
		t.Fatal(errs)
	}
	phrases := map[string][]string{
		"gsm8k-0": {"wrong sign", "unit conversion"}, "gsm8k-1": {"sign error"}, "gsm8k-2": {"Sign error.", "misread the question"},
		"gsm8k-3": {"wrong unit conversion"}, "gsm8k-4": {"misreading question"},
	}
	var lines strings.Builder
	for id, ps := range phrases {
		b, _ := json.Marshal(ps)
		fmt.Fprintf(&lines, `{"trace_id":%q,"step":-1,"question":"sei/error_keyphrases","answer":{"texts":%s}}`+"\n", id, b)
	}
	// A second annotator on one trace; an answer then cleared is no case.
	lines.WriteString(`{"trace_id":"gsm8k-5","step":-1,"question":"sei/error_keyphrases","answer":{"texts":["sign error"]},"annotator":"bo"}` + "\n")
	lines.WriteString(`{"trace_id":"gsm8k-6","step":-1,"question":"sei/error_keyphrases","answer":{"texts":["typo"]}}` + "\n")
	lines.WriteString(`{"trace_id":"gsm8k-6","step":-1,"question":"sei/error_keyphrases"}` + "\n")
	if code, _, errs := runCLI(t, lines.String(), "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Fatal(errs)
	}
	return db
}

type clusterJSON struct {
	Name    string   `json:"name"`
	Decided bool     `json:"decided"`
	Cases   []string `json:"cases"`
}

func clustersOf(t *testing.T, db string, args ...string) []clusterJSON {
	t.Helper()
	code, out, errs := runCLI(t, "", append([]string{"--db", db, "errortypes", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("errortypes: %d %s", code, errs)
	}
	var cs []clusterJSON
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var c clusterJSON
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		cs = append(cs, c)
	}
	return cs
}

func TestErrorTypesFromKeyphrases(t *testing.T) {
	db := setupErrorTypes(t)
	cs := clustersOf(t, db)
	if len(cs) != 3 || cs[0].Name != "sign error" || len(cs[0].Cases) != 4 {
		t.Fatalf("proposals %+v", cs)
	}
	for _, c := range cs {
		if strings.Contains(c.Name, "typo") {
			t.Fatalf("a cleared answer still counts: %+v", cs)
		}
	}
	// Decisions stick.
	for _, args := range [][]string{{"accept", "sign error", "--name", "sign"}, {"accept", "unit conversion"},
		{"merge", "sign", "unit conversion", "--name", "arithmetic"}, {"rename", "arithmetic", "calculation"}} {
		if code, _, errs := runCLI(t, "", append([]string{"--db", db, "errortypes"}, args...)...); code != exitOK {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	cs = clustersOf(t, db)
	if !cs[0].Decided || cs[0].Name != "calculation" || len(cs[0].Cases) != 5 {
		t.Fatalf("after decisions %+v", cs)
	}
	out := filepath.Join(t.TempDir(), "cases")
	if code, _, errs := runCLI(t, "", "--db", db, "errortypes", "--export", out); code != exitOK {
		t.Fatal(errs)
	}
	b, err := os.ReadFile(filepath.Join(out, "calculation.jsonl"))
	if err != nil || strings.Count(string(b), "\n") != 5 || !strings.Contains(string(b), `"problem":`) {
		t.Fatalf("exported cases: %v\n%s", err, b)
	}
}

// TestErrorTypesWithEmbeddings: with an embedding endpoint configured, the
// phrases are embedded (once each) and grouped by their vectors; the
// double puts every phrase with "sign" or "unit" on one axis, so both
// become one type that no word links.
func TestErrorTypesWithEmbeddings(t *testing.T) {
	db := setupErrorTypes(t)
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var data []map[string]any
		for i, s := range req.Input {
			v := []float64{0, 1}
			if strings.Contains(s, "sign") || strings.Contains(s, "unit") {
				v = []float64{1, 0}
			}
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "e", "usage": map[string]int{}})
	}))
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("[embeddings]\nbase_url = %q\nmodel = \"e\"\n", srv.URL+"/v1")), 0o644)
	t.Setenv("STEPWISE_CONFIG", cfg)
	cs := clustersOf(t, db)
	if calls != 1 || len(cs) != 2 || len(cs[0].Cases) != 5 {
		t.Fatalf("%d calls, clusters %+v", calls, cs)
	}
	if lex := clustersOf(t, db, "--lexical"); len(lex) != 3 {
		t.Fatalf("--lexical: %+v", lex)
	}
}

// TestLabelChecksAnswers: answers that do not fit their question are
// refused with a reason, before anything is written.
func TestLabelChecksAnswers(t *testing.T) {
	db := setupErrorTypes(t)
	for body, want := range map[string]string{
		`{"trace_id":"gsm8k-0","step":-1,"question":"nope/x","answer":{"text":"a"}}`:                                "no schema",
		`{"trace_id":"gsm8k-0","step":-1,"question":"sei/nope","answer":{"text":"a"}}`:                              "no question",
		`{"trace_id":"gsm8k-0","step":1,"question":"sei/bad_case","answer":{"bool":true}}`:                          "trace question",
		`{"trace_id":"gsm8k-0","step":-1,"question":"lrm-safety/thinking_harm","answer":{"choice":"extreme"}}`:      "not one of",
		`{"trace_id":"gsm8k-0","step":1,"question":"sei/error_words","answer":{"spans":[{"start":0,"end":99999}]}}`: "past the step",
	} {
		code, _, errs := runCLI(t, body+"\n", "--db", db, "label", "--from", "-", "--annotator", "ana")
		if code != exitUsage || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d %q, want %q", body, code, errs, want)
		}
	}
	ok := `{"trace_id":"gsm8k-0","step":1,"question":"sei/error_words","answer":{"spans":[{"start":0,"end":4}]}}`
	if code, _, errs := runCLI(t, ok+"\n", "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Errorf("a good span answer: %s", errs)
	}
}

// TestQuestionAgreement: agreement per schema question, against hand
// computations: two annotators give a one-of answer on three traces
// (agreeing on two: κ computed below) and select spans on one step
// (overlap F1 = 2·2/(4+4) = 0.5).
func TestQuestionAgreement(t *testing.T) {
	db := setupErrorTypes(t)
	var lines strings.Builder
	for who, choices := range map[string][]string{"ana": {"none", "low", "high"}, "bo": {"none", "low", "low"}} {
		for i, c := range choices {
			fmt.Fprintf(&lines, `{"trace_id":"gsm8k-%d","step":-1,"question":"lrm-safety/thinking_harm","answer":{"choice":%q},"annotator":%q}`+"\n", 10+i, c, who)
		}
	}
	lines.WriteString(`{"trace_id":"gsm8k-10","step":0,"question":"sei/error_words","answer":{"spans":[{"start":0,"end":4}]},"annotator":"ana"}` + "\n")
	lines.WriteString(`{"trace_id":"gsm8k-10","step":0,"question":"sei/error_words","answer":{"spans":[{"start":2,"end":6}]},"annotator":"bo"}` + "\n")
	if code, _, errs := runCLI(t, lines.String(), "--db", db, "label", "--from", "-", "--annotator", "ana"); code != exitOK {
		t.Fatal(errs)
	}
	code, out, errs := runCLI(t, "", "--db", db, "stats", "--json")
	if code != exitOK {
		t.Fatal(errs)
	}
	var st struct {
		Human struct {
			Questions []struct {
				Question string `json:"question"`
				Units    int    `json:"units"`
				Pairs    []struct {
					N     int `json:"n"`
					Kappa *struct {
						Value float64 `json:"value"`
					} `json:"kappa"`
					SpanF1 *float64 `json:"span_f1"`
				} `json:"pairs"`
			} `json:"questions"`
		} `json:"human"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for i, q := range st.Human.Questions {
		got[q.Question] = i
	}
	harm := st.Human.Questions[got["lrm-safety/thinking_harm"]]
	// Observed agreement 2/3; expected from the marginals: ana none/low/high
	// 1/3 each, bo none 1/3, low 2/3 → pe = 1/9 + 2/9 + 0 = 1/3;
	// κ = (2/3 − 1/3)/(1 − 1/3) = 0.5.
	if harm.Units != 3 || len(harm.Pairs) != 1 || harm.Pairs[0].Kappa == nil || math.Abs(harm.Pairs[0].Kappa.Value-0.5) > 1e-9 {
		t.Fatalf("thinking_harm agreement %+v", harm)
	}
	words := st.Human.Questions[got["sei/error_words"]]
	if len(words.Pairs) != 1 || words.Pairs[0].SpanF1 == nil || math.Abs(*words.Pairs[0].SpanF1-0.5) > 1e-9 {
		t.Fatalf("span agreement %+v", words)
	}
}

// TestLabelsExport: labels-jsonl holds every annotator's current answer,
// one line each, a cleared answer left out.
func TestLabelsExport(t *testing.T) {
	db := setupErrorTypes(t)
	code, out, errs := runCLI(t, "", "--db", db, "export", "--format", "labels-jsonl")
	if code != exitOK {
		t.Fatal(errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// Six answers were given (five by ana, one by bo); gsm8k-6's was cleared.
	if len(lines) != 6 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	var r struct {
		TraceID, Annotator, Question, Schema string
		Step                                 int
		Answer                               struct{ Texts []string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil || r.Schema != "sei" || r.Step != -1 || len(r.Answer.Texts) == 0 {
		t.Fatalf("first line %s: %+v %v", lines[0], r, err)
	}
	if strings.Contains(out, "typo") {
		t.Error("a cleared answer was exported")
	}
}

package prm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestReadFile(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "processbench/gsm8k:gsm8k-0", "scores": [0.9, 0.2, null]}`,
		`{"source_id": "gsm8k-1", "model": "other-prm", "step_scores": [[0.1, 0.9], [0.75, 0.25]]}`,
		``,
		`{"scores": [0.5]}`,
		`{"id": "a", "trace_id": "b", "scores": [0.5]}`,
		`{"id": "a", "scores": [1.5]}`,
		`{"id": "a", "scores": [[0.5, 0.7]]}`,
		`{"id": "a", "scores": ["x"]}`,
		`{"id": "a"}`,
		`not json`,
		`{"id": "a", "scores": [0.5]} {"id": "b"}`,
	}, "\n")
	recs, errs := ReadFile(strings.NewReader(in), "s.jsonl", "qwen-prm")
	if len(recs) != 2 {
		t.Fatalf("records %+v", recs)
	}
	if r := recs[0]; r.ID != "processbench/gsm8k:gsm8k-0" || r.Model != "qwen-prm" || fmt.Sprint(r.Steps) != "[0.9 0.2 -1]" || r.Line != 1 {
		t.Errorf("first %+v", r)
	}
	if r := recs[1]; r.ID != "gsm8k-1" || r.Model != "other-prm" || fmt.Sprint(r.Steps) != "[0.9 0.25]" {
		t.Errorf("second %+v", r)
	}
	want := []string{"s.jsonl:4: no id", "s.jsonl:5: more than one", "s.jsonl:6: step 0: score 1.5", "s.jsonl:7: step 0: pair",
		"s.jsonl:8: step 0: score", "s.jsonl:9: no scores", "s.jsonl:10: not a JSON object", "s.jsonl:11: more than one JSON value"}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d %q, want prefix %q", i, errs[i], w)
		}
	}
	if _, errs := ReadFile(strings.NewReader(`{"id":"a","scores":[0.1]}`), "f", ""); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no model") {
		t.Errorf("without a model name: %v", errs)
	}
}

func FuzzReadFile(f *testing.F) {
	f.Add(`{"id": "x", "scores": [0.9, null, [0.2, 0.8]]}`)
	f.Add(`{"source_id": "gsm8k-1", "model": "m", "step_scores": []}`)
	f.Fuzz(func(t *testing.T, s string) {
		recs, _ := ReadFile(strings.NewReader(s), "f", "m")
		for _, r := range recs {
			if r.ID == "" || r.Model == "" {
				t.Fatalf("record without id or model: %+v", r)
			}
			for _, v := range r.Steps {
				if v != NoScore && (v < 0 || v > 1 || v != v) {
					t.Fatalf("score %v passed", v)
				}
			}
		}
	})
}

// vllmDouble replays the response shape of vLLM's pooling API for a PRM
// (vllm/entrypoints/pooling/pooling/protocol.py at 01cfbaf6): one
// [negative, positive] pair per <extra_0> in the assistant turn, here
// 0.1·k for the k-th step. fail makes the first n requests answer 503.
type vllmDouble struct {
	fail     atomic.Int32
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	requests atomic.Int32
	auth     atomic.Value
	mu       sync.Mutex
	bodies   []poolingRequest
}

func (d *vllmDouble) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.requests.Add(1)
	n := d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	for {
		m := d.maxSeen.Load()
		if n <= m || d.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	d.auth.Store(r.Header.Get("Authorization"))
	if r.URL.Path != "/pooling" || r.Method != http.MethodPost {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if d.fail.Add(-1) >= 0 {
		w.Header().Set("Retry-After", "0")
		http.Error(w, `{"error": "overloaded"}`, http.StatusServiceUnavailable)
		return
	}
	var req poolingRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) != 3 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	d.bodies = append(d.bodies, req)
	d.mu.Unlock()
	tags := strings.Count(req.Messages[2].Content, StepTag)
	pairs := make([][2]float64, tags)
	for k := range pairs {
		pos := 0.1 * float64(k+1)
		pairs[k] = [2]float64{1 - pos, pos}
	}
	data, _ := json.Marshal(pairs)
	fmt.Fprintf(w, `{"id":"pool-1","object":"list","created":1730000000,"model":%q,"data":[{"index":0,"object":"pooling","data":%s}],"usage":{"prompt_tokens":42,"total_tokens":42,"completion_tokens":0,"prompt_tokens_details":null}}`,
		req.Model, data)
}

func TestClientScoresAgainstDouble(t *testing.T) {
	d := &vllmDouble{}
	srv := httptest.NewServer(d)
	defer srv.Close()
	c := New(Client{BaseURL: srv.URL + "/", Model: "Qwen/Qwen2.5-Math-PRM-7B", APIKey: "sk-test", Concurrency: 2})
	d.fail.Store(2) // two 503s, then answers: retried
	got, err := c.Score(context.Background(), "What is 1+1?", []string{"1+1 = 2.", "So the answer is 2."})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] < 0.0999 || got[0] > 0.1001 || got[1] < 0.1999 || got[1] > 0.2001 {
		t.Fatalf("scores %v", got)
	}
	if n := d.requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3 (two retried)", n)
	}
	if a := d.auth.Load(); a != "Bearer sk-test" {
		t.Errorf("authorization %v", a)
	}
	b := d.bodies[0]
	if b.Model != "Qwen/Qwen2.5-Math-PRM-7B" || b.Messages[0].Content != DefaultSystem || b.Messages[1].Content != "What is 1+1?" ||
		b.Messages[2].Content != "1+1 = 2."+StepTag+"So the answer is 2."+StepTag {
		t.Errorf("request %+v", b)
	}
	// Concurrency: many traces at once never exceed the bound.
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Score(context.Background(), "p", []string{"a", "b", "c"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := d.maxSeen.Load(); m > 2 {
		t.Errorf("%d requests in flight, bound 2", m)
	}
	// A step holding the tag is refused before anything is sent.
	if _, err := c.Score(context.Background(), "p", []string{"a" + StepTag}); !errors.Is(err, ErrStepTag) {
		t.Errorf("tag in a step: %v", err)
	}
	// A server that keeps failing: the error says so, without the key.
	d.fail.Store(100)
	c2 := New(Client{BaseURL: srv.URL, Model: "m", APIKey: "sk-secret", Retries: 1})
	_, err = c2.Score(context.Background(), "p", []string{"a"})
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "after 2 attempts") || strings.Contains(err.Error(), "sk-secret") {
		t.Errorf("failing server: %v", err)
	}
}

func TestParsePooling(t *testing.T) {
	ok := `{"object":"list","model":"m","data":[{"index":0,"object":"pooling","data":[[0.9,0.1],[0.2,0.8]]}]}`
	if s, err := ParsePooling([]byte(ok), 2); err != nil || fmt.Sprint(s) != "[0.1 0.8]" {
		t.Fatalf("%v %v", s, err)
	}
	bad := map[string]string{
		ok:            "2 step scores for 3 steps",
		`{"data":[]}`: "0 results",
		`{"data":[{"index":0,"data":[0.1,0.2]}]}`:   "not a list of",
		`{"data":[{"index":0,"data":[[0.5,0.7]]}]}`: "not a [negative, positive]",
		`{"data":[{"index":0,"data":[[0.5]]}]}`:     "1 values",
		`<html>`:                                    "not JSON",
	}
	for body, want := range bad {
		steps := 1
		if body == ok {
			steps = 3
		}
		if _, err := ParsePooling([]byte(body), steps); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

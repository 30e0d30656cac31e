package verify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

// kiminaDouble is an httptest stand-in for a Kimina Lean Server: it checks
// the bearer key, answers 429 to the first request, and replies in
// CheckResponse shape using the same stand-in verdicts as the REPL double.
type kiminaDouble struct {
	srv       *httptest.Server
	requests  atomic.Int64
	snippets  atomic.Int64
	throttled atomic.Bool
	mu        sync.Mutex
	maxBatch  int
	lastBody  kiminaRequest
}

func newKiminaDouble(t *testing.T, key string) *kiminaDouble {
	d := &kiminaDouble{}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			w.Write([]byte(`{"status":"ok"}`))
			return
		}
		if r.URL.Path != "/api/check" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		d.requests.Add(1)
		switch auth := r.Header.Get("Authorization"); {
		case auth == "":
			http.Error(w, `{"detail":"Missing API key"}`, http.StatusUnauthorized)
			return
		case auth != "Bearer "+key:
			http.Error(w, `{"detail":"Invalid API key"}`, http.StatusUnauthorized)
			return
		}
		if !d.throttled.Swap(true) {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"detail":"No available REPLs"}`, http.StatusTooManyRequests)
			return
		}
		var req kiminaRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Snippets) == 0 {
			http.Error(w, "bad request", http.StatusUnprocessableEntity)
			return
		}
		d.mu.Lock()
		d.maxBatch = max(d.maxBatch, len(req.Snippets))
		d.lastBody = req
		d.mu.Unlock()
		d.snippets.Add(int64(len(req.Snippets)))
		var results []map[string]any
		for _, s := range req.Snippets {
			results = append(results, kiminaDoubleResult(s))
		}
		json.NewEncoder(w).Encode(map[string]any{"results": results})
	}))
	t.Cleanup(d.srv.Close)
	return d
}

func kiminaDoubleResult(s kiminaSnippet) map[string]any {
	if strings.Contains(s.Code, "sleep_forever") {
		return map[string]any{"id": s.ID, "time": 30.0, "error": "Lean REPL command timed out in 30.0 seconds"}
	}
	var resp map[string]any
	json.Unmarshal([]byte(fakeREPLResponse(s.Code, new(int))), &resp)
	delete(resp, "env")
	return map[string]any{"id": s.ID, "time": 0.05, "response": resp}
}

func kiminaConfig(url string) Config {
	cfg := DefaultConfig()
	cfg.KiminaURL = url
	cfg.KiminaLinger = 50 * time.Millisecond
	cfg.Timeout = 5 * time.Second
	return cfg
}

func TestKiminaDoubleBatchesAuthAndBackoff(t *testing.T) {
	t.Setenv("STEPWISE_TESTDATA", mustAbs(t, "testdata"))
	t.Setenv("KIMINA_API_KEY", "s3cret")
	d := newKiminaDouble(t, "s3cret")
	k := NewKimina(kiminaConfig(d.srv.URL), nil)
	defer k.Close()
	stmt := "theorem test (b x : ℝ) (h₀ : x - 5 = 2 * x - b) (h₁ : x = -2) : b = 3 := by sorry"
	proofs := map[string]stepwise.ProofStatus{
		"by\n  subst h₁\n  linarith": stepwise.StatusProved,
		"by\n  exact rfl":            stepwise.StatusFailed,
		"by\n  sorry":                stepwise.StatusSorry,
		"by\n  native_decide":        stepwise.StatusProvedTrustingCompiler,
	}
	var wg sync.WaitGroup
	for body, want := range proofs {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := k.Check(context.Background(), Job{Header: DefaultHeader, Statement: stmt,
					Proof: strings.TrimSuffix(stmt, "by sorry") + body, Mode: ModeProof})
				if res.Status != want {
					t.Errorf("%q: %s (%s)", body, res.Status, res.Detail)
				}
			}()
		}
	}
	wg.Wait()
	if d.snippets.Load() != 8 {
		t.Errorf("server saw %d snippets, want 8", d.snippets.Load())
	}
	if d.maxBatch < 2 || d.requests.Load() > 6 {
		t.Errorf("not batched: %d requests (one throttled), largest batch %d", d.requests.Load(), d.maxBatch)
	}
	if !strings.HasPrefix(d.lastBody.Snippets[0].Code, "import Mathlib") || d.lastBody.Timeout < 1 || !d.lastBody.Reuse {
		t.Errorf("request body %+v", d.lastBody)
	}
	res := k.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : sleep_forever := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusTimeout {
		t.Errorf("server-side timeout: %s (%s)", res.Status, res.Detail)
	}
	if h := k.Probe(context.Background()); !h.Usable {
		t.Errorf("probe: %+v", h)
	}
}

func TestKiminaDoubleWrongKey(t *testing.T) {
	t.Setenv("STEPWISE_TESTDATA", mustAbs(t, "testdata"))
	t.Setenv("KIMINA_API_KEY", "wrong")
	d := newKiminaDouble(t, "s3cret")
	d.throttled.Store(true)
	k := NewKimina(kiminaConfig(d.srv.URL), nil)
	defer k.Close()
	res := k.Check(context.Background(), Job{Header: DefaultHeader, Statement: "theorem test : (1 : ℝ) = 1 := by sorry", Mode: ModeStatement})
	if res.Status != stepwise.StatusBackendError || !strings.Contains(res.Detail, "401") || strings.Contains(res.Detail, "wrong") {
		t.Errorf("wrong key: %s (%s)", res.Status, res.Detail)
	}
}

func TestKiminaTranscripts(t *testing.T) {
	results, err := parseKiminaResponse([]byte(testdata("kimina/check_response.json")))
	if err != nil || len(results) != 2 {
		t.Fatalf("%v %v", results, err)
	}
	o, err := kiminaOutcome(results["check-nat-test"])
	if err != nil || len(o.Messages) != 1 || o.Messages[0].Severity != "info" || o.Messages[0].Text != "Nat : Type" {
		t.Errorf("check-nat-test: %+v %v", o, err)
	}
	if _, err := kiminaOutcome(results["slow-one"]); !errors.Is(err, errLeanTimeout) {
		t.Errorf("slow-one: %v", err)
	}
	// The legacy /verify response has custom_id, not id: no result matches.
	legacy, err := parseKiminaResponse([]byte(testdata("kimina/verify_response.json")))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := legacy[""]; !ok || r.Response == nil {
		t.Errorf("legacy response not decoded: %v", legacy)
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepathAbs(p)
	must(t, err)
	return abs
}

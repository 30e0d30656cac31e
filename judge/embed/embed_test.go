package embed

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// double is a local stand-in for an OpenAI-compatible /v1/embeddings
// endpoint. It answers in the response shape OpenAI documents
// (object "list", data[] of {object "embedding", index, embedding}, model,
// usage {prompt_tokens, total_tokens}), with the data in reverse order (a
// client must place vectors by index), and a vector that encodes the text:
// [len(text), first byte].
type double struct {
	calls, fail429 atomic.Int32
	echoKey        bool
}

func (d *double) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.calls.Add(1)
	if r.URL.Path != "/v1/embeddings" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if d.echoKey {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"bad key %s","type":"invalid_request_error"}}`, r.Header.Get("Authorization"))
		return
	}
	if d.fail429.Load() > 0 {
		d.fail429.Add(-1)
		w.Header().Set("Retry-After-Ms", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":{"message":"slow down"}}`)
		return
	}
	var req struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.EncodingFormat != "float" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	}
	var data []item
	for i := len(req.Input) - 1; i >= 0; i-- {
		data = append(data, item{"embedding", i, []float64{float64(len(req.Input[i])), float64(req.Input[i][0])}})
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": len(req.Input), "total_tokens": len(req.Input)}})
}

func TestEmbedBatchesInOrder(t *testing.T) {
	d := &double{}
	srv := httptest.NewServer(d)
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL + "/v1", Model: "m", Batch: 64})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i := range 150 {
		texts = append(texts, strings.Repeat("x", i%7+1)+fmt.Sprint(i))
	}
	vs, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if v[0] != float64(len(texts[i])) || v[1] != float64(texts[i][0]) {
			t.Fatalf("vector %d = %v belongs to another text", i, v)
		}
	}
	if d.calls.Load() != 3 {
		t.Errorf("%d requests for 150 texts in batches of 64", d.calls.Load())
	}
}

func TestEmbedRetriesARateLimit(t *testing.T) {
	d := &double{}
	d.fail429.Store(2)
	srv := httptest.NewServer(d)
	defer srv.Close()
	c, _ := New(Options{BaseURL: srv.URL + "/v1", Model: "m"})
	if _, err := c.Embed(context.Background(), []string{"a", "b"}); err != nil {
		t.Fatalf("after two 429s: %v", err)
	}
	if d.calls.Load() != 3 {
		t.Errorf("%d calls, want 3", d.calls.Load())
	}
}

func TestEmbedNeverShowsTheKey(t *testing.T) {
	d := &double{echoKey: true}
	srv := httptest.NewServer(d)
	defer srv.Close()
	const key = "sk-embed-secret-987654"
	c, _ := New(Options{BaseURL: srv.URL + "/v1", Model: "m", APIKey: key})
	_, err := c.Embed(context.Background(), []string{"a"})
	if err == nil || strings.Contains(err.Error(), key) || strings.Contains(err.Error(), "embed-secret") {
		t.Fatalf("error %v", err)
	}
	if d.calls.Load() != 1 {
		t.Errorf("a 401 was retried (%d calls)", d.calls.Load())
	}
}

package judgerun

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/prm"
	"github.com/stepwise-dev/stepwise/store"
)

// poolingDouble answers like vLLM's /pooling for a PRM (the shape
// judge/prm documents): one [negative, positive] pair per step tag, the
// positive one 0.8, or 0.2 when the step mentions "=".
func poolingDouble(calls *atomic.Int32) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct {
			Model    string                     `json:"model"`
			Messages []struct{ Content string } `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) != 3 {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		steps := strings.Split(req.Messages[2].Content, prm.StepTag)
		var pairs []string
		for _, s := range steps[:len(steps)-1] {
			pos := 0.8
			if strings.Contains(s, "=") {
				pos = 0.2
			}
			pairs = append(pairs, fmt.Sprintf("[%g,%g]", 1-pos, pos))
		}
		fmt.Fprintf(w, `{"id":"pool-x","object":"list","created":1,"model":%q,"data":[{"index":0,"object":"pooling","data":[%s]}],"usage":{"prompt_tokens":1,"total_tokens":1}}`,
			req.Model, strings.Join(pairs, ","))
	}))
}

func TestScorePRMAgainstDouble(t *testing.T) {
	db := testStore(t, pbFile)
	var calls atomic.Int32
	srv := poolingDouble(&calls)
	defer srv.Close()
	c := prm.New(prm.Client{BaseURL: srv.URL, Model: "Qwen/Qwen2.5-Math-PRM-7B", Concurrency: 3})
	f := store.Filter{Limit: 20}
	sum, err := ScorePRM(context.Background(), db, f, c, PRMScoreOptions{Name: "qwen-prm"})
	if err != nil || sum.Selected != 20 || sum.Scored != 20 || len(sum.Failed) != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	var id string
	db.List(store.Filter{Limit: 1}, func(s store.Summary) error { id = s.ID; return nil })
	tr, _ := db.Get(id)
	ps, err := db.PRMScoresOf(id)
	if err != nil || len(ps) != 1 || ps[0].Model != "qwen-prm" || len(ps[0].Steps) != len(tr.Steps) ||
		!strings.HasPrefix(ps[0].Origin, "vllm:http://127.0.0.1") {
		t.Fatalf("stored %+v %v", ps, err)
	}
	for i, s := range ps[0].Steps {
		want := 0.8
		if strings.Contains(tr.Steps[i].Text, "=") {
			want = 0.2
		}
		if s < want-1e-9 || s > want+1e-9 {
			t.Errorf("step %d: %v, want %v", i, s, want)
		}
	}
	// Again: nothing to do; forced: every trace again.
	before := calls.Load()
	sum, err = ScorePRM(context.Background(), db, f, c, PRMScoreOptions{Name: "qwen-prm"})
	if err != nil || sum.Skipped != 20 || sum.Scored != 0 || calls.Load() != before {
		t.Fatalf("second run %+v %v", sum, err)
	}
	sum, err = ScorePRM(context.Background(), db, f, c, PRMScoreOptions{Name: "qwen-prm", Force: true})
	if err != nil || sum.Scored != 20 {
		t.Fatalf("forced %+v %v", sum, err)
	}
	// The scorecard takes the PRM as a source.
	rows, err := Scorecard(context.Background(), db, EvalOptions{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Source == "prm:qwen-prm" {
			found = r.Looked == 20
		}
	}
	if !found {
		t.Errorf("no prm row with 20 traces: %+v", rows)
	}
}

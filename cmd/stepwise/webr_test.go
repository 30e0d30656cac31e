package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestWebRImport: WebR instruction pairs import with the document and the
// response as sections of steps, the request as the problem, the category
// as the dataset's subset and the author persona kept.
func TestWebRImport(t *testing.T) {
	db := importInto(t, filepath.Join("..", "..", "testdata", "constructed", "webr_pairs.jsonl"))
	rows := listedTraces(t, db)
	if len(rows) != 3 || rows[0]["format"] != "webr" || rows[0]["dataset"] != "webr/WI_all" {
		t.Fatalf("traces %v", rows)
	}
	code, out, errs := runCLI(t, "", "--db", db, "show", "--json", rows[2]["id"].(string))
	if code != exitOK {
		t.Fatal(errs)
	}
	type trace struct {
		SourceID string `json:"source_id"`
		Sections []struct {
			Title string `json:"title"`
		} `json:"sections"`
		Steps []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"steps"`
		Meta map[string]string `json:"meta"`
	}
	var rec struct {
		trace
		Problem struct {
			Text string `json:"text"`
		} `json:"problem"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	tr := rec.trace
	if len(tr.Sections) != 2 || tr.Sections[0].Title != "document" || tr.Sections[1].Title != "response" {
		t.Fatalf("sections %+v", tr.Sections)
	}
	last := tr.Steps[len(tr.Steps)-1]
	if last.Kind != "answer" || !strings.HasPrefix(last.Text, "On the first Sunday") || tr.Steps[0].Kind != "message" {
		t.Fatalf("steps %+v", tr.Steps)
	}
	if rec.Problem.Text != "When can I visit the museum for free?" || tr.Meta["author"] == "" || tr.SourceID != "17" {
		t.Fatalf("problem %q meta %v source id %q", rec.Problem.Text, tr.Meta, tr.SourceID)
	}
}

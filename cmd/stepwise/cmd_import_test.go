package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A one-line JSON array of thousands of identical bad elements prints a few
// examples, each naming its element, one line saying the rest are counted,
// and one summary line with the count.
func TestImportGroupsMessages(t *testing.T) {
	dir := t.TempDir()
	const bad = 5000
	el := `{"id":"x-%d","generator":"g","problem":"What is 1+1?","steps":%s,"final_answer_correct":true,"label":-1}`
	var b strings.Builder
	b.WriteString("[" + fmt.Sprintf(el, 0, `["1+1=2","so 2"]`))
	for i := 1; i <= bad; i++ {
		b.WriteString("," + fmt.Sprintf(el, i, "5"))
	}
	b.WriteString("]")
	path := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	prm := filepath.Join("..", "..", "testdata", "samples", "prmbench", "prmbench_subset400_sample.jsonl")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--db", filepath.Join(dir, "s.db"), "import", path, prm}, nil, &out, &errb)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitPartial, out.String(), errb.String())
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	var examples, more, warnings int
	for _, l := range lines {
		switch {
		case strings.Contains(l, "more problems like this are counted in the summary"),
			strings.Contains(l, "more warnings like this are counted in the summary"):
			more++
		case strings.Contains(l, "field steps: expected []string, found JSON number"):
			examples++
			if !strings.Contains(l, "bad.json:1: element ") {
				t.Errorf("message without its element: %q", l)
			}
		case strings.Contains(l, ": warning: error_steps"):
			warnings++
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
	if examples != messagesPerReason || more != 2 || warnings != messagesPerReason {
		t.Errorf("%d examples, %d 'more' lines, %d warnings printed (want %d, 2, %d):\n%s",
			examples, more, warnings, messagesPerReason, messagesPerReason, errb.String())
	}
	for _, want := range []string{
		fmt.Sprintf("skipped %5d  field steps: expected []string, found JSON number", bad),
		"warning     5  error_steps [N…] lists steps past the last of N; the unlisted steps are kept unlabeled",
		fmt.Sprintf("%d skipped, 5 warnings", bad),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

package render

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise/themes"
)

func theme(t testing.TB, name string) *themes.Theme {
	t.Helper()
	th, err := themes.Get(name, "")
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// allThemes is every built-in theme plus its no-colour variant.
func allThemes(t testing.TB) []*themes.Theme {
	var out []*themes.Theme
	for _, n := range themes.Names() {
		th := theme(t, n)
		out = append(out, th, th.WithoutColor())
	}
	return out
}

var sgrSeq = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkSafe fails if a line holds anything but text and SGR sequences:
// after removing SGR, no ESC, no C0/C1 control, no bidi control may remain.
func checkSafe(t *testing.T, what string, lines []string) {
	t.Helper()
	for i, l := range lines {
		rest := sgrSeq.ReplaceAllString(l, "")
		for _, r := range rest {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
				(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x61c {
				t.Errorf("%s: line %d holds %U after removing SGR: %q", what, i, r, l)
				break
			}
		}
	}
}

// checkWidth fails if a line is wider than width or Plain disagrees with
// Lines.
func checkWidth(t *testing.T, what string, res Result, width int) {
	t.Helper()
	if len(res.Lines) != len(res.Plain) {
		t.Fatalf("%s: %d lines but %d plain lines", what, len(res.Lines), len(res.Plain))
	}
	for i, l := range res.Lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("%s: line %d is %d columns wide (limit %d): %q", what, i, w, width, res.Plain[i])
		}
		if s := ansi.Strip(l); s != res.Plain[i] {
			t.Errorf("%s: line %d: plain %q differs from stripped line %q", what, i, res.Plain[i], s)
		}
	}
}

// jsonl reads a JSONL sample from testdata.
func jsonl(t testing.TB, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

const samples = "../../testdata/samples/"

// longestSkyT1 returns the longest generation in the Sky-T1 sample (record
// 21, code[0]: 153,700 characters, found with python3) and its steps split
// on blank lines, as the skyt1 codec segments it.
func longestSkyT1(t testing.TB) (string, []string) {
	t.Helper()
	best := ""
	for _, r := range jsonl(t, samples+"longcot_skyt1/aime24_sky-t1-32b-ckpt140.jsonl") {
		for _, c := range r["code"].([]any) {
			if s, ok := c.(string); ok && len([]rune(s)) > len([]rune(best)) {
				best = s
			}
		}
	}
	var steps []string
	for s := range strings.SplitSeq(best, "\n\n") {
		if strings.TrimSpace(s) != "" {
			steps = append(steps, s)
		}
	}
	return best, steps
}

package verify

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// replPos is a Lean position: 1-based line, 0-based column.
type replPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// replMessage is a message in REPL, Kimina and `lean --json` output.
type replMessage struct {
	Severity string   `json:"severity"`
	Pos      *replPos `json:"pos"`
	Data     string   `json:"data"`
	Kind     string   `json:"kind"`
}

// replResponse is the REPL's CommandResponse or its error object.
type replResponse struct {
	Env      *int              `json:"env"`
	Messages []replMessage     `json:"messages"`
	Sorries  []json.RawMessage `json:"sorries"`
	Message  *string           `json:"message"`
}

// severity folds REPL ("info") and lean --json ("information") spellings.
func severity(s string) string {
	switch s {
	case "information", "info":
		return "info"
	case "warning", "error", "trace":
		return s
	}
	return "error" // an unknown severity must not pass as harmless
}

func (m replMessage) message() Message {
	out := Message{Severity: severity(m.Severity), Text: truncate(m.Data, 8<<10)}
	if m.Pos != nil {
		out.Line, out.Column = m.Pos.Line, m.Pos.Column
	}
	return out
}

// parseREPLResponse decodes one REPL response. A {"message": …} error
// object gives an error; env is -1 when absent.
func parseREPLResponse(data []byte) (leanOutcome, int, error) {
	var r replResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return leanOutcome{}, -1, fmt.Errorf("REPL response is not JSON: %w", err)
	}
	if r.Message != nil {
		return leanOutcome{}, -1, fmt.Errorf("REPL error: %s", truncate(*r.Message, 2000))
	}
	if r.Env == nil {
		return leanOutcome{}, -1, fmt.Errorf("REPL response has neither env nor message")
	}
	return r.outcome(), *r.Env, nil
}

func (r replResponse) outcome() leanOutcome {
	var o leanOutcome
	for _, m := range r.Messages {
		o.Messages = append(o.Messages, m.message())
	}
	o.Sorries = len(r.Sorries)
	return o
}

// parseLeanJSON decodes `lean --json` output: one message object per line.
// Sorries are counted from "declaration uses 'sorry'" warnings (kind
// hasSorry in newer Lean), the only signal this interface gives.
func parseLeanJSON(out string) (leanOutcome, error) {
	var o leanOutcome
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var m replMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Severity == "" {
			return o, fmt.Errorf("lean --json output line %d: not a message: %.80q", i+1, line)
		}
		msg := m.message()
		if msg.Severity == "warning" && (m.Kind == "hasSorry" || strings.Contains(m.Data, "declaration uses 'sorry'")) {
			o.Sorries++
		}
		o.Messages = append(o.Messages, msg)
	}
	return o, nil
}

var manifestRevRE = regexp.MustCompile(`"name":\s*"mathlib"[^}]*?"rev":\s*"([0-9a-f]+)"|"rev":\s*"([0-9a-f]+)"[^}]*?"name":\s*"mathlib"`)

// projectToolchain identifies a Lake project's Lean and Mathlib versions
// from lean-toolchain and lake-manifest.json, without starting Lean.
func projectToolchain(dir string) string {
	tc, _ := os.ReadFile(filepath.Join(dir, "lean-toolchain"))
	id := strings.TrimSpace(string(tc))
	if id == "" {
		id = "lean (unknown toolchain)"
	}
	if man, err := os.ReadFile(filepath.Join(dir, "lake-manifest.json")); err == nil {
		if m := manifestRevRE.FindSubmatch(man); m != nil {
			rev := string(m[1]) + string(m[2])
			id += " mathlib@" + rev
		}
	}
	return id
}

package offline

import (
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// Truncation is the evidence that a generation was cut off.
type Truncation struct {
	// Reasons are the signs found: "source flag", "finish_reason length",
	// "unclosed <think>", "unclosed <|begin_of_thought|>", "ends in a
	// repetition loop".
	Reasons []string `json:"reasons"`
	Loop    *Loop    `json:"loop,omitempty"`
}

// openClose are block markers whose opening without a closing means the
// model stopped inside the block.
var openClose = [][2]string{
	{"<think>", "</think>"},
	{"<|begin_of_thought|>", "<|end_of_thought|>"},
	{"<|begin_of_solution|>", "<|end_of_solution|>"},
}

// Tail-loop thresholds: at least 3 copies covering at least 200 bytes.
const (
	loopRepeats = 3
	loopSpan    = 200
)

// CheckTruncation collects the signs of truncation in a trace.
func CheckTruncation(tr *stepwise.Trace) Truncation {
	var t Truncation
	if tr.Truncated {
		t.Reasons = append(t.Reasons, "source flag")
	}
	if fr := tr.Meta["finish_reason"]; fr == "length" || fr == "max_tokens" {
		t.Reasons = append(t.Reasons, "finish_reason "+fr)
	}
	for _, oc := range openClose {
		if i := strings.LastIndex(tr.Raw, oc[0]); i >= 0 && !strings.Contains(tr.Raw[i:], oc[1]) {
			t.Reasons = append(t.Reasons, "unclosed "+oc[0])
		}
	}
	if l, ok := TailLoop(tr.Raw, loopRepeats, loopSpan); ok {
		t.Reasons = append(t.Reasons, "ends in a repetition loop")
		t.Loop = &l
	}
	return t
}

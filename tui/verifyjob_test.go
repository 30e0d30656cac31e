package tui

import (
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify"
	"github.com/stepwise-dev/stepwise/verify/verifyrun"
)

// TestVerifyStreamsIntoTheGutterAndStrip verifies a GSM8K reference trace
// (its <<a=b>> annotations are exact arithmetic): every checked step turns
// proved in the trace view, and the list's proof strip follows.
func TestVerifyStreamsIntoTheGutterAndStrip(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	v := verifyrun.New(m.db, verify.DefaultConfig())
	defer v.Close()
	m.opts.Verifier = v
	press(t, m, "enter", "f")
	for _, r := range "dataset:gsm8k" {
		send(t, m, keyMsg(string(r)))
	}
	press(t, m, "enter", "enter") // the first GSM8K reference solution
	if m.trace().doc.t == nil || !strings.HasPrefix(m.trace().doc.t.Dataset, "gsm8k") {
		t.Fatal("no GSM8K trace open")
	}
	press(t, m, "V")
	proved := 0
	for i, s := range m.trace().doc.t.Steps {
		if len(s.Calcs) == 0 {
			continue
		}
		if len(s.Formalizations) == 0 || s.Formalizations[0].Status != stepwise.StatusProved {
			t.Fatalf("step %d with a calculator annotation: %+v", i, s.Formalizations)
		}
		proved++
	}
	if proved == 0 {
		t.Fatal("no step was checked")
	}
	if !strings.Contains(m.status, "proved") {
		t.Fatalf("status %q", m.status)
	}
	seq, _ := m.list().seqAt(0)
	if strip := m.list().proofStrips[seq]; !strings.Contains(strip, "+") {
		t.Fatalf("list proof strip %q", strip)
	}
}

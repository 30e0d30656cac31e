package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/judge/judgerun/judgetest"
)

// TestJudgeFromTheTraceView runs the judge against the scripted double: the
// run streams into the judge view, is saved, and its flag shows in the
// trace's gutter.
func TestJudgeFromTheTraceView(t *testing.T) {
	one := 1
	srv := judgetest.New(judgetest.Script{Verdict: "incorrect", FirstError: &one,
		Flags: []stepwise.StepFlag{{Step: 1, Reason: "takes back the wrong number of flamingos"}}})
	defer srv.Close()
	cfg := judgerun.Settings{Profile: "double", Profiles: map[string]judgerun.ProfileSettings{
		"double": {BaseURL: srv.BaseURL(), Model: "judge-double", Retries: -1}}}
	r, err := judgerun.NewRunner(cfg, judgerun.Options{NoCode: true, Deltas: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, 120, 40, "dark")
	m.opts.Judge = r
	openGSM8K0(t, m)
	// A costly action asks first: the plan and the estimate, nothing sent.
	press(t, m, "A")
	if m.prompt == nil || m.prompt.kind != promptConfirm || srv.Calls() != 0 {
		t.Fatalf("A sent %d calls without asking (prompt %v)", srv.Calls(), m.prompt)
	}
	if q := m.prompt.label; !strings.Contains(q, "calls") || !strings.Contains(q, "prompt tokens") || !strings.Contains(q, "cost") {
		t.Fatalf("the question does not give the estimate: %q", q)
	}
	if !strings.Contains(m.status, "judge-double") {
		t.Errorf("the status does not name the model: %q", m.status)
	}
	press(t, m, "n")
	if m.prompt != nil || srv.Calls() != 0 || m.current() != scrTrace {
		t.Fatalf("declining sent %d calls (screen %v)", srv.Calls(), m.current())
	}
	press(t, m, "A", "y")
	if m.current() != scrJudge || m.judge().running {
		t.Fatalf("screen %v, running %v", m.current(), m.judge().running)
	}
	v := ansi.Strip(viewOf(m))
	for _, want := range []string{"verdict", "incorrect", "criteria", "judge-double"} {
		if !strings.Contains(v, want) {
			t.Errorf("judge view lacks %q:\n%s", want, v)
		}
	}
	if srv.Calls() == 0 {
		t.Fatal("the model was not called")
	}
	press(t, m, "esc")
	if m.trace().doc.judgeFlag(1) == "" {
		t.Fatal("the judge's flag on step 1 is not shown")
	}
	if !strings.Contains(ansi.Strip(viewOf(m)), "judge: takes back the wrong number") {
		t.Errorf("flag reason missing from the trace view:\n%s", ansi.Strip(viewOf(m)))
	}
	press(t, m, "R")
	if len(m.judge().runs) != 1 {
		t.Fatalf("%d saved runs", len(m.judge().runs))
	}
	press(t, m, "enter")
	if m.judge().run == nil || m.judge().run.Verdict != "incorrect" {
		t.Fatalf("saved run %+v", m.judge().run)
	}
}

func TestJudgeWithoutAModelSaysWhy(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	_, m.opts.JudgeErr = judgerun.NewRunner(judgerun.Settings{}, judgerun.Options{Getenv: func(string) string { return "" }})
	openGSM8K0(t, m)
	press(t, m, "A")
	if m.current() != scrTrace || !strings.Contains(m.status, "no judge model") {
		t.Fatalf("screen %v status %q", m.current(), m.status)
	}
}

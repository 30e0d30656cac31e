package verify

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestDoctorUnconfigured(t *testing.T) {
	cfg := DefaultConfig()
	cfg.LakePath = "/nonexistent/lake"
	hs := Doctor(context.Background(), cfg)
	byName := map[string]Health{}
	for _, h := range hs {
		byName[h.Backend] = h
	}
	if len(hs) != 6 || !byName[BackendRational].Usable {
		t.Fatalf("%+v", hs)
	}
	for _, name := range []string{BackendREPL, BackendKimina, BackendLeanCLI} {
		h := byName[name]
		if h.Usable || h.Why == "" || h.Enable == "" {
			t.Errorf("%s: %+v", name, h)
		}
	}
	if !strings.Contains(byName[BackendREPL].Why, "LEAN_PROJECT_DIR") || !strings.Contains(byName[BackendKimina].Why, "KIMINA_URL") {
		t.Errorf("reasons: %q / %q", byName[BackendREPL].Why, byName[BackendKimina].Why)
	}
	if _, err := exec.LookPath("z3"); err == nil && (!byName[BackendZ3].Usable || !strings.Contains(byName[BackendZ3].Toolchain, "Z3")) {
		t.Errorf("z3 installed but %+v", byName[BackendZ3])
	}
	if h := probe(context.Background(), cfg, "bogus"); h.Usable || h.Why != "unknown backend" {
		t.Errorf("bogus: %+v", h)
	}
}

func TestDoctorConfiguredDoubles(t *testing.T) {
	useDouble(t, "lake")
	t.Setenv("KIMINA_API_KEY", "k")
	cfg := fakeLakeConfig(t)
	cfg.REPLCommand = []string{selfPath(t)}
	cfg.KiminaURL = newKiminaDouble(t, "k").srv.URL
	for _, h := range Doctor(context.Background(), cfg) {
		if !h.Usable && h.Backend != BackendZ3 && h.Backend != BackendCVC5 {
			t.Errorf("%s not usable: %s", h.Backend, h.Why)
		}
	}
}

func TestStepJobs(t *testing.T) {
	step := stepwise.Step{Text: "So 48/2 = 24 and 3 * 4 = 12.", Formalizations: []stepwise.Formalization{
		{Statement: "theorem test : (48 / 2 : ℝ) = 24 := by sorry", Origin: stepwise.FormalImported,
			Status: stepwise.StatusStored, StoredState: "Success of Proof"},
		{Origin: stepwise.FormalImported, Status: stepwise.StatusStored, StoredState: "No Verification Required"},
	}}
	jobs := StepJobs("s1", step)
	if len(jobs) != 2 || jobs[0].Formalization.Origin != stepwise.FormalImported || jobs[1].Claim == nil ||
		jobs[1].Job.Statement != "theorem test : (3 * 4 : ℝ) = 12 := by sorry" || jobs[0].Job.ID != "s1" {
		t.Fatalf("%+v", jobs)
	}
	if st, ok := Claimed(step.Formalizations[0]); !ok || st != stepwise.StatusProved {
		t.Errorf("claimed %s %v", st, ok)
	}
	if st, ok := Claimed(step.Formalizations[1]); !ok || st != stepwise.StatusSkipped {
		t.Errorf("claimed %s %v", st, ok)
	}
	e := New(Config{Backends: []string{BackendRational}}, nil)
	r, err := e.Check(context.Background(), jobs[0].Job)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Apply(jobs[0].Formalization)
	if f.Status != stepwise.StatusProved || f.StoredState != "" || f.Backend != BackendRational || f.CacheKey == "" ||
		!strings.Contains(f.Evidence, "working:\ngoal: (48 / 2 : ℝ) = 24") || f.Origin != stepwise.FormalImported {
		t.Errorf("applied %+v", f)
	}
}

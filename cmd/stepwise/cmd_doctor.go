package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
	"github.com/stepwise-dev/stepwise/verify"
)

// doctorReport is `doctor --json`.
type doctorReport struct {
	Config   string          `json:"config"`
	Backends []verify.Health `json:"backends"`
	// Autoformalize describes the configured LLM formalizer ("" for none).
	Autoformalize      string `json:"autoformalize,omitempty"`
	AutoformalizeError string `json:"autoformalize_error,omitempty"`
	// Judge is the default judge endpoint and whether its key is set;
	// Sandbox whether code analyses can run here, and with what.
	Judge   string `json:"judge"`
	Sandbox string `json:"sandbox"`
	// SandboxUsable is false when code analyses would be refused.
	SandboxUsable bool `json:"sandbox_usable"`
}

func runDoctor(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "doctor", "[--json]", "Say which verification backends are usable and, for each that is not, why and how to enable it; then the judge endpoint and whether the code sandbox works here.")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parseNoArgs(e, fs, args, nil); !ok {
		return code
	}
	cfgFile, err := config.Load()
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise doctor:", err)
		return exitUsage
	}
	cfg, err := cfgFile.Verify.EngineConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise doctor:", err)
		return exitUsage
	}
	rep := doctorReport{Config: cfgFile.Path, Backends: verify.Doctor(ctx, cfg)}
	if name := cfgFile.Verify.Autoformalize; name != "" && name != "none" {
		if p, err := cfgFile.Judge.ResolveProfile(name, os.Getenv); err != nil {
			rep.AutoformalizeError = err.Error()
		} else {
			rep.Autoformalize = fmt.Sprintf("profile %s: %s at %s", name, p.Model, p.BaseURL)
		}
	}
	rep.Judge = judgeHealth(cfgFile.Judge)
	rep.Sandbox, rep.SandboxUsable = sandboxHealth(ctx, cfgFile.Judge.Sandbox)
	if *asJSON {
		writeJSON(e.stdout, rep)
	} else {
		printDoctor(e.stdout, rep)
	}
	for _, h := range rep.Backends {
		if h.Usable {
			return exitOK
		}
	}
	return exitError
}

func printDoctor(w io.Writer, rep doctorReport) {
	where := rep.Config
	if where == "" {
		where = "none (defaults and the environment)"
	}
	fmt.Fprintf(w, "configuration: %s\n\n", termsafe.Line(where))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\tSTATUS\tDETAIL")
	usable := 0
	for _, h := range rep.Backends {
		if h.Usable {
			usable++
			fmt.Fprintf(tw, "%s\tusable\t%s\n", h.Backend, termsafe.Line(firstLine(h.Toolchain)))
			continue
		}
		fmt.Fprintf(tw, "%s\tnot usable\t%s\n", h.Backend, termsafe.Line(h.Why))
		if h.Enable != "" {
			fmt.Fprintf(tw, "\t\tenable: %s\n", termsafe.Line(h.Enable))
		}
	}
	tw.Flush()
	switch {
	case rep.AutoformalizeError != "":
		fmt.Fprintf(w, "\nautoformalize: not usable: %s\n", termsafe.Line(rep.AutoformalizeError))
	case rep.Autoformalize != "":
		fmt.Fprintf(w, "\nautoformalize: %s\n", termsafe.Line(rep.Autoformalize))
	default:
		fmt.Fprintln(w, "\nautoformalize: off (set [verify] autoformalize to a [judge.profiles] name to formalize prose steps with an LLM)")
	}
	fmt.Fprintf(w, "\njudge: %s\n", termsafe.Line(rep.Judge))
	fmt.Fprintf(w, "code sandbox: %s\n", termsafe.Line(rep.Sandbox))
	fmt.Fprintf(w, "\n%d of %d backends usable.\n", usable, len(rep.Backends))
}

// judgeHealth describes the default judge endpoint: which profile, model
// and URL, and whether the variable holding its key is set (never the key).
func judgeHealth(j judgerun.Settings) string {
	p, err := j.ResolveProfile("", os.Getenv)
	if err != nil {
		return "not usable: " + err.Error()
	}
	s := fmt.Sprintf("profile %s: %s at %s", p.Name, orNone(p.Model), p.Endpoint())
	if os.Getenv(p.APIKeyEnv) == "" {
		s += fmt.Sprintf(" (%s is not set: fine for a local server without keys)", p.APIKeyEnv)
	}
	return s
}

// sandboxHealth says whether generated checkers can run here: bubblewrap
// and Python found and a probe run confined, with or without the seccomp
// filter; or why not, and that code analyses are then refused.
func sandboxHealth(ctx context.Context, c judgerun.SandboxSettings) (string, bool) {
	if !c.On() {
		return "off ([judge.sandbox] enabled = false): the judge answers in prose only", false
	}
	s := sandbox.New(c.SandboxConfig())
	if err := s.Available(ctx); err != nil {
		return "not usable: " + err.Error() + " — code analyses are refused, never run unsandboxed", false
	}
	filter := "with a seccomp filter"
	if !sandbox.Filtered() {
		filter = "without a seccomp filter (no syscall table for this architecture)"
	}
	return fmt.Sprintf("usable: bubblewrap %s, python %s, %s", s.Config().Bwrap, s.Config().Python, filter), true
}

func orNone(s string) string {
	if s == "" {
		return "(no model set)"
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

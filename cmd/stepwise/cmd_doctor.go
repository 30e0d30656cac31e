package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/stepwise-dev/stepwise/tui/config"
	"github.com/stepwise-dev/stepwise/tui/termsafe"
	"github.com/stepwise-dev/stepwise/verify"
)

// doctorReport is `doctor --json`.
type doctorReport struct {
	Config   string          `json:"config"`
	Backends []verify.Health `json:"backends"`
	// Autoformalize describes the configured LLM formalizer ("" for none).
	Autoformalize      string `json:"autoformalize,omitempty"`
	AutoformalizeError string `json:"autoformalize_error,omitempty"`
}

func runDoctor(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "doctor", "[--json]", "Say which verification backends are usable and, for each that is not, why and how to enable it.")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 0 {
		return usageError(e.stderr, fs, fmt.Sprintf("unexpected argument %q", pos[0]))
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
	fmt.Fprintf(w, "\n%d of %d backends usable.\n", usable, len(rep.Backends))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

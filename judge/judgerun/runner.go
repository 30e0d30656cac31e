// Package judgerun wires the judge to the store: it builds a judge.Runner
// from the [judge] configuration, picks the traces (or pairs of traces) a
// filter selects, prices them, runs them with progress and saves every
// analysis; it runs the offline analyzers and saves their findings; and it
// computes judge-versus-reference agreement (dataset labels or a person's).
// The CLI (`stepwise judge`, `stepwise analyze`) and the workbench both call
// it; it sits apart from store and judge so that neither imports the other.
package judgerun

import (
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
)

// Options adjust NewRunner beyond the configuration file (command-line
// flags, tests).
type Options struct {
	// Profile names the profile ("" for the configured default).
	Profile string
	// Model overrides the profile's model.
	Model string
	// Prompts is a prompt override directory; it replaces the configured one.
	Prompts string
	// ConfigDir resolves a relative prompts directory in the configuration.
	ConfigDir string
	// NoCode turns code analyses off whatever the configuration says.
	NoCode bool
	// Deltas asks for streamed text events (the workbench shows them).
	Deltas bool
	// Getenv replaces os.Getenv (tests).
	Getenv func(string) string
	// HTTPClient replaces the default HTTP client.
	HTTPClient *http.Client
}

// ErrNoModel says no model was configured or given.
var ErrNoModel = errors.New("no judge model: set STEPWISE_JUDGE_MODEL (the endpoint and key come from OPENAI_BASE_URL and OPENAI_API_KEY), or model in a [judge.profiles.NAME] section of config.toml (`stepwise judge` also takes --judge-model)")

// NewRunner builds a runner for the chosen profile: an OpenAI-compatible
// streaming client (the key read from the variable the profile names), the
// prompt set, and the sandbox unless code analyses are off.
func NewRunner(cfg Settings, o Options) (*judge.Runner, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	p, err := cfg.ResolveProfile(o.Profile, getenv)
	if err != nil {
		return nil, err
	}
	if o.Model != "" {
		p.Model = o.Model
	}
	if p.Model == "" {
		return nil, ErrNoModel
	}
	opts := []llm.Option{llm.WithGetenv(getenv)}
	if o.HTTPClient != nil {
		opts = append(opts, llm.WithHTTPClient(o.HTTPClient))
	}
	client, err := llm.NewOpenAI(p, opts...)
	if err != nil {
		return nil, err
	}
	prompts, err := loadPrompts(cfg, o)
	if err != nil {
		return nil, err
	}
	r := &judge.Runner{Client: client, Profile: client.Profile(), Prompts: prompts, Deltas: o.Deltas}
	if cfg.Sandbox.On() && !o.NoCode {
		r.Sandbox = sandbox.New(cfg.Sandbox.SandboxConfig())
	}
	return r, nil
}

func loadPrompts(cfg Settings, o Options) (*judge.Prompts, error) {
	dir := o.Prompts
	if dir == "" {
		var err error
		if dir, err = cfg.PromptsDir(o.ConfigDir); err != nil {
			return nil, err
		}
	}
	if dir == "" {
		return judge.DefaultPrompts(), nil
	}
	p, err := judge.LoadPrompts(dir)
	if err != nil {
		return nil, fmt.Errorf("prompts %s: %w", dir, err)
	}
	return p, nil
}

package judgerun

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/sandbox"
)

// Settings is the [judge] section: named endpoint profiles, the default
// one, and batch, prompt and sandbox settings.
//
//	[judge]
//	profile = "local"              # default profile; none: the environment
//	concurrency = 8                # jobs at once in a batch
//	prompts = "~/judge-prompts"    # override prompt files (see judge/README.md)
//	[judge.profiles.local]
//	base_url = "http://localhost:8000/v1"
//	model = "Qwen/Qwen3-8B"
//	api_key_env = "VLLM_API_KEY"   # the variable holding the key, never the key
//	input_price_per_m = 0.0
//	[judge.sandbox]
//	enabled = true
//
// API keys are read only from the environment: a profile names the
// variable (default OPENAI_API_KEY), and an api_key setting is refused.
type Settings struct {
	// Profile names the default profile. Empty: the only profile if there
	// is exactly one, else a profile built from the environment
	// (OPENAI_BASE_URL, OPENAI_API_KEY).
	Profile  string                     `toml:"profile"`
	Profiles map[string]ProfileSettings `toml:"profiles"`
	// Concurrency is how many jobs a batch runs at once (0: the profile's
	// request cap).
	Concurrency int `toml:"concurrency"`
	// Prompts is a directory of prompt overrides ("" for the embedded set).
	Prompts string          `toml:"prompts"`
	Sandbox SandboxSettings `toml:"sandbox"`
}

// ProfileSettings is one endpoint and model; it maps onto llm.Profile. Zero
// fields take llm's defaults; base_url and api_key_env default to
// OPENAI_BASE_URL and OPENAI_API_KEY.
type ProfileSettings struct {
	BaseURL   string `toml:"base_url"`
	Model     string `toml:"model"`
	APIKeyEnv string `toml:"api_key_env"`
	// APIKey exists only to refuse it with a clear message.
	APIKey string `toml:"api_key"`

	Temperature         *float64 `toml:"temperature"`
	MaxTokens           int      `toml:"max_tokens"`
	MaxCompletionTokens bool     `toml:"max_completion_tokens"`
	// Prices are USD per million prompt and completion tokens.
	InputPricePerM  float64 `toml:"input_price_per_m"`
	OutputPricePerM float64 `toml:"output_price_per_m"`
	// Concurrency caps requests in flight to this endpoint.
	Concurrency int `toml:"concurrency"`
	Retries     int `toml:"retries"`
	// Timeout bounds one attempt ("5m", "90s").
	Timeout         string         `toml:"timeout"`
	Structured      string         `toml:"structured"`
	NoStreamUsage   bool           `toml:"no_stream_usage"`
	ReasoningEffort string         `toml:"reasoning_effort"`
	Extra           map[string]any `toml:"extra"`
}

// SandboxSettings configures the bubblewrap sandbox for code analyses.
type SandboxSettings struct {
	// Enabled defaults to true; false makes the judge answer in prose only.
	Enabled *bool  `toml:"enabled"`
	Bwrap   string `toml:"bwrap"`
	Python  string `toml:"python"`
	// ReadOnly are extra host directories visible read-only (a Python
	// outside /usr). Never a home directory or the store's.
	ReadOnly []string `toml:"read_only"`
}

// On reports whether code analyses may run in the sandbox.
func (s SandboxSettings) On() bool { return s.Enabled == nil || *s.Enabled }

// SandboxConfig maps the section onto the sandbox's configuration.
func (s SandboxSettings) SandboxConfig() sandbox.Config {
	return sandbox.Config{Bwrap: s.Bwrap, Python: s.Python, ReadOnly: slices.Clone(s.ReadOnly)}
}

// ProfileNames lists the configured profiles, sorted.
func (j Settings) ProfileNames() []string {
	names := make([]string, 0, len(j.Profiles))
	for n := range j.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DefaultProfile is the profile used when none is named: Profile, else the
// only profile, else "" (the environment).
func (j Settings) DefaultProfile() string {
	if j.Profile != "" {
		return j.Profile
	}
	if len(j.Profiles) == 1 {
		return j.ProfileNames()[0]
	}
	return ""
}

// ResolveProfile builds the llm.Profile for name ("" for the default),
// with OPENAI_BASE_URL, OPENAI_API_KEY and STEPWISE_JUDGE_MODEL as
// defaults; getenv is os.Getenv
// outside tests. The key itself is not read here: the client reads the
// variable the profile names.
func (j Settings) ResolveProfile(name string, getenv func(string) string) (llm.Profile, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if name == "" {
		name = j.DefaultProfile()
	}
	env := llm.ProfileFromEnv(getenv)
	if name == "" {
		return env, nil
	}
	jp, ok := j.Profiles[name]
	if !ok {
		known := "none are configured"
		if len(j.Profiles) > 0 {
			known = "known: " + strings.Join(j.ProfileNames(), ", ")
		}
		return llm.Profile{}, fmt.Errorf("judge profile %q is not in the configuration (%s)", name, known)
	}
	p, err := jp.toLLM(name)
	if err != nil {
		return llm.Profile{}, err
	}
	if p.BaseURL == "" {
		p.BaseURL = env.BaseURL
	}
	if p.Model == "" {
		p.Model = env.Model
	}
	return p.WithDefaults(), nil
}

func (jp ProfileSettings) toLLM(name string) (llm.Profile, error) {
	where := fmt.Sprintf("[judge.profiles.%s]", name)
	if jp.APIKey != "" {
		return llm.Profile{}, fmt.Errorf("%s api_key: keys are read only from the environment; set api_key_env to the name of the variable holding it", where)
	}
	if jp.APIKeyEnv != "" && !envName(jp.APIKeyEnv) {
		return llm.Profile{}, fmt.Errorf("%s api_key_env %q: want the name of an environment variable (letters, digits, _), not a key", where, jp.APIKeyEnv)
	}
	p := llm.Profile{
		Name: name, BaseURL: jp.BaseURL, Model: jp.Model, APIKeyEnv: jp.APIKeyEnv,
		Temperature: jp.Temperature, MaxTokens: jp.MaxTokens, MaxCompletionTokens: jp.MaxCompletionTokens,
		InputPricePerM: jp.InputPricePerM, OutputPricePerM: jp.OutputPricePerM,
		Concurrency: jp.Concurrency, Retries: jp.Retries, Structured: jp.Structured,
		NoStreamUsage: jp.NoStreamUsage, ReasoningEffort: jp.ReasoningEffort, Extra: jp.Extra,
	}
	if jp.Timeout != "" {
		d, err := time.ParseDuration(jp.Timeout)
		if err != nil || d <= 0 {
			return llm.Profile{}, fmt.Errorf("%s timeout %q: want a duration such as \"90s\" or \"5m\"", where, jp.Timeout)
		}
		p.Timeout = d
	}
	if err := p.WithDefaults().Validate(); err != nil && !(jp.Model == "" && onlyModelMissing(p)) {
		return llm.Profile{}, fmt.Errorf("%s: %w", where, err)
	}
	return p, nil
}

// onlyModelMissing allows a profile without a model at load time: the
// command line may supply one. Everything else must be valid.
func onlyModelMissing(p llm.Profile) bool {
	p.Model = "x"
	return p.WithDefaults().Validate() == nil
}

// envName reports whether s looks like an environment variable's name.
func envName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// PromptsDir is the prompt override directory with a leading ~ expanded and
// a relative path taken from the configuration file's directory.
func (j Settings) PromptsDir(configDir string) (string, error) {
	d := j.Prompts
	if d == "" {
		return "", nil
	}
	if rest, ok := strings.CutPrefix(d, "~"); ok && (rest == "" || rest[0] == '/') {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("[judge] prompts: no home directory to expand ~")
		}
		return filepath.Join(home, rest), nil
	}
	if !filepath.IsAbs(d) && configDir != "" {
		return filepath.Join(configDir, d), nil
	}
	return d, nil
}

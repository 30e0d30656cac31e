// Package llm is stepwise's client for OpenAI-compatible chat endpoints
// (vLLM, SGLang, Ollama, llama.cpp server, OpenAI, DeepSeek).
//
// The judge and the verifier's autoformalizer talk to a model only through the
// small Client interface, so tests use a local double (package llmtest) and no
// test needs a GPU or the network.
package llm

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults used when a profile leaves a field at its zero value.
const (
	DefaultBaseURL     = "https://api.openai.com/v1"
	DefaultAPIKeyEnv   = "OPENAI_API_KEY"
	DefaultMaxTokens   = 2048
	DefaultConcurrency = 4
	DefaultRetries     = 4
	DefaultTimeout     = 5 * time.Minute
)

// Structured-output modes for Profile.Structured.
const (
	StructuredSchema = "json_schema" // response_format json_schema (strict); the default
	StructuredObject = "json_object" // JSON mode: valid JSON, no schema
	StructuredOff    = "off"         // plain text; the prompts still ask for JSON
)

// Profile is one configured endpoint and model. The config file maps onto it;
// it holds no secret: the API key is read from the environment variable named
// by APIKeyEnv when a client is built, and is never stored in the profile.
type Profile struct {
	Name    string `json:"name,omitempty"`
	BaseURL string `json:"base_url"`
	Model   string `json:"model"`
	// APIKeyEnv names the environment variable holding the key (default
	// OPENAI_API_KEY). An unset variable means no Authorization header, which
	// is what local servers expect.
	APIKeyEnv string `json:"api_key_env,omitempty"`

	// Temperature defaults to 0 (greedy, as ARJudge decodes).
	Temperature *float64 `json:"temperature,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	// MaxCompletionTokens sends max_completion_tokens instead of max_tokens
	// (OpenAI reasoning models need it; most local servers want max_tokens).
	MaxCompletionTokens bool `json:"max_completion_tokens,omitempty"`

	// InputPricePerM and OutputPricePerM are USD per million prompt and
	// completion tokens, the way providers publish prices. Reasoning tokens
	// are part of the completion tokens and billed as output.
	InputPricePerM  float64 `json:"input_price_per_m,omitempty"`
	OutputPricePerM float64 `json:"output_price_per_m,omitempty"`

	// Concurrency caps the requests in flight through one client.
	Concurrency int `json:"concurrency,omitempty"`
	// Retries is how many times a call is retried after a 408, 409, 429, 5xx,
	// a connection error or a stream that ended early. Negative disables.
	Retries int `json:"retries,omitempty"`
	// Timeout bounds one attempt, streaming included.
	Timeout time.Duration `json:"timeout,omitempty"`

	// Structured is StructuredSchema, StructuredObject or StructuredOff; empty
	// means StructuredSchema. A server that rejects response_format makes the
	// client fall back to plain text for the rest of its life.
	Structured string `json:"structured,omitempty"`
	// NoStreamUsage leaves out stream_options.include_usage for servers that
	// reject it; usage is then unknown (zero).
	NoStreamUsage bool `json:"no_stream_usage,omitempty"`
	// ReasoningEffort is sent as reasoning_effort when set.
	ReasoningEffort string `json:"reasoning_effort,omitempty"`
	// Extra is merged into every request body, for server extensions such as
	// {"chat_template_kwargs": {"enable_thinking": false}}.
	Extra map[string]any `json:"extra,omitempty"`
}

// ProfileFromEnv is the profile used when the config names none, as the
// ecosystem's tools read it: OPENAI_BASE_URL (else the OpenAI API), the
// key from OPENAI_API_KEY and the model from STEPWISE_JUDGE_MODEL. getenv
// is os.Getenv in production; tests pass a map lookup.
func ProfileFromEnv(getenv func(string) string) Profile {
	p := Profile{Name: "env", BaseURL: DefaultBaseURL, APIKeyEnv: DefaultAPIKeyEnv}
	if u := strings.TrimSpace(getenv("OPENAI_BASE_URL")); u != "" {
		p.BaseURL = u
	}
	p.Model = strings.TrimSpace(getenv(ModelEnv))
	return p.WithDefaults()
}

// ModelEnv names the variable that gives the judge model when no
// configuration file does.
const ModelEnv = "STEPWISE_JUDGE_MODEL"

// WithDefaults fills every zero field with its default.
func (p Profile) WithDefaults() Profile {
	if p.BaseURL == "" {
		p.BaseURL = DefaultBaseURL
	}
	if p.APIKeyEnv == "" {
		p.APIKeyEnv = DefaultAPIKeyEnv
	}
	if p.MaxTokens == 0 {
		p.MaxTokens = DefaultMaxTokens
	}
	if p.Concurrency <= 0 {
		p.Concurrency = DefaultConcurrency
	}
	if p.Retries == 0 {
		p.Retries = DefaultRetries
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.Structured == "" {
		p.Structured = StructuredSchema
	}
	if p.Temperature == nil {
		zero := 0.0
		p.Temperature = &zero
	}
	return p
}

// Validate reports what makes the profile unusable.
func (p Profile) Validate() error {
	var errs []error
	u, err := url.Parse(p.BaseURL)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("base URL %q: %w", p.BaseURL, err))
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, fmt.Errorf("base URL %q: scheme must be http or https", Redact(p.BaseURL)))
	case u.User != nil:
		errs = append(errs, errors.New("base URL must not carry credentials; put the key in the environment variable named by api_key_env"))
	}
	if strings.TrimSpace(p.Model) == "" {
		errs = append(errs, errors.New("model is empty"))
	}
	switch p.Structured {
	case "", StructuredSchema, StructuredObject, StructuredOff:
	default:
		errs = append(errs, fmt.Errorf("structured %q: want %s, %s or %s", p.Structured, StructuredSchema, StructuredObject, StructuredOff))
	}
	if p.InputPricePerM < 0 || p.OutputPricePerM < 0 {
		errs = append(errs, errors.New("prices must not be negative"))
	}
	if p.MaxTokens < 0 {
		errs = append(errs, errors.New("max_tokens must not be negative"))
	}
	if len(errs) > 0 {
		name := p.Name
		if name == "" {
			name = "(unnamed)"
		}
		return fmt.Errorf("llm profile %s: %w", name, errors.Join(errs...))
	}
	return nil
}

// Endpoint is the base URL as recorded in provenance: no user info, no query.
func (p Profile) Endpoint() string { return Redact(p.BaseURL) }

// Cost is the USD price of the given usage under the profile's prices.
func (p Profile) Cost(u Usage) float64 {
	return (float64(u.PromptTokens)*p.InputPricePerM + float64(u.CompletionTokens)*p.OutputPricePerM) / 1e6
}

// Redact strips user info, query and fragment from a URL so that a key pasted
// into a base URL never reaches provenance, logs or errors.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

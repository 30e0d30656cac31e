package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestJudgeProfiles(t *testing.T) {
	c, err := LoadFile(write(t, `
[judge]
profile = "local"
concurrency = 3
prompts = "my-prompts"
[judge.profiles.local]
base_url = "http://localhost:8000/v1"
model = "qwen"
api_key_env = "VLLM_KEY"
temperature = 0.6
max_tokens = 512
input_price_per_m = 0.5
output_price_per_m = 1.5
timeout = "90s"
extra = { chat_template_kwargs = { enable_thinking = false } }
[judge.profiles.cloud]
model = "gpt-x"
[judge.sandbox]
enabled = false
python = "/usr/bin/python3"
`))
	if err != nil {
		t.Fatal(err)
	}
	j := c.Judge
	if got := strings.Join(j.ProfileNames(), ","); got != "cloud,local" {
		t.Fatalf("profiles %q", got)
	}
	p, err := j.ResolveProfile("", envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "local" || p.BaseURL != "http://localhost:8000/v1" || p.Model != "qwen" || p.APIKeyEnv != "VLLM_KEY" ||
		*p.Temperature != 0.6 || p.MaxTokens != 512 || p.InputPricePerM != 0.5 || p.OutputPricePerM != 1.5 ||
		p.Timeout != 90*time.Second {
		t.Fatalf("local profile: %+v", p)
	}
	kw, _ := p.Extra["chat_template_kwargs"].(map[string]any)
	if kw["enable_thinking"] != false {
		t.Fatalf("extra: %#v", p.Extra)
	}
	// A profile without base_url or key variable takes the environment's.
	p, err = j.ResolveProfile("cloud", envMap(map[string]string{"OPENAI_BASE_URL": "https://api.example.org/v1"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != "https://api.example.org/v1" || p.APIKeyEnv != "OPENAI_API_KEY" || p.Model != "gpt-x" || *p.Temperature != 0 {
		t.Fatalf("cloud profile: %+v", p)
	}
	if j.Sandbox.On() || j.Sandbox.SandboxConfig().Python != "/usr/bin/python3" {
		t.Fatalf("sandbox: %+v", j.Sandbox)
	}
	if d, _ := j.PromptsDir("/etc/sw"); d != "/etc/sw/my-prompts" {
		t.Fatalf("prompts dir %q", d)
	}
	if _, err := j.ResolveProfile("nope", envMap(nil)); err == nil || !strings.Contains(err.Error(), "cloud, local") {
		t.Fatalf("unknown profile: %v", err)
	}
}

func TestJudgeDefaultsToEnvironment(t *testing.T) {
	var j judgerun.Settings
	p, err := j.ResolveProfile("", envMap(map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "env" || p.BaseURL != "http://127.0.0.1:9/v1" || p.APIKeyEnv != "OPENAI_API_KEY" {
		t.Fatalf("env profile: %+v", p)
	}
	if !j.Sandbox.On() {
		t.Fatal("the sandbox is on unless turned off")
	}
	// One profile and no default: that one.
	j.Profiles = map[string]judgerun.ProfileSettings{"only": {Model: "m"}}
	if p, _ := j.ResolveProfile("", envMap(nil)); p.Name != "only" {
		t.Fatalf("single profile not the default: %+v", p)
	}
}

func TestJudgeRefusesKeysInTheFile(t *testing.T) {
	c, err := LoadFile(write(t, "[judge.profiles.x]\nmodel = \"m\"\napi_key = \"sk-secret\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Judge.ResolveProfile("x", envMap(nil))
	if err == nil || !strings.Contains(err.Error(), "environment") || strings.Contains(err.Error(), "sk-secret") {
		t.Fatalf("api_key: %v", err)
	}
	c.Judge.Profiles["x"] = judgerun.ProfileSettings{Model: "m", APIKeyEnv: "sk-abc123-def"}
	if _, err := c.Judge.ResolveProfile("x", envMap(nil)); err == nil || !strings.Contains(err.Error(), "api_key_env") {
		t.Fatalf("key pasted as a variable name: %v", err)
	}
	c.Judge.Profiles["x"] = judgerun.ProfileSettings{Model: "m", BaseURL: "https://user:pw@h/v1"}
	if _, err := c.Judge.ResolveProfile("x", envMap(nil)); err == nil || strings.Contains(err.Error(), "pw") {
		t.Fatalf("credentials in the URL: %v", err)
	}
	c.Judge.Profiles["x"] = judgerun.ProfileSettings{Model: "m", Timeout: "soon"}
	if _, err := c.Judge.ResolveProfile("x", envMap(nil)); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("bad timeout: %v", err)
	}
}

func TestJudgeUnknownSettingNamesLine(t *testing.T) {
	p := write(t, "[judge.profiles.x]\nmodel = \"m\"\nbase_ulr = \"http://h\"\n")
	_, err := LoadFile(p)
	if err == nil || !strings.Contains(err.Error(), p+":3") || !strings.Contains(err.Error(), "base_ulr") {
		t.Fatalf("typo: %v", err)
	}
}

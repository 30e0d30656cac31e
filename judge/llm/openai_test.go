package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/llm/llmtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func newClient(t *testing.T, srv *llmtest.Server, mod func(*llm.Profile)) *llm.OpenAI {
	t.Helper()
	p := llm.Profile{Name: "test", BaseURL: srv.BaseURL(), Model: "judge-model", APIKeyEnv: "TEST_KEY"}
	if mod != nil {
		mod(&p)
	}
	c, err := llm.NewOpenAI(p, llm.WithGetenv(env(map[string]string{"TEST_KEY": "sk-test-123"})))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func user(s string) llm.Request {
	return llm.Request{Messages: []llm.Message{{Role: llm.RoleSystem, Content: "sys"}, {Role: llm.RoleUser, Content: s}}}
}

func replay(name string) llmtest.Handler {
	return func(int, llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Body: llmtest.Recording(name)} }
}

func TestVLLMReasoningField(t *testing.T) {
	srv := llmtest.NewServer(replay("constructed_vllm_reasoning"))
	defer srv.Close()
	c := newClient(t, srv, nil)
	var streamed strings.Builder
	req := user("what is 2+3?")
	req.OnDelta = func(d llm.Delta) { streamed.WriteString(d.Content) }
	resp, err := c.Chat(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "2 + 3 = 5" {
		t.Errorf("content %q", resp.Content)
	}
	if streamed.String() != "2 + 3 = 5" {
		t.Errorf("streamed content %q", streamed.String())
	}
	if resp.Reasoning != "The user asks for 2 + 3. Adding gives 5." {
		t.Errorf("reasoning %q", resp.Reasoning)
	}
	if resp.Usage != (llm.Usage{PromptTokens: 17, CompletionTokens: 23}) || !resp.UsageKnown {
		t.Errorf("usage %+v known=%v", resp.Usage, resp.UsageKnown)
	}
	if resp.FinishReason != "stop" || resp.Model != "Qwen/Qwen3-8B" || resp.Attempts != 1 {
		t.Errorf("finish %q model %q attempts %d", resp.FinishReason, resp.Model, resp.Attempts)
	}

	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if !r.Stream || r.Model != "judge-model" || r.MaxTokens != llm.DefaultMaxTokens {
		t.Errorf("request stream=%v model=%q max_tokens=%d", r.Stream, r.Model, r.MaxTokens)
	}
	if r.Temperature == nil || *r.Temperature != 0 {
		t.Errorf("temperature %v, want 0", r.Temperature)
	}
	if !strings.Contains(string(r.StreamOptions), `"include_usage":true`) {
		t.Errorf("stream_options %s", r.StreamOptions)
	}
	if r.Authorization != "Bearer sk-test-123" {
		t.Errorf("authorization %q", r.Authorization)
	}
	if len(r.Messages) != 2 || r.Messages[0].Role != "system" || r.User() != "what is 2+3?" {
		t.Errorf("messages %+v", r.Messages)
	}
}

func TestDeepSeekReasoningContentAndUsageDetails(t *testing.T) {
	srv := llmtest.NewServer(replay("constructed_deepseek_reasoning_content"))
	defer srv.Close()
	resp, err := newClient(t, srv, nil).Chat(context.Background(), user("check"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Reasoning != "Step 3 claims 7 × 8 = 54, but 7 × 8 = 56." {
		t.Errorf("reasoning %q", resp.Reasoning)
	}
	if resp.Content != `{"verdict": "incorrect", "first_error": 3}` {
		t.Errorf("content %q", resp.Content)
	}
	want := llm.Usage{PromptTokens: 120, CompletionTokens: 64, ReasoningTokens: 41, CachedTokens: 96}
	if resp.Usage != want {
		t.Errorf("usage %+v, want %+v", resp.Usage, want)
	}
}

func TestOpenAIPlainStream(t *testing.T) {
	srv := llmtest.NewServer(replay("constructed_openai_plain"))
	defer srv.Close()
	resp, err := newClient(t, srv, nil).Chat(context.Background(), user("judge"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "Therefore, Response 2 is better." || resp.Reasoning != "" {
		t.Errorf("content %q reasoning %q", resp.Content, resp.Reasoning)
	}
	if resp.Usage != (llm.Usage{PromptTokens: 250, CompletionTokens: 9, CachedTokens: 128}) {
		t.Errorf("usage %+v", resp.Usage)
	}
}

func TestInlineThinkBlock(t *testing.T) {
	srv := llmtest.NewServer(replay("constructed_think_inline"))
	defer srv.Close()
	resp, err := newClient(t, srv, nil).Chat(context.Background(), user("x"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Reasoning != "Check each step." || resp.Content != "All steps hold." {
		t.Errorf("reasoning %q content %q", resp.Reasoning, resp.Content)
	}
}

func TestLengthFinish(t *testing.T) {
	srv := llmtest.NewServer(replay("constructed_length"))
	defer srv.Close()
	c := newClient(t, srv, nil)
	resp, err := c.Chat(context.Background(), user("x"))
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated() || resp.Content != `{"criteria": ["Is the arithmetic` {
		t.Errorf("truncated=%v content %q", resp.Truncated(), resp.Content)
	}
	if _, err := c.Complete(context.Background(), "sys", "x"); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("Complete on a length stop: err %v", err)
	}
}

func TestCompleterSendsSystemAndUser(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "theorem t : 2 + 2 = 4 := by sorry"})}
	})
	defer srv.Close()
	out, err := newClient(t, srv, nil).Complete(context.Background(), "formalize", "2+2=4")
	if err != nil || out != "theorem t : 2 + 2 = 4 := by sorry" {
		t.Fatalf("out %q err %v", out, err)
	}
	r := srv.Requests()[0]
	if len(r.Messages) != 2 || r.Messages[0].Content != "formalize" || r.Messages[1].Content != "2+2=4" {
		t.Errorf("messages %+v", r.Messages)
	}
}

func TestRetryOn429HonoursRetryAfter(t *testing.T) {
	srv := llmtest.NewServer(func(n int, _ llmtest.ChatRequest) llmtest.Reply {
		if n < 2 {
			return llmtest.Reply{Status: 429, Message: "slow down", Header: map[string]string{"Retry-After-Ms": "5"}}
		}
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "ok"})}
	})
	defer srv.Close()
	start := time.Now()
	resp, err := newClient(t, srv, nil).Chat(context.Background(), user("x"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 3 || resp.Content != "ok" || len(srv.Requests()) != 3 {
		t.Errorf("attempts %d content %q requests %d", resp.Attempts, resp.Content, len(srv.Requests()))
	}
	// Two waits of 5 ms, not the default half-second back-off.
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("took %v: Retry-After-Ms ignored", d)
	}
}

func TestRetryGivesUpOn5xx(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 503, Message: "no capacity", Header: map[string]string{"Retry-After": "0.001"}}
	})
	defer srv.Close()
	_, err := newClient(t, srv, func(p *llm.Profile) { p.Retries = 2 }).Chat(context.Background(), user("x"))
	var se *llm.StatusError
	if !errors.As(err, &se) || se.Status != 503 || !strings.Contains(err.Error(), "no capacity") {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || len(srv.Requests()) != 3 {
		t.Errorf("err %v, %d requests", err, len(srv.Requests()))
	}
}

func TestNoRetryOn400(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 400, Message: "model not found"}
	})
	defer srv.Close()
	_, err := newClient(t, srv, nil).Chat(context.Background(), user("x"))
	if err == nil || len(srv.Requests()) != 1 {
		t.Fatalf("err %v, %d requests", err, len(srv.Requests()))
	}
}

func TestRetryAfterMidStreamErrorAndDroppedConnection(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first llmtest.Reply
	}{
		{"error event", llmtest.Reply{Body: llmtest.Recording("constructed_error_event")}},
		{"dropped connection", llmtest.Reply{Body: llmtest.Recording("constructed_vllm_reasoning"), CutAfter: 400}},
		{"no finish reason", llmtest.Reply{Body: []byte("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewServer(func(n int, _ llmtest.ChatRequest) llmtest.Reply {
				if n == 0 {
					return tc.first
				}
				return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "whole answer"})}
			})
			defer srv.Close()
			var mu sync.Mutex
			var got strings.Builder
			restarts := 0
			req := user("x")
			req.OnDelta = func(d llm.Delta) {
				mu.Lock()
				defer mu.Unlock()
				if d.Restart {
					restarts++
					got.Reset()
				}
				got.WriteString(d.Content)
			}
			resp, err := newClient(t, srv, nil).Chat(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Content != "whole answer" || resp.Attempts != 2 || restarts != 1 || got.String() != "whole answer" {
				t.Errorf("content %q attempts %d restarts %d streamed %q", resp.Content, resp.Attempts, restarts, got.String())
			}
		})
	}
}

func TestAttemptTimeout(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Delay: 3 * time.Second, Body: llmtest.Stream(llmtest.Answer{Content: "late"})}
	})
	defer srv.Close()
	c := newClient(t, srv, func(p *llm.Profile) { p.Timeout = 100 * time.Millisecond; p.Retries = -1 })
	start := time.Now()
	_, err := c.Chat(context.Background(), user("x"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

func TestCancellation(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Delay: 5 * time.Second, Body: llmtest.Stream(llmtest.Answer{Content: "late"})}
	})
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := newClient(t, srv, nil).Chat(ctx, user("x"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests: a cancelled call must not be retried", n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Delay: 40 * time.Millisecond, Body: llmtest.Stream(llmtest.Answer{Content: "ok"})}
	})
	defer srv.Close()
	c := newClient(t, srv, func(p *llm.Profile) { p.Concurrency = 2 })
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Chat(context.Background(), user("x")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := srv.MaxInFlight(); got != 2 {
		t.Errorf("max in flight %d, want 2", got)
	}
}

var verdictSchema = &llm.Schema{Name: "verdict", Schema: map[string]any{
	"type": "object", "additionalProperties": false, "required": []string{"winner"},
	"properties": map[string]any{"winner": map[string]any{"type": "integer"}},
}}

func TestStructuredOutputSent(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: `{"winner":1}`})}
	})
	defer srv.Close()
	req := user("x")
	req.Schema = verdictSchema
	resp, err := newClient(t, srv, nil).Chat(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string         `json:"name"`
			Strict bool           `json:"strict"`
			Schema map[string]any `json:"schema"`
		} `json:"json_schema"`
	}
	if err := json.Unmarshal(srv.Requests()[0].ResponseFormat, &rf); err != nil {
		t.Fatal(err)
	}
	if rf.Type != "json_schema" || rf.JSONSchema.Name != "verdict" || !rf.JSONSchema.Strict || rf.JSONSchema.Schema["type"] != "object" {
		t.Errorf("response_format %+v", rf)
	}
	if !resp.Structured {
		t.Error("Structured not reported")
	}
}

func TestStructuredOutputFallback(t *testing.T) {
	srv := llmtest.NewServer(func(_ int, r llmtest.ChatRequest) llmtest.Reply {
		if len(r.ResponseFormat) > 0 {
			return llmtest.Reply{Status: 400, Message: "response_format is not supported by this server"}
		}
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: `{"winner":2}`})}
	})
	defer srv.Close()
	c := newClient(t, srv, nil)
	for i := range 2 {
		req := user("x")
		req.Schema = verdictSchema
		resp, err := c.Chat(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Structured || resp.Content != `{"winner":2}` {
			t.Errorf("call %d: structured=%v content %q", i, resp.Structured, resp.Content)
		}
	}
	// One rejected request, then plain requests only.
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestNoKeyNoOpenAIEnvLeak(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-must-not-leak")
	t.Setenv("OPENAI_ORG_ID", "org-must-not-leak")
	t.Setenv("OPENAI_CUSTOM_HEADERS", "X-Leak: yes")
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "ok"})}
	})
	defer srv.Close()
	p := llm.Profile{BaseURL: srv.BaseURL(), Model: "m", APIKeyEnv: "LOCAL_SERVER_KEY"}
	c, err := llm.NewOpenAI(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chat(context.Background(), user("x")); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Authorization != "" || r.Header.Get("OpenAI-Organization") != "" || r.Header.Get("X-Leak") != "" {
		t.Errorf("leaked headers: auth %q org %q custom %q", r.Authorization, r.Header.Get("OpenAI-Organization"), r.Header.Get("X-Leak"))
	}
}

func TestProfileOptionsReachTheRequest(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "ok"})}
	})
	defer srv.Close()
	temp := 0.7
	c := newClient(t, srv, func(p *llm.Profile) {
		p.Temperature = &temp
		p.MaxTokens = 333
		p.MaxCompletionTokens = true
		p.ReasoningEffort = "low"
		p.NoStreamUsage = true
		p.Extra = map[string]any{"chat_template_kwargs": map[string]any{"enable_thinking": false}}
	})
	req := user("x")
	req.MaxTokens = 77
	if _, err := c.Chat(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.MaxCompletion != 77 || r.MaxTokens != 0 || *r.Temperature != 0.7 || r.Raw["reasoning_effort"] != "low" {
		t.Errorf("max_completion %d max_tokens %d temp %v effort %v", r.MaxCompletion, r.MaxTokens, *r.Temperature, r.Raw["reasoning_effort"])
	}
	if len(r.StreamOptions) != 0 {
		t.Errorf("stream_options sent: %s", r.StreamOptions)
	}
	kw, _ := r.Raw["chat_template_kwargs"].(map[string]any)
	if kw["enable_thinking"] != false {
		t.Errorf("chat_template_kwargs %v", r.Raw["chat_template_kwargs"])
	}
}

func TestMissingUsageIsUnknown(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Body: llmtest.Stream(llmtest.Answer{Content: "ok", NoUsage: true})}
	})
	defer srv.Close()
	resp, err := newClient(t, srv, nil).Chat(context.Background(), user("x"))
	if err != nil || resp.UsageKnown || resp.Usage != (llm.Usage{}) {
		t.Errorf("err %v known %v usage %+v", err, resp.UsageKnown, resp.Usage)
	}
}

func TestServerErrorNeverEchoesKey(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Status: 401, Message: "invalid api key"}
	})
	defer srv.Close()
	_, err := newClient(t, srv, nil).Chat(context.Background(), user("x"))
	if err == nil || strings.Contains(err.Error(), "sk-test-123") {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "401") {
		t.Errorf("err %v does not name the status", err)
	}
	_ = http.StatusUnauthorized
}

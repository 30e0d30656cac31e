package llm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/llm/llmtest"
)

// FuzzStreamBody serves arbitrary bytes as the SSE body: a hostile or broken
// server must give an answer or an error, never a panic or a hang.
func FuzzStreamBody(f *testing.F) {
	for _, name := range []string{"constructed_vllm_reasoning", "constructed_deepseek_reasoning_content", "constructed_length", "constructed_error_event"} {
		f.Add(llmtest.Recording(name))
	}
	f.Add([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":7},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	var body []byte
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Body: body} })
	f.Cleanup(srv.Close)
	c, err := llm.NewOpenAI(llm.Profile{BaseURL: srv.BaseURL(), Model: "m", Retries: -1, Timeout: 2 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		body = b
		resp, err := c.Chat(context.Background(), llm.Request{Messages: []llm.Message{{Role: "user", Content: "x"}}})
		if err == nil && resp.FinishReason == "" {
			t.Fatalf("success without a finish reason: %+v", resp)
		}
	})
}

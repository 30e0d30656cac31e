package judge_test

import (
	"context"
	"testing"

	"github.com/stepwise-dev/stepwise/judge/llm"
	"github.com/stepwise-dev/stepwise/judge/llm/llmtest"
	"github.com/stepwise-dev/stepwise/verify"
)

// The lead plugs the judge's client into verify's autoformalizer: both the
// client and the generic adapter must satisfy verify.Completer.
var (
	_ verify.Completer = (*llm.OpenAI)(nil)
	_ verify.Completer = llm.Completer{}
)

func TestClientDrivesAutoFormalizer(t *testing.T) {
	srv := llmtest.NewServer(func(int, llmtest.ChatRequest) llmtest.Reply {
		return reply("```lean\ntheorem test : (7 * 8 : ℝ) = 56 := by sorry\n```")
	})
	defer srv.Close()
	c, err := llm.NewOpenAI(llm.Profile{BaseURL: srv.BaseURL(), Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	stmt, skip, err := verify.ParseAutoformalization(mustComplete(t, c))
	if err != nil || skip || stmt == "" {
		t.Fatalf("statement %q skip %v err %v", stmt, skip, err)
	}
}

func mustComplete(t *testing.T, c verify.Completer) string {
	t.Helper()
	out, err := c.Complete(context.Background(), "formalize", "7 × 8 = 56")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRedactSecrets(t *testing.T) {
	key := "sk-proj-AbC123xyz987"
	cases := []struct{ in, leak string }{
		{"invalid key Bearer " + key, key},
		{"Authorization: Bearer tok_live_42abc", "tok_live_42abc"},
		{`{"error": {"message": "bad api_key=zz9-secret-value"}}`, "zz9-secret-value"},
		{`"api-key": "abcd-1234-efgh"`, "abcd-1234-efgh"},
		{"your key " + key + " is revoked", key},
		{"Basic dXNlcjpwYXNz rejected", "dXNlcjpwYXNz"},
		{"token sk-ant-api03-XYZxyz was rate limited", "sk-ant-api03-XYZxyz"},
	}
	for _, c := range cases {
		got := RedactSecrets(c.in, key)
		if strings.Contains(got, c.leak) || !strings.Contains(got, Redacted) {
			t.Errorf("RedactSecrets(%q) = %q", c.in, got)
		}
	}
	// Ordinary text stays as it is.
	for _, s := range []string{"model not found: qwen-7b", "the answer is 42", "max_tokens must be at most 4096"} {
		if got := RedactSecrets(s, key); got != s {
			t.Errorf("RedactSecrets(%q) = %q: ordinary text changed", s, got)
		}
	}
}

// TestEchoedKeyNeverInErrors: an endpoint that echoes the Authorization
// header in its error body gets an error whose text does not hold the key.
func TestEchoedKeyNeverInErrors(t *testing.T) {
	key := "sk-echoed-secret-1234567"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":{"message":"invalid key %s (raw: %s)","type":"invalid_request_error"}}`,
			r.Header.Get("Authorization"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()
	c, err := NewOpenAI(Profile{BaseURL: srv.URL + "/v1", Model: "m", APIKeyEnv: "K", Retries: -1},
		WithGetenv(func(string) string { return key }))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chat(context.Background(), Request{Messages: []Message{{Role: RoleUser, Content: "hi"}}})
	if err == nil {
		t.Fatal("no error from a 400")
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 400 {
		t.Fatalf("error %v, want a StatusError 400", err)
	}
	if strings.Contains(err.Error(), key) || strings.Contains(se.Message, key) || strings.Contains(se.Message, "echoed-secret") {
		t.Fatalf("the key leaked into the error: %v", err)
	}
}

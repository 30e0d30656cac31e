// Package llmtest is a test double for OpenAI-compatible chat endpoints: a
// local httptest server that replays recorded streaming responses (server-sent
// events in the documented wire format: data: lines, the usage-only final
// chunk with empty choices, data: [DONE]) or synthesizes them in that same
// format from a script. It records every request it receives.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise/judge/llm"
)

// ChatRequest is what the double understood of one request.
type ChatRequest struct {
	Model          string          `json:"model"`
	Messages       []llm.Message   `json:"messages"`
	Stream         bool            `json:"stream"`
	StreamOptions  json.RawMessage `json:"stream_options"`
	ResponseFormat json.RawMessage `json:"response_format"`
	MaxTokens      int             `json:"max_tokens"`
	MaxCompletion  int             `json:"max_completion_tokens"`
	Temperature    *float64        `json:"temperature"`
	// Raw is the whole body, for fields the struct does not name.
	Raw map[string]any `json:"-"`
	// Authorization is the request's Authorization header.
	Authorization string `json:"-"`
	// Header is every request header.
	Header http.Header `json:"-"`
}

// User is the content of the last user message.
func (r ChatRequest) User() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == llm.RoleUser {
			return r.Messages[i].Content
		}
	}
	return ""
}

// SchemaName is response_format.json_schema.name, "" without one.
func (r ChatRequest) SchemaName() string {
	var rf struct {
		JSONSchema struct {
			Name string `json:"name"`
		} `json:"json_schema"`
	}
	_ = json.Unmarshal(r.ResponseFormat, &rf)
	return rf.JSONSchema.Name
}

// Reply is what the double sends back for one request.
type Reply struct {
	// Status other than 0 or 200 sends an OpenAI-style error body.
	Status  int
	Message string
	Header  map[string]string
	// Body is the raw SSE stream (a recording or Stream's output).
	Body []byte
	// CutAfter, when positive, drops the connection after that many bytes of
	// Body, as a dying server would.
	CutAfter int
	// Delay is waited before answering (for timeout and concurrency tests).
	Delay time.Duration
}

// Handler decides the reply to one request; n counts requests from 0.
type Handler func(n int, req ChatRequest) Reply

// Server is the running double.
type Server struct {
	*httptest.Server
	handler Handler

	mu       sync.Mutex
	requests []ChatRequest
	inFlight int
	maxIn    int
}

// NewServer starts a double answering with h. Close it when done.
func NewServer(h Handler) *Server {
	s := &Server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// BaseURL is the /v1 base to put in a profile.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Requests returns a copy of the requests received so far.
func (s *Server) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.requests...)
}

// MaxInFlight is the most requests the double served at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		writeError(w, http.StatusNotFound, "no route "+r.Method+" "+r.URL.Path)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var req ChatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
		return
	}
	_ = json.Unmarshal(body, &req.Raw)
	req.Authorization = r.Header.Get("Authorization")
	req.Header = r.Header.Clone()

	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, req)
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	rep := s.handler(n, req)
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		writeError(w, rep.Status, rep.Message)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	b := rep.Body
	if rep.CutAfter > 0 && rep.CutAfter < len(b) {
		b = b[:rep.CutAfter]
		w.Header().Set("Content-Length", fmt.Sprint(len(rep.Body)))
	}
	_, _ = w.Write(b)
	if rep.CutAfter > 0 {
		// Hijack and close so the client sees a broken body, not a clean end.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	if msg == "" {
		msg = http.StatusText(status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": msg, "type": "invalid_request_error", "param": nil, "code": nil,
	}})
	_, _ = w.Write(b)
}

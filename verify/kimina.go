package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kimina checks Lean on a Kimina Lean Server: snippets from concurrent
// checks are gathered into batches for POST /api/check, with the bearer key
// from the environment and exponential back-off on 429 and 5xx.
type Kimina struct {
	cfg    Config
	url    string
	key    string
	client *http.Client
	queue  chan *kiminaItem
	stop   chan struct{}
	once   sync.Once
	seq    atomic.Int64
	// Requests counts HTTP requests sent (tests and stats).
	Requests atomic.Int64
}

type kiminaItem struct {
	ctx   context.Context
	code  string
	id    string
	reply chan kiminaReply
}

type kiminaReply struct {
	out leanOutcome
	err error
}

// NewKimina returns a Kimina backend for cfg.KiminaURL. A nil client means
// a default one; the timeout of each request follows the checks' deadlines.
func NewKimina(cfg Config, client *http.Client) *Kimina {
	cfg = cfg.withDefaults()
	if client == nil {
		client = &http.Client{}
	}
	k := &Kimina{cfg: cfg, url: strings.TrimRight(cfg.KiminaURL, "/"), key: os.Getenv(cfg.KiminaKeyEnv),
		client: client, queue: make(chan *kiminaItem), stop: make(chan struct{})}
	go k.batcher()
	return k
}

// Name implements Backend.
func (*Kimina) Name() string { return BackendKimina }

// Toolchain implements Backend. The server does not report its Lean
// version, so the URL stands in for it.
func (k *Kimina) Toolchain(context.Context) string { return "kimina " + k.url }

// Probe implements Prober: GET /health.
func (k *Kimina) Probe(ctx context.Context) Health {
	h := Health{Backend: BackendKimina, Toolchain: k.Toolchain(ctx)}
	enable := "run project-numina/kimina-lean-server and set KIMINA_URL (and " + k.cfg.KiminaKeyEnv + " if it sets LEAN_SERVER_API_KEY)"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, k.url+"/health", nil)
	if err != nil {
		h.Why, h.Enable = "bad KIMINA_URL: "+err.Error(), enable
		return h
	}
	resp, err := k.client.Do(req)
	if err != nil {
		h.Why, h.Enable = "server unreachable: "+err.Error(), enable
		return h
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		h.Why, h.Enable = fmt.Sprintf("health check answered %d: %.100s", resp.StatusCode, body), enable
		return h
	}
	h.Usable = true
	return h
}

// Check implements Backend.
func (k *Kimina) Check(ctx context.Context, job Job) Result {
	res := Result{Backend: BackendKimina, Toolchain: k.Toolchain(ctx)}
	return leanCheck(ctx, k, job, k.cfg.AutoTactics, res)
}

// Close stops the batcher.
func (k *Kimina) Close() error {
	k.once.Do(func() { close(k.stop) })
	return nil
}

// runLean implements leanRunner: each snippet joins the next batch.
func (k *Kimina) runLean(ctx context.Context, header string, snippets []string) ([]leanOutcome, error) {
	items := make([]*kiminaItem, len(snippets))
	for i, s := range snippets {
		code := s
		if header != "" {
			code = header + "\n\n" + s
		}
		items[i] = &kiminaItem{ctx: ctx, code: code, id: "s" + strconv.FormatInt(k.seq.Add(1), 10),
			reply: make(chan kiminaReply, 1)}
		select {
		case k.queue <- items[i]:
		case <-ctx.Done():
			return nil, ctxErr(ctx)
		case <-k.stop:
			return nil, errors.New("kimina backend closed")
		}
	}
	outs := make([]leanOutcome, len(items))
	for i, it := range items {
		select {
		case r := <-it.reply:
			if r.err != nil {
				return nil, r.err
			}
			outs[i] = r.out
		case <-ctx.Done():
			return nil, ctxErr(ctx)
		}
	}
	return outs, nil
}

// batcher gathers items for up to KiminaLinger or KiminaBatch items.
func (k *Kimina) batcher() {
	for {
		var batch []*kiminaItem
		select {
		case it := <-k.queue:
			batch = append(batch, it)
		case <-k.stop:
			return
		}
		timer := time.NewTimer(k.cfg.KiminaLinger)
	gather:
		for len(batch) < k.cfg.KiminaBatch {
			select {
			case it := <-k.queue:
				batch = append(batch, it)
			case <-timer.C:
				break gather
			case <-k.stop:
				timer.Stop()
				return
			}
		}
		timer.Stop()
		go k.send(batch)
	}
}

type kiminaSnippet struct {
	ID   string `json:"id"`
	Code string `json:"code"`
}

type kiminaRequest struct {
	Snippets []kiminaSnippet `json:"snippets"`
	Timeout  int             `json:"timeout"`
	Debug    bool            `json:"debug"`
	Reuse    bool            `json:"reuse"`
}

type kiminaResult struct {
	ID       string          `json:"id"`
	Time     float64         `json:"time"`
	Error    *string         `json:"error"`
	Response json.RawMessage `json:"response"`
}

type kiminaResponse struct {
	Results []kiminaResult `json:"results"`
}

// send posts one batch and hands every item its outcome.
func (k *Kimina) send(batch []*kiminaItem) {
	budget := time.Duration(0)
	req := kiminaRequest{Reuse: true}
	for _, it := range batch {
		d := k.cfg.Timeout
		if dl, ok := it.ctx.Deadline(); ok {
			d = time.Until(dl)
		}
		budget = max(budget, d)
		req.Snippets = append(req.Snippets, kiminaSnippet{ID: it.id, Code: it.code})
	}
	req.Timeout = max(1, int(math.Ceil(budget.Seconds())))
	ctx, cancel := context.WithTimeout(context.Background(), budget+30*time.Second)
	defer cancel()
	// When every check of the batch has ended, drop the request: the server
	// sees the disconnect (499) and frees its REPLs.
	var pending atomic.Int64
	pending.Store(int64(len(batch)))
	for _, it := range batch {
		stop := context.AfterFunc(it.ctx, func() {
			if pending.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}
	results, err := k.post(ctx, req)
	for _, it := range batch {
		if err != nil {
			it.reply <- kiminaReply{err: err}
			continue
		}
		r, ok := results[it.id]
		if !ok {
			it.reply <- kiminaReply{err: fmt.Errorf("kimina: no result for snippet %s", it.id)}
			continue
		}
		out, err := kiminaOutcome(r)
		it.reply <- kiminaReply{out: out, err: err}
	}
}

// post sends the request, retrying 429 and 5xx with exponential back-off
// (honouring Retry-After).
func (k *Kimina) post(ctx context.Context, req kiminaRequest) (map[string]kiminaResult, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	wait := 250 * time.Millisecond
	for attempt := 0; ; attempt++ {
		hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, k.url+"/api/check", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		hreq.Header.Set("Content-Type", "application/json")
		if k.key != "" {
			hreq.Header.Set("Authorization", "Bearer "+k.key)
		}
		k.Requests.Add(1)
		resp, err := k.client.Do(hreq)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%w: kimina request: %v", errLeanTimeout, err)
			}
			return nil, fmt.Errorf("kimina request: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("kimina response: %w", err)
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			return parseKiminaResponse(data)
		case resp.StatusCode == http.StatusUnauthorized:
			return nil, fmt.Errorf("kimina: 401 %.200s (set %s)", data, k.cfg.KiminaKeyEnv)
		case (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500) && attempt < k.cfg.KiminaRetries:
			d := wait
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				d = time.Duration(s) * time.Second
			}
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return nil, fmt.Errorf("%w while backing off from kimina %d", errLeanTimeout, resp.StatusCode)
			}
			wait = min(wait*2, 10*time.Second)
		default:
			return nil, fmt.Errorf("kimina: HTTP %d: %.200s", resp.StatusCode, data)
		}
	}
}

// parseKiminaResponse decodes a CheckResponse, keyed by snippet id.
func parseKiminaResponse(data []byte) (map[string]kiminaResult, error) {
	var r kiminaResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("kimina response is not a CheckResponse: %w", err)
	}
	out := make(map[string]kiminaResult, len(r.Results))
	for _, res := range r.Results {
		out[res.ID] = res
	}
	return out, nil
}

// kiminaOutcome maps one result: an error string (timeout or server
// failure) or a REPL response.
func kiminaOutcome(r kiminaResult) (leanOutcome, error) {
	if r.Error != nil && *r.Error != "" {
		if strings.Contains(*r.Error, "timed out") {
			return leanOutcome{}, fmt.Errorf("%w: kimina: %s", errLeanTimeout, truncate(*r.Error, 500))
		}
		return leanOutcome{}, fmt.Errorf("kimina: %s", truncate(*r.Error, 500))
	}
	if len(r.Response) == 0 || string(r.Response) == "null" {
		return leanOutcome{}, errors.New("kimina: result has neither error nor response")
	}
	o, _, err := parseREPLResponse(r.Response)
	if err != nil && strings.Contains(err.Error(), "neither env") {
		// Kimina may omit env; a response with messages is still an answer.
		var rr replResponse
		if json.Unmarshal(r.Response, &rr) == nil && rr.Message == nil {
			return rr.outcome(), nil
		}
	}
	return o, err
}

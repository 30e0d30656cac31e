package verify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// REPL checks Lean through a pool of leanprover-community/repl processes.
// Each process runs the header once (environment 0) and every snippet on
// top of it; a process is killed with its whole process group on timeout
// or cancel and respawned on the next use.
type REPL struct {
	cfg    Config
	free   chan *replProc // idle slots; nil means "not started"
	once   sync.Once
	tc     string
	mu     sync.Mutex
	live   map[*replProc]bool
	closed bool
}

// NewREPL returns a REPL pool of cfg.REPLPoolSize processes, started lazily.
func NewREPL(cfg Config) *REPL {
	cfg = cfg.withDefaults()
	r := &REPL{cfg: cfg, free: make(chan *replProc, cfg.REPLPoolSize), live: map[*replProc]bool{}}
	for i := 0; i < cfg.REPLPoolSize; i++ {
		r.free <- nil
	}
	return r
}

// Name implements Backend.
func (*REPL) Name() string { return BackendREPL }

// Toolchain implements Backend.
func (r *REPL) Toolchain(context.Context) string {
	r.once.Do(func() {
		r.tc = projectToolchain(r.cfg.LeanProjectDir) + " repl:" + filepath.Base(r.command()[len(r.command())-1])
	})
	return r.tc
}

func (r *REPL) command() []string {
	if len(r.cfg.REPLCommand) > 0 {
		return r.cfg.REPLCommand
	}
	return []string{r.cfg.LakePath, "env", r.cfg.REPLPath}
}

// Probe implements Prober without starting Lean (a start costs seconds).
func (r *REPL) Probe(ctx context.Context) Health {
	h := Health{Backend: BackendREPL}
	enable := "build a Lake project with Mathlib (lake exe cache get && lake build), build leanprover-community/repl " +
		"with the same toolchain, then set LEAN_PROJECT_DIR and LEAN_REPL (or lean_project and repl in the [verify] section of config.toml)"
	if why := checkProject(r.cfg.LeanProjectDir); why != "" {
		h.Why, h.Enable = why, enable
		return h
	}
	cmd := r.command()
	if _, err := exec.LookPath(cmd[0]); err != nil {
		h.Why, h.Enable = cmd[0]+" not found: "+err.Error(), enable
		return h
	}
	if len(r.cfg.REPLCommand) == 0 {
		if r.cfg.REPLPath == "" {
			h.Why, h.Enable = "LEAN_REPL is not set", enable
			return h
		}
		if _, err := os.Stat(r.cfg.REPLPath); err != nil {
			h.Why, h.Enable = "REPL binary: "+err.Error(), enable
			return h
		}
	}
	h.Usable, h.Toolchain = true, r.Toolchain(ctx)
	return h
}

func checkProject(dir string) string {
	if dir == "" {
		return "LEAN_PROJECT_DIR is not set"
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "Lean project directory " + dir + " does not exist"
	}
	if _, err := os.Stat(filepath.Join(dir, "lean-toolchain")); err != nil {
		return dir + " has no lean-toolchain file: not a Lake project"
	}
	return ""
}

// Check implements Backend.
func (r *REPL) Check(ctx context.Context, job Job) Result {
	res := Result{Backend: BackendREPL, Toolchain: r.Toolchain(ctx)}
	return leanCheck(ctx, r, job, r.cfg.AutoTactics, res)
}

// Close kills every REPL process.
func (r *REPL) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for p := range r.live {
		p.kill()
	}
	return nil
}

// runLean implements leanRunner: it takes a process, makes sure it holds
// the header, and runs each snippet on the header's environment.
//
// The check's budget is Lean's time: it starts once a process is free and
// warm. Waiting for a busy pool or for the header's import ends only on an
// explicit cancel (the import has its own REPLStartTimeout).
func (r *REPL) runLean(ctx context.Context, header string, snippets []string) ([]leanOutcome, error) {
	budget := r.cfg.Timeout
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl)
	}
	wait, stopWait := cancelOnly(ctx, 0)
	defer stopWait()
	var p *replProc
	select {
	case p = <-r.free:
	case <-wait.Done():
		return nil, ctx.Err()
	}
	defer func() { r.free <- p }()
	if p != nil && (p.dead() || p.header != header || (r.cfg.REPLMaxUses > 0 && p.uses >= r.cfg.REPLMaxUses)) {
		r.retire(p)
		p = nil
	}
	if p == nil {
		var err error
		if p, err = r.spawn(wait, header); err != nil {
			return nil, err
		}
	}
	ctx, stop := cancelOnly(ctx, budget)
	defer stop()
	outs := make([]leanOutcome, 0, len(snippets))
	for _, s := range snippets {
		o, _, err := p.command(ctx, map[string]any{"cmd": s, "env": p.env})
		if err != nil {
			if p.dead() {
				r.retire(p)
				p = nil
			}
			return nil, err
		}
		outs = append(outs, o)
	}
	return outs, nil
}

func (r *REPL) retire(p *replProc) {
	p.kill()
	r.mu.Lock()
	delete(r.live, p)
	r.mu.Unlock()
}

// spawn starts a REPL process and runs the header on a fresh environment.
func (r *REPL) spawn(ctx context.Context, header string) (*replProc, error) {
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, errors.New("REPL pool is closed")
	}
	cmd := r.command()
	p, err := startREPL(cmd, r.cfg.LeanProjectDir, uint64(r.cfg.REPLMemoryMB)<<20)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.live[p] = true
	r.mu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, r.cfg.REPLStartTimeout)
	defer cancel()
	o, env, err := p.command(sctx, map[string]any{"cmd": header})
	if err == nil {
		if errs := o.errors(); len(errs) > 0 {
			err = fmt.Errorf("the header does not elaborate: %s", firstLine(errs[0].Text))
		}
	}
	if err != nil {
		r.retire(p)
		return nil, fmt.Errorf("starting the REPL: %w", err)
	}
	p.header, p.env = header, env
	return p, nil
}

// replProc is one running REPL process.
type replProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *capWriter
	header string
	env    int
	uses   int
	mu     sync.Mutex
	gone   bool
}

func startREPL(argv []string, dir string, mem uint64) (*replProc, error) {
	cmd := newGroupCmd(context.Background(), argv[0], argv[1:], dir, nil)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &replProc{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 64<<10), stderr: &capWriter{n: 64 << 10}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", strings.Join(argv, " "), err)
	}
	if err := limitMemory(cmd.Process.Pid, mem); err != nil {
		p.kill()
		return nil, fmt.Errorf("limiting REPL memory: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return p, nil
}

func (p *replProc) dead() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gone
}

// kill ends the whole process group.
func (p *replProc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.gone {
		p.gone = true
		_ = killGroup(p.cmd)
		_ = p.stdin.Close()
	}
}

// command sends one request and waits for its response; when ctx ends
// first the process is killed (the REPL has no timeout of its own).
func (p *replProc) command(ctx context.Context, req map[string]any) (leanOutcome, int, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return leanOutcome{}, -1, err
	}
	p.uses++
	type reply struct {
		body []byte
		err  error
	}
	ch := make(chan reply, 1)
	go func() {
		if _, err := p.stdin.Write(append(data, '\n', '\n')); err != nil {
			ch <- reply{err: fmt.Errorf("writing to the REPL: %w", err)}
			return
		}
		body, err := readREPLResponse(p.out)
		ch <- reply{body, err}
	}()
	select {
	case rep := <-ch:
		if rep.err != nil {
			p.kill()
			return leanOutcome{}, -1, fmt.Errorf("%w (stderr: %s)", rep.err, truncate(p.stderr.buf.String(), 500))
		}
		o, env, err := parseREPLResponse(rep.body)
		return o, env, err
	case <-ctx.Done():
		p.kill()
		return leanOutcome{}, -1, ctxErr(ctx)
	}
}

func ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w (process group killed)", errLeanTimeout)
	}
	return ctx.Err()
}

// maxResponse bounds one REPL response.
const maxResponse = 32 << 20

// readREPLResponse reads lines up to the blank line that ends a response
// (the REPL pretty-prints JSON over several lines).
func readREPLResponse(r *bufio.Reader) ([]byte, error) {
	var body []byte
	for {
		line, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) == 0 {
			if len(body) > 0 {
				return body, nil
			}
			if err != nil {
				return nil, fmt.Errorf("REPL closed its output: %w", err)
			}
			continue
		}
		body = append(body, line...)
		if len(body) > maxResponse {
			return nil, fmt.Errorf("REPL response over %d bytes", maxResponse)
		}
		if err != nil {
			if err == io.EOF {
				return body, nil
			}
			return nil, err
		}
	}
}

// cancelOnly returns a context that ends when ctx is canceled explicitly
// (not when its deadline passes), and after budget if budget > 0.
func cancelOnly(ctx context.Context, budget time.Duration) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	var c context.Context
	var cancel context.CancelFunc
	if budget > 0 {
		c, cancel = context.WithTimeout(base, budget)
	} else {
		c, cancel = context.WithCancel(base)
	}
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	return c, func() { stop(); cancel() }
}

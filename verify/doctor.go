package verify

import (
	"context"
	"sync"
)

// Doctor reports, for every backend named in cfg.Backends, whether it is
// usable and, if not, why and how to enable it. It starts no Lean process
// (only `--version` style probes) and runs the probes in parallel.
func Doctor(ctx context.Context, cfg Config) []Health {
	cfg = cfg.withDefaults()
	out := make([]Health, len(cfg.Backends))
	var wg sync.WaitGroup
	for i, name := range cfg.Backends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = probe(ctx, cfg, name)
		}()
	}
	wg.Wait()
	return out
}

func probe(ctx context.Context, cfg Config, name string) Health {
	b := newBackend(cfg, name)
	if b == nil {
		switch name {
		case BackendREPL:
			return NewREPL(cfg).Probe(ctx)
		case BackendLeanCLI:
			return NewLeanCLI(cfg).Probe(ctx)
		case BackendKimina:
			return Health{Backend: name, Why: "KIMINA_URL is not set",
				Enable: "run project-numina/kimina-lean-server and set KIMINA_URL (and " + cfg.KiminaKeyEnv + " if the server requires a key)"}
		}
		return Health{Backend: name, Why: "unknown backend", Enable: "use one of rational, smt-z3, smt-cvc5, lean-repl, kimina, lean-cli"}
	}
	if c, ok := b.(interface{ Close() error }); ok {
		defer c.Close()
	}
	if p, ok := b.(Prober); ok {
		return p.Probe(ctx)
	}
	return Health{Backend: name, Usable: true, Toolchain: b.Toolchain(ctx)}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/judge/errortypes"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// runErrorTypes proposes error types from the keyphrases written for bad
// cases, and records a person's decisions (accept, merge, split, rename)
// in the taxonomy file.
func runErrorTypes(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "accept", "merge", "split", "rename":
			return runErrorTypesDecision(ctx, e, args[0], args[1:])
		}
	}
	fs := newFlags(e, "errortypes", "[--dataset D] [--json] [--export DIR] | accept|merge|split|rename ...",
		"Propose error types from the keyphrases written for bad cases (SEI), grouped by an embedding model when one is\n"+
			"configured ([embeddings] in config.toml), else lexically; decided types come from the taxonomy file.\n"+
			"  stepwise errortypes accept NAME [--name N]       make a proposal a type\n"+
			"  stepwise errortypes merge A B [--name N]         merge two types\n"+
			"  stepwise errortypes split TYPE PHRASE... --name N  move phrases to a new type\n"+
			"  stepwise errortypes rename OLD NEW")
	o := errorTypeFlags(fs)
	asJSON := fs.Bool("json", false, "print the clusters as JSON")
	export := fs.String("export", "", "write each type's bad cases to DIR/<type>.jsonl (a new folder)")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	clusters, cases, code := o.propose(ctx, e)
	if clusters == nil && code != exitOK {
		return code
	}
	if *export != "" {
		db, code := openStore(e, true)
		if db == nil {
			return code
		}
		defer db.Close()
		files, err := errortypes.Export(ctx, db, clusters, cases, *export)
		if err != nil {
			return failed(e, "stepwise errortypes:", err)
		}
		fmt.Fprintf(e.stderr, "wrote %d files to %s\n", len(files), *export)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, c := range clusters {
			enc.Encode(c)
		}
		return exitOK
	}
	printClusters(e, clusters)
	return exitOK
}

// errorTypeOptions are the flags proposing and deciding share.
type errorTypeOptions struct {
	dataset, question, taxonomy string
	threshold                   float64
	lexical                     bool
}

func errorTypeFlags(fs *flag.FlagSet) *errorTypeOptions {
	o := &errorTypeOptions{}
	fs.StringVar(&o.dataset, "dataset", "", "only this dataset's cases")
	fs.StringVar(&o.question, "question", errortypes.DefaultQuestion, "the schema question holding the keyphrases")
	fs.StringVar(&o.taxonomy, "taxonomy", "", "the taxonomy file (default: error-types.toml in the configuration folder)")
	fs.Float64Var(&o.threshold, "threshold", 0, "least average similarity of one type (default 0.5 lexical, 0.8 with embeddings)")
	fs.BoolVar(&o.lexical, "lexical", false, "group lexically even when an embedding model is configured")
	return o
}

func (o *errorTypeOptions) taxonomyPath() (string, error) {
	if o.taxonomy != "" {
		return o.taxonomy, nil
	}
	dir, err := config.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "error-types.toml"), nil
}

// propose reads the cases and the taxonomy and groups the phrases.
func (o *errorTypeOptions) propose(ctx context.Context, e *env) ([]errortypes.Cluster, []errortypes.Case, int) {
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(e.stderr, "stepwise errortypes:", err)
		return nil, nil, exitUsage
	}
	path, err := o.taxonomyPath()
	if err != nil {
		return nil, nil, failed(e, "stepwise errortypes:", err)
	}
	tax, err := errortypes.LoadTaxonomy(path)
	if err != nil {
		return nil, nil, failed(e, "stepwise errortypes:", err)
	}
	db, code := openStore(e, true)
	if db == nil {
		return nil, nil, code
	}
	cases, err := errortypes.Gather(ctx, db, o.dataset, o.question)
	db.Close()
	if err != nil {
		return nil, nil, failed(e, "stepwise errortypes:", err)
	}
	var embedder errortypes.Embedder
	if cfg.Embeddings.Configured() && !o.lexical {
		c, err := cfg.Embeddings.Client(os.Getenv)
		if err != nil {
			return nil, nil, failed(e, "stepwise errortypes:", err)
		}
		embedder = c
	}
	if len(cases) == 0 {
		fmt.Fprintf(e.stderr, "stepwise errortypes: no case has keyphrases for %s yet (answer it in the workbench, or with `stepwise label --from`)\n", o.question)
	}
	clusters, err := errortypes.ProposeWith(ctx, cases, errortypes.Options{Taxonomy: tax, Threshold: o.threshold}, embedder)
	if err != nil {
		return nil, nil, failed(e, "stepwise errortypes:", err)
	}
	return clusters, cases, exitOK
}

func printClusters(e *env, clusters []errortypes.Cluster) {
	for _, c := range clusters {
		kind := "proposed"
		if c.Decided {
			kind = "type"
		}
		fmt.Fprintf(e.stdout, "%s %q — %d case%s\n", kind, termsafe.Line(c.Name), len(c.Cases), plural(len(c.Cases)))
		for _, p := range c.Phrases {
			fmt.Fprintf(e.stdout, "    %3d  %s\n", p.Count, termsafe.Line(p.Text))
		}
		shown := c.Cases[:min(5, len(c.Cases))]
		more := ""
		if len(c.Cases) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(c.Cases)-len(shown))
		}
		fmt.Fprintf(e.stdout, "    cases: %s%s\n", termsafe.Line(strings.Join(shown, ", ")), more)
	}
}

// runErrorTypesDecision applies one decision to the taxonomy file.
func runErrorTypesDecision(ctx context.Context, e *env, what string, args []string) int {
	fs := newFlags(e, "errortypes "+what, "...", "Record a decision about error types in the taxonomy file.")
	o := errorTypeFlags(fs)
	name := fs.String("name", "", "the type's name")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	path, err := o.taxonomyPath()
	if err != nil {
		return failed(e, "stepwise errortypes:", err)
	}
	var decide func(*errortypes.Taxonomy) error
	switch {
	case what == "accept" && len(pos) == 1:
		clusters, _, code := o.propose(ctx, e)
		if code != exitOK {
			return code
		}
		i := slices.IndexFunc(clusters, func(c errortypes.Cluster) bool { return c.Name == pos[0] && !c.Decided })
		if i < 0 {
			return failed(e, "stepwise errortypes:", errors.New("no proposal is named "+pos[0]))
		}
		decide = func(t *errortypes.Taxonomy) error { return t.Accept(clusters[i], *name) }
	case what == "merge" && len(pos) == 2:
		decide = func(t *errortypes.Taxonomy) error { return t.Merge(pos[0], pos[1], *name) }
	case what == "split" && len(pos) >= 2 && *name != "":
		decide = func(t *errortypes.Taxonomy) error { return t.Split(pos[0], pos[1:], *name) }
	case what == "rename" && len(pos) == 2:
		decide = func(t *errortypes.Taxonomy) error { return t.Rename(pos[0], pos[1]) }
	default:
		return usageError(e.stderr, fs, "see `stepwise errortypes -h` for the arguments of "+what)
	}
	tax, err := errortypes.Decide(path, decide)
	if err != nil {
		return failed(e, "stepwise errortypes:", err)
	}
	fmt.Fprintf(e.stdout, "saved %s (%d types)\n", path, len(tax.Types))
	return exitOK
}

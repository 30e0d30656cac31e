package errortypes

import (
	"context"
	"fmt"
	"sort"
)

// Options tune Propose.
type Options struct {
	// Similarity compares two normalized phrases (default Lexical).
	Similarity Similarity
	// Threshold is the least average similarity at which two groups of
	// phrases are one error type (default 0.5).
	Threshold float64
	// Taxonomy holds the types decided so far (nil: none).
	Taxonomy *Taxonomy
}

// Propose groups the cases' keyphrases into error types: the taxonomy's
// types first, holding the phrases it assigns them, then proposals made of
// the other phrases. A case counts each of its phrases once.
func Propose(cases []Case, o Options) []Cluster {
	if o.Similarity == nil {
		o.Similarity = Lexical
	}
	if o.Threshold <= 0 {
		o.Threshold = LexicalThreshold
	}
	if o.Taxonomy == nil {
		o.Taxonomy = &Taxonomy{}
	}
	casesOf := map[string][]string{}
	for _, c := range cases {
		seen := map[string]bool{}
		for _, p := range c.Phrases {
			if p = Normalize(p); p != "" && !seen[p] {
				seen[p] = true
				casesOf[p] = append(casesOf[p], c.TraceID)
			}
		}
	}
	decided := map[string]*Cluster{}
	var free []Phrase
	for p, ids := range casesOf {
		if name := o.Taxonomy.typeOf(p); name != "" {
			c := decided[name]
			if c == nil {
				c = &Cluster{Name: name, Decided: true}
				decided[name] = c
			}
			c.Phrases = append(c.Phrases, Phrase{p, len(ids)})
			continue
		}
		free = append(free, Phrase{p, len(ids)})
	}
	sort.Slice(free, func(i, j int) bool { return free[i].Text < free[j].Text })
	var out []Cluster
	for _, ty := range o.Taxonomy.Types {
		if c := decided[ty.Name]; c != nil {
			out = append(out, finish(*c, casesOf))
		}
	}
	for _, g := range group(free, o.Similarity, o.Threshold) {
		c := Cluster{}
		for _, i := range g {
			c.Phrases = append(c.Phrases, free[i])
		}
		out = append(out, finish(c, casesOf))
	}
	return out
}

// finish orders a cluster's phrases (most written first), names a proposal
// after its most written phrase, and lists its cases once each.
func finish(c Cluster, casesOf map[string][]string) Cluster {
	sort.Slice(c.Phrases, func(i, j int) bool {
		a, b := c.Phrases[i], c.Phrases[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if len(a.Text) != len(b.Text) {
			return len(a.Text) < len(b.Text)
		}
		return a.Text < b.Text
	})
	if !c.Decided {
		c.Name = c.Phrases[0].Text
	}
	seen := map[string]bool{}
	for _, p := range c.Phrases {
		for _, id := range casesOf[p.Text] {
			if !seen[id] {
				seen[id] = true
				c.Cases = append(c.Cases, id)
			}
		}
	}
	sort.Strings(c.Cases)
	return c
}

// Embedder turns phrases into vectors (judge/embed.Client).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float64, error)
}

// Default thresholds: the least average similarity of one type.
const (
	LexicalThreshold   = 0.5
	EmbeddingThreshold = 0.8
)

// ProposeWith groups the cases' phrases as `stepwise errortypes` and the
// workbench do: by the embedder's cosine similarity when there is one
// (each distinct phrase embedded once), else lexically; a zero
// opts.Threshold takes the grouping's default.
func ProposeWith(ctx context.Context, cases []Case, opts Options, e Embedder) ([]Cluster, error) {
	if e == nil {
		return Propose(cases, opts), nil
	}
	sim, err := embeddingSimilarity(ctx, e, cases)
	if err != nil {
		return nil, err
	}
	opts.Similarity = sim
	if opts.Threshold == 0 {
		opts.Threshold = EmbeddingThreshold
	}
	return Propose(cases, opts), nil
}

// embeddingSimilarity embeds every distinct phrase once.
func embeddingSimilarity(ctx context.Context, e Embedder, cases []Case) (Similarity, error) {
	seen := map[string]bool{}
	var phrases []string
	for _, cs := range cases {
		for _, p := range cs.Phrases {
			if p = Normalize(p); p != "" && !seen[p] {
				seen[p] = true
				phrases = append(phrases, p)
			}
		}
	}
	if len(phrases) == 0 {
		return Lexical, nil
	}
	vs, err := e.Embed(ctx, phrases)
	if err != nil {
		return nil, fmt.Errorf("embed error keyphrases: %w", err)
	}
	if len(vs) != len(phrases) {
		return nil, fmt.Errorf("embed error keyphrases: %d vectors for %d phrases", len(vs), len(phrases))
	}
	vectors := map[string][]float64{}
	for i, p := range phrases {
		vectors[p] = vs[i]
	}
	return Cosine(vectors), nil
}

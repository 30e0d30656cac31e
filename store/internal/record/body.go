package record

import (
	"fmt"
	"sort"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// Body versions: 1 wrote every string in full; 2 writes the strings that
// recur on each step (kind, role, label scope, origin, source, category,
// annotator, section kind) as names (enc.name).
const (
	BodyVersion        = 2
	BodyVersionNoNames = 1
)

// BodySizeHint is about the size of a trace's encoded body.
func BodySizeHint(t *stepwise.Trace) int { return len(t.Raw) + 64*len(t.Steps) + 64 }

// AppendBody appends the encoding of the parts of a trace that the summary
// does not hold. Step texts are not written: they are Raw[span].
func AppendBody(b []byte, t *stepwise.Trace) []byte { return AppendBodyVersion(b, t, BodyVersion) }

// AppendBodyVersion appends a body in the given version (the short ids of
// traces without a source id are hashes of their version-1 body).
func AppendBodyVersion(b []byte, t *stepwise.Trace, version byte) []byte {
	e := enc{b: b, plain: version == BodyVersionNoNames}
	e.byte(version)
	e.str(t.Raw)
	e.str(t.Segmenter)
	e.str(t.CorrectBy)
	e.uvarint(uint64(len(t.Sections)))
	for i := range t.Sections {
		encSection(&e, &t.Sections[i])
	}
	e.uvarint(uint64(len(t.Steps)))
	for i := range t.Steps {
		encStep(&e, &t.Steps[i])
	}
	encLabels(&e, t.Labels)
	encUsage(&e, t.Usage)
	encMeta(&e, t.Meta)
	return e.b
}

// DecodeBody fills the body fields of t (whose summary fields are set).
func DecodeBody(t *stepwise.Trace, b []byte) error { return DecodeBodyRaw(t, b, true) }

// DecodeBodyRaw is DecodeBody; with copyRaw false the raw text (and so
// every step's text) is read in place, and t must not outlive the
// transaction b was read in. Export reads a body's text once and writes it
// before its transaction ends: copying 180 MB out of the mapping for 100k
// traces was a tenth of an export.
func DecodeBodyRaw(t *stepwise.Trace, b []byte, copyRaw bool) error {
	d := dec{b: b}
	switch v := d.byte(); {
	case d.err != nil:
	case v == BodyVersion:
		d.named = true
	case v != BodyVersionNoNames:
		return damage.Corrupt("trace %s: body version %d is unknown: the store is damaged, or a newer program wrote it", t.ID, v)
	}
	if copyRaw {
		t.Raw = d.str()
	} else {
		t.Raw = d.view()
	}
	t.Segmenter = d.str()
	t.CorrectBy = d.str()
	if n := d.count(); n > 0 {
		t.Sections = make([]stepwise.Section, n)
		for i := range t.Sections {
			decSection(&d, &t.Sections[i])
		}
	}
	t.Steps = make([]stepwise.Step, d.count())
	for i := range t.Steps {
		t.Steps[i].Index = i
		decStep(&d, &t.Steps[i], t.Raw)
	}
	t.Labels = decLabels(&d)
	t.Usage = decUsage(&d)
	t.Meta = decMeta(&d)
	if d.err != nil {
		return damage.Corrupt("trace %s: an unreadable body: %v", t.ID, d.err)
	}
	return nil
}

func encSection(e *enc, s *stepwise.Section) {
	e.name(string(s.Kind))
	e.str(s.Title)
	e.int(s.Span.Start)
	e.int(s.Span.End)
	e.int(s.FirstStep)
	e.int(s.EndStep)
	encLabels(e, s.Labels)
}

func decSection(d *dec, s *stepwise.Section) {
	s.Kind = stepwise.SectionKind(d.name())
	s.Title = d.str()
	s.Span.Start = d.int()
	s.Span.End = d.int()
	s.FirstStep = d.int()
	s.EndStep = d.int()
	s.Labels = decLabels(d)
}

func encStep(e *enc, s *stepwise.Step) {
	e.name(string(s.Kind))
	e.name(s.Role)
	e.int(s.Span.Start)
	e.int(s.Span.End)
	encLabels(e, s.Labels)
	if s.Tool == nil {
		e.byte(0)
	} else {
		e.byte(1)
		e.str(s.Tool.CallID)
		e.str(s.Tool.Name)
		e.str(s.Tool.Arguments)
		e.str(s.Tool.Error)
	}
	e.uvarint(uint64(len(s.Calcs)))
	for _, c := range s.Calcs {
		e.str(c.Expr)
		e.str(c.Result)
		e.int(c.Span.Start)
		e.int(c.Span.End)
	}
	e.uvarint(uint64(len(s.Formalizations)))
	for i := range s.Formalizations {
		encFormal(e, &s.Formalizations[i])
	}
}

func decStep(d *dec, s *stepwise.Step, raw string) {
	s.Kind = stepwise.StepKind(d.name())
	s.Role = d.name()
	s.Span.Start = d.int()
	s.Span.End = d.int()
	if d.err == nil && (s.Span.Start < 0 || s.Span.End > len(raw) || s.Span.Start > s.Span.End) {
		d.fail(fmt.Errorf("step span %v outside raw text of %d bytes", s.Span, len(raw)))
		return
	}
	if d.err == nil {
		s.Text = raw[s.Span.Start:s.Span.End]
	}
	s.Labels = decLabels(d)
	if d.byte() == 1 {
		s.Tool = &stepwise.Tool{CallID: d.str(), Name: d.str(), Arguments: d.str(), Error: d.str()}
	}
	if n := d.count(); n > 0 {
		s.Calcs = make([]stepwise.Calc, n)
		for i := range s.Calcs {
			c := &s.Calcs[i]
			c.Expr, c.Result = d.str(), d.str()
			c.Span.Start, c.Span.End = d.int(), d.int()
		}
	}
	if n := d.count(); n > 0 {
		s.Formalizations = make([]stepwise.Formalization, n)
		for i := range s.Formalizations {
			decFormal(d, &s.Formalizations[i])
		}
	}
}

func encLabels(e *enc, ls []stepwise.Label) {
	e.uvarint(uint64(len(ls)))
	for i := range ls {
		l := &ls[i]
		e.byte(byte(l.Rating))
		e.name(string(l.Scope))
		e.name(string(l.Origin))
		e.name(l.Source)
		e.int(l.OrigIndex)
		e.int(l.Base)
		e.bool(l.FirstError)
		e.name(l.Category)
		e.str(l.Reason)
		e.optBool(l.Flagged)
		e.name(l.Annotator)
		e.uvarint(uint64(len(l.Alternatives)))
		for _, a := range l.Alternatives {
			e.str(a.Text)
			e.byte(byte(a.Rating))
			e.optBool(a.Flagged)
			e.bool(a.Human)
		}
	}
}

func decLabels(d *dec) []stepwise.Label {
	n := d.count()
	if n == 0 {
		return nil
	}
	ls := make([]stepwise.Label, n)
	for i := range ls {
		l := &ls[i]
		l.Rating = rating(d)
		l.Scope = stepwise.Scope(d.name())
		l.Origin = stepwise.Origin(d.name())
		l.Source = d.name()
		l.OrigIndex = d.int()
		l.Base = d.int()
		l.FirstError = d.bool()
		l.Category = d.name()
		l.Reason = d.str()
		l.Flagged = d.optBool()
		l.Annotator = d.name()
		if m := d.count(); m > 0 {
			l.Alternatives = make([]stepwise.Alternative, m)
			for j := range l.Alternatives {
				a := &l.Alternatives[j]
				a.Text = d.str()
				a.Rating = rating(d)
				a.Flagged = d.optBool()
				a.Human = d.bool()
			}
		}
	}
	return ls
}

func rating(d *dec) stepwise.Rating {
	r := stepwise.Rating(d.byte())
	if r > stepwise.Bad {
		d.fail(fmt.Errorf("unknown rating %d", r))
	}
	return r
}

func encFormal(e *enc, f *stepwise.Formalization) {
	e.str(f.Statement)
	e.str(f.Proof)
	e.str(f.Header)
	e.str(string(f.Origin))
	e.str(string(f.Status))
	e.str(f.StoredState)
	e.str(f.Backend)
	e.str(f.Toolchain)
	e.uvarint(uint64(len(f.Messages)))
	for _, m := range f.Messages {
		e.str(m)
	}
	e.str(f.Evidence)
	e.float(f.ElapsedMS)
	e.str(f.CacheKey)
}

func decFormal(d *dec, f *stepwise.Formalization) {
	f.Statement = d.str()
	f.Proof = d.str()
	f.Header = d.str()
	f.Origin = stepwise.FormalOrigin(d.str())
	f.Status = stepwise.ProofStatus(d.str())
	f.StoredState = d.str()
	f.Backend = d.str()
	f.Toolchain = d.str()
	if n := d.count(); n > 0 {
		f.Messages = make([]string, n)
		for i := range f.Messages {
			f.Messages[i] = d.str()
		}
	}
	f.Evidence = d.str()
	f.ElapsedMS = d.float()
	f.CacheKey = d.str()
}

func encUsage(e *enc, u *stepwise.Usage) {
	if u == nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.int(u.PromptTokens)
	e.int(u.CompletionTokens)
	e.int(u.ReasoningTokens)
	e.float(u.LatencySeconds)
	e.float(u.CostUSD)
}

func decUsage(d *dec) *stepwise.Usage {
	if d.byte() == 0 {
		return nil
	}
	return &stepwise.Usage{PromptTokens: d.int(), CompletionTokens: d.int(), ReasoningTokens: d.int(),
		LatencySeconds: d.float(), CostUSD: d.float()}
}

// encMeta writes the map in key order, so equal traces encode to equal bytes
// (the content hash depends on it).
func encMeta(e *enc, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

func decMeta(d *dec) map[string]string {
	n := d.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/agree"
)

// QuestionAgreement is the agreement of annotators on one schema question:
// Krippendorff's α (nominal) and Cohen's κ per pair for categorical
// questions (a many-of answer is one category per option chosen, as a
// yes/no per option), the mean span-overlap F1 per pair for span
// questions. Numbers and texts are counted, not measured.
type QuestionAgreement struct {
	Question string `json:"question"`
	// Units is how many (trace, step) items at least two annotators
	// answered.
	Units int                `json:"units"`
	Alpha *agree.Coefficient `json:"alpha,omitempty"`
	Pairs []QuestionPair     `json:"pairs,omitempty"`
}

// QuestionPair is two annotators' agreement on a question, over the units
// both answered.
type QuestionPair struct {
	A     string             `json:"a"`
	B     string             `json:"b"`
	N     int                `json:"n"`
	Kappa *agree.Coefficient `json:"kappa,omitempty"`
	// SpanF1 is the mean overlap F1 of their selections (span questions).
	SpanF1 *float64 `json:"span_f1,omitempty"`
}

// answerUnit is one answered item: a trace's step (or the trace) and a
// question.
type answerUnit struct {
	trace string
	key   stepwise.AnswerKey
}

// QuestionAgreements measures the agreement on every schema question
// answered in the store (of the dataset, when one is given), hidden gold
// items left out.
func (db *DB) QuestionAgreements(ctx context.Context, dataset string) ([]QuestionAgreement, error) {
	byTrace := map[string][]stepwise.Annotation{}
	err := db.AllEvents(EventFilter{Dataset: dataset, NoGold: true}, func(e Event) error {
		byTrace[e.TraceID] = append(byTrace[e.TraceID], e.Annotation)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	// question → unit → annotator → answer
	answers := map[string]map[answerUnit]map[string]stepwise.Answer{}
	for id, evs := range byTrace {
		for who, m := range stepwise.FoldAnnotations(evs, 0) {
			for k, a := range m.Answers {
				q := answers[k.Question]
				if q == nil {
					q = map[answerUnit]map[string]stepwise.Answer{}
					answers[k.Question] = q
				}
				u := answerUnit{id, k}
				if q[u] == nil {
					q[u] = map[string]stepwise.Answer{}
				}
				q[u][who] = a.Answer
			}
		}
	}
	var out []QuestionAgreement
	for _, q := range sortedQuestions(answers) {
		out = append(out, measureQuestion(q, answers[q]))
	}
	return out, nil
}

func sortedQuestions(m map[string]map[answerUnit]map[string]stepwise.Answer) []string {
	var qs []string
	for q := range m {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	return qs
}

// measureQuestion computes one question's agreement.
func measureQuestion(q string, units map[answerUnit]map[string]stepwise.Answer) QuestionAgreement {
	qa := QuestionAgreement{Question: q}
	span, categorical := false, false
	coders := map[string]bool{}
	for _, by := range units {
		if len(by) >= 2 {
			qa.Units++
		}
		for who, a := range by {
			coders[who] = true
			span = span || a.Spans != nil
			categorical = categorical || len(a.Categories()) > 0
		}
	}
	if categorical && !span {
		cu := categoryUnits(units)
		if c, err := agree.Alpha(cu, agree.Nominal, nil); err == nil {
			qa.Alpha = &c
		}
	}
	names := make([]string, 0, len(coders))
	for c := range coders {
		names = append(names, c)
	}
	sort.Strings(names)
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if p, ok := pairAgreement(names[i], names[j], units, span); ok {
				qa.Pairs = append(qa.Pairs, p)
			}
		}
	}
	return qa
}

// categoryUnits turns answers into α's units: one unit per item for a
// single category; one unit per item and option for many-of answers, each
// coded yes or no.
func categoryUnits(units map[answerUnit]map[string]stepwise.Answer) agree.Units {
	out := agree.Units{}
	options := map[string]bool{}
	many := false
	for _, by := range units {
		for _, a := range by {
			if a.Choices != nil {
				many = true
			}
			for _, c := range a.Categories() {
				options[c] = true
			}
		}
	}
	for u, by := range units {
		name := fmt.Sprintf("%s\x00%s\x00%d", u.trace, u.key.Question, u.key.Step)
		if !many {
			vals := map[string]string{}
			for who, a := range by {
				if cs := a.Categories(); len(cs) == 1 {
					vals[who] = cs[0]
				}
			}
			out[name] = vals
			continue
		}
		for opt := range options {
			vals := map[string]string{}
			for who, a := range by {
				vals[who] = "no"
				for _, c := range a.Choices {
					if c == opt {
						vals[who] = "yes"
					}
				}
			}
			out[name+"\x00"+opt] = vals
		}
	}
	return out
}

// pairAgreement is two annotators' κ (categorical) or mean span F1 over
// the items both answered.
func pairAgreement(a, b string, units map[answerUnit]map[string]stepwise.Answer, span bool) (QuestionPair, bool) {
	p := QuestionPair{A: a, B: b}
	var xa, xb []string
	f1 := 0.0
	for _, by := range units {
		x, okA := by[a]
		y, okB := by[b]
		if !okA || !okB {
			continue
		}
		p.N++
		if span {
			f1 += stepwise.SpanF1(x.Spans, y.Spans)
			continue
		}
		xa = append(xa, strings.Join(x.Categories(), "|"))
		xb = append(xb, strings.Join(y.Categories(), "|"))
	}
	if p.N == 0 {
		return p, false
	}
	if span {
		m := f1 / float64(p.N)
		p.SpanF1 = &m
		return p, true
	}
	if len(xa) > 0 {
		k := agree.Kappa(xa, xb)
		p.Kappa = &k
	}
	return p, true
}

package store

import (
	"math/big"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
)

// A trace's identity (its dedupe hash and, without a source id, its short
// id) is computed from what its source states, never from the answer
// grader's verdict, so that a newer grader re-grades a trace without making
// it a new record. Imports before the answer grader stored a verdict of
// their own where the source gave none: a "simple normalization" of the
// final answer against the gold one, part of the identity of every trace
// they stored. identityTrace reproduces that verdict, for identity only, so
// that importing the same file again still finds those traces. It must
// never change: the rules below are frozen, not a grader.

// legacyCorrectBy is the CorrectBy those imports wrote.
const legacyCorrectBy = "gold answer (simple normalization)"

// identityTrace returns the trace whose summary and body make it.Trace's
// identity: it.Trace itself, or a copy with the legacy verdict.
func identityTrace(it formats.Item) (*stepwise.Trace, bool) {
	t, p := it.Trace, it.Problem
	if t.Correct != nil || p == nil || p.GoldAnswer == "" || t.FinalAnswer == "" {
		return t, false
	}
	ok := legacyMatch(t.FinalAnswer, p.GoldAnswer)
	cp := *t
	cp.Correct, cp.CorrectBy = &ok, legacyCorrectBy
	return &cp, true
}

// legacyLastBoxed is the content of the last \boxed{...} or \fbox{...}.
func legacyLastBoxed(s string) (string, bool) {
	i := len(s)
	for {
		if i = strings.LastIndexByte(s[:i], '\\'); i < 0 {
			return "", false
		}
		if strings.HasPrefix(s[i:], `\boxed`) || strings.HasPrefix(s[i:], `\fbox`) {
			break
		}
	}
	rest := s[i:]
	if strings.HasPrefix(rest, `\boxed`) {
		rest = rest[len(`\boxed`):]
	} else {
		rest = rest[len(`\fbox`):]
	}
	if strings.HasPrefix(rest, " ") {
		tok := strings.TrimLeft(rest, " ")
		if end := strings.IndexAny(tok, " $\n"); end >= 0 {
			tok = tok[:end]
		}
		return tok, tok != ""
	}
	if !strings.HasPrefix(rest, "{") {
		return "", false
	}
	depth := 0
	for j, r := range rest {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return rest[1:j], true
			}
		}
	}
	return "", false
}

var legacyReplacer = strings.NewReplacer("$", "", `\$`, "", `\!`, "", `\,`, "", " ", "", `\left`, "", `\right`, "",
	`\dfrac`, `\frac`, `\tfrac`, `\frac`, "^\\circ", "", "^{\\circ}", "", "\\%", "", "%", "")

func legacyNormalize(s string) string {
	s = strings.TrimSpace(s)
	if b, ok := legacyLastBoxed(s); ok {
		s = b
	}
	s = legacyReplacer.Replace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if strings.HasPrefix(s, `\text{`) && strings.HasSuffix(s, "}") {
		s = s[len(`\text{`) : len(s)-1]
	}
	if legacyGrouped(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	return s
}

func legacyGrouped(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, _, _ := strings.Cut(s, ".")
	groups := strings.Split(intPart, ",")
	if len(groups) < 2 || len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for i, g := range groups {
		if i > 0 && len(g) != 3 {
			return false
		}
		for _, c := range g {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

func legacyMatch(a, b string) bool {
	na, nb := legacyNormalize(a), legacyNormalize(b)
	if na == nb {
		return na != ""
	}
	ra, ok1 := new(big.Rat).SetString(na)
	rb, ok2 := new(big.Rat).SetString(nb)
	return ok1 && ok2 && ra.Cmp(rb) == 0
}

// storedIdentity returns the summary and body that make a stored trace's
// identity (what its import hashed): the stored ones with the answer
// grader's derivations taken back and, where the source stated no verdict,
// the legacy one put in. Migrations that recompute hashes use it.
func storedIdentity(tx *bolt.Tx, s *Summary, body []byte) (Summary, []byte, error) {
	id := *s
	if id.Graded&record.GradedAnswer != 0 {
		id.FinalAnswer = ""
	}
	if id.Graded&record.GradedVerdict != 0 {
		id.Correct = nil
	}
	// Imports before the grader stored the legacy verdict wherever it
	// applied, so a trace without a verdict, with an answer and a gold
	// answer, was stored since: put the verdict back.
	if id.Correct != nil || id.FinalAnswer == "" {
		return id, body, nil
	}
	p, err := problems.Get(tx, id.ProblemID)
	if err != nil || p == nil || p.GoldAnswer == "" {
		return id, body, err
	}
	t := &stepwise.Trace{ID: id.ID}
	if err := record.DecodeBody(t, body); err != nil {
		return id, body, err
	}
	t.FinalAnswer = id.FinalAnswer
	it, legacy := identityTrace(formats.Item{Trace: t, Problem: p})
	if !legacy {
		return id, body, nil
	}
	id.Correct = it.Correct
	return id, record.AppendBody(nil, it), nil
}

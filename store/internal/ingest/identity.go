package ingest

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/zeebo/xxh3"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// A trace's identity (its dedupe hash and, without a source id, its short
// id) is computed from what its source states, never from the answer
// grader's verdict, so that a newer grader re-grades a trace without making
// it a new record. Imports before the answer grader stored a verdict of
// their own where the source gave none: a "simple normalization" of the
// final answer against the gold one, part of the identity of every trace
// they stored. IdentityTrace reproduces that verdict, for identity only, so
// that importing the same file again still finds those traces. It must
// never change: the rules below are frozen, not a grader.

// LegacyCorrectBy is the CorrectBy those imports wrote (a re-grade takes
// it back as not the source's).
const LegacyCorrectBy = "gold answer (simple normalization)"

// IdentityTrace returns the trace whose summary and body make it.Trace's
// identity: it.Trace itself, or a copy with the legacy verdict.
func IdentityTrace(it formats.Item) (*stepwise.Trace, bool) {
	t, p := it.Trace, it.Problem
	if t.Correct != nil || p == nil || p.GoldAnswer == "" || t.FinalAnswer == "" {
		return t, false
	}
	ok := legacyMatch(t.FinalAnswer, p.GoldAnswer)
	cp := *t
	cp.Correct, cp.CorrectBy = &ok, LegacyCorrectBy
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

// ContentHash identifies what a trace says — its dataset, source id, model,
// sample, problem, answer, correctness, truncation and body — not where it
// was read from, so that the same record read from a copy of a file is a
// duplicate. It is computed from the summary and the body in the current
// encoding only, so that a migration can recompute it from what the store
// holds (re-encoding bodies stored in an older version).
//
// xxh3-128 rather than SHA-256: dedupe needs no resistance to a forger
// (a collision would only skip a trace that differs), and SHA-256 took a
// tenth of an import's CPU.
func ContentHash(s *record.Summary, body []byte) [16]byte {
	// On the stack, with the identity in a stack buffer: a hasher per trace
	// from xxh3.New was a tenth of everything an import allocated.
	var h xxh3.Hasher
	var buf [512]byte
	h.Write(appendIdentity(buf[:0], s, s.ProblemID))
	h.Write(body)
	return h.Sum128().Bytes()
}

// appendIdentity appends what identifies a trace apart from its body, each
// field ended by a zero byte; problem is the problem's id or, for the
// schema-3 short ids, its text.
func appendIdentity(b []byte, s *record.Summary, problem string) []byte {
	for _, f := range []string{s.Dataset, s.SourceID, s.Model, strconv.Itoa(s.Sample), problem,
		s.FinalAnswer, schema.CorrectValue(s.Correct), strconv.FormatBool(s.Truncated)} {
		b = append(append(b, f...), 0)
	}
	return b
}

package search

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/stepwise-dev/stepwise"
)

// Matching rules, shared by Run and FindInTrace so that a count in the
// list is the number of highlights in the trace view:
//
//   - Smart case: case-insensitive unless the query has an upper-case letter
//     (or Query.CaseSensitive is set).
//   - Case-insensitive matching folds ASCII letters with ASCII letters, and
//     other letters by Unicode simple folding (Σ σ ς, Ä ä, ẞ ß). An ASCII
//     letter never matches a non-ASCII one: "k" does not match the Kelvin
//     sign, "s" does not match "ſ". This keeps the fast ASCII path exact.
//   - Matches do not overlap; each is the leftmost one after the previous.
//   - Text that is not valid UTF-8 never matches a letter case-insensitively;
//     a query that is not valid UTF-8 is matched byte for byte.

// matcher finds a query in text.
type matcher struct {
	mode matchMode
	pat  []byte // exact: the query; asciiFold: the query lowered
	// asciiFold: the query byte searched for first (the rarest in reasoning
	// text) and its two cases.
	anchor           int
	anchorA, anchorB byte
	// lowered: the text is lowered first (see prepare) and searched for
	// the lowered query.
	// unicodeFold: the query's runes, and the encodings of the first rune's
	// fold variants (candidate starts).
	runes []rune
	first [][]byte
	// rare: the fold variants of the query's rarest rune, when that is not
	// the first; a text without any of them is passed over at once.
	rare [][]byte
}

type matchMode uint8

const (
	matchExact matchMode = iota
	matchASCIIFold
	matchLowered
	matchUnicodeFold
)

// lowerBelowRank: when even the rarest byte of a case-insensitive ASCII
// query is this common (a letter among the most frequent, as in "the"),
// candidates are too many to check one by one, and lowering the whole text
// first (8 bytes at a time) and searching it exactly is faster.
const lowerBelowRank = 16

// ErrEmptyQuery is returned for a query with no text.
var ErrEmptyQuery = errors.New("search: empty query")

// newMatcher compiles a query under the rules above.
func newMatcher(text string, caseSensitive bool) (*matcher, error) {
	if text == "" {
		return nil, ErrEmptyQuery
	}
	if !caseSensitive && hasUpper(text) {
		caseSensitive = true
	}
	m := &matcher{pat: []byte(text)}
	if caseSensitive || !utf8.ValidString(text) || !hasFoldable(text) {
		return m, nil // matchExact
	}
	if isASCII(text) {
		m.mode = matchASCIIFold
		for i, c := range m.pat {
			m.pat[i] = lowerASCII(c)
		}
		m.anchor = rarestByte(m.pat)
		c := m.pat[m.anchor]
		if byteRank[c] < lowerBelowRank {
			m.mode = matchLowered
		}
		m.anchorA, m.anchorB = c, c
		if 'a' <= c && c <= 'z' {
			m.anchorB = c - 'a' + 'A'
		}
		return m, nil
	}
	m.mode = matchUnicodeFold
	m.runes = []rune(text)
	m.first = encodeVariants(m.runes[0])
	if i := rarestRune(m.runes); i > 0 {
		m.rare = encodeVariants(m.runes[i])
	}
	return m, nil
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// hasFoldable reports whether any rune of s has another case.
func hasFoldable(s string) bool {
	for _, r := range s {
		if len(foldVariants(r)) > 1 {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// foldVariants lists r and the runes it matches case-insensitively.
func foldVariants(r rune) []rune {
	out := []rune{r}
	if r < utf8.RuneSelf {
		if l := rune(lowerASCII(byte(r))); l != r {
			out = append(out, l)
		} else if 'a' <= r && r <= 'z' {
			out = append(out, r-'a'+'A')
		}
		return out
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			out = append(out, f)
		}
	}
	return out
}

func encodeVariants(r rune) [][]byte {
	var out [][]byte
	for _, v := range foldVariants(r) {
		out = append(out, utf8.AppendRune(nil, v))
	}
	return out
}

// rarestRune is the index of the query rune expected least often: a
// non-ASCII rune over any ASCII one, else the rarest byte.
func rarestRune(rs []rune) int {
	rank := func(r rune) int {
		if r >= utf8.RuneSelf {
			return 256
		}
		return int(byteRank[lowerASCII(byte(r))])
	}
	best := 0
	for i, r := range rs {
		if rank(r) > rank(rs[best]) {
			best = i
		}
	}
	return best
}

// foldEqual reports whether text rune t matches query rune q.
func foldEqual(q, t rune) bool {
	if q == t {
		return true
	}
	if q < utf8.RuneSelf || t < utf8.RuneSelf {
		return q < utf8.RuneSelf && t < utf8.RuneSelf && lowerASCII(byte(q)) == lowerASCII(byte(t))
	}
	for f := unicode.SimpleFold(q); f != q; f = unicode.SimpleFold(f) {
		if f == t {
			return true
		}
	}
	return false
}

// byteOrder lists ASCII bytes from the most to the least frequent in
// reasoning text (counted, case folded, over the ProcessBench, MATH-500,
// GSM8K and PRMBench samples). Bytes not listed are rarer still.
const byteOrder = " etaisonr\\hlcdfu,\"$mp1.2gwb{}0y)(=xv-3+54\nq:^_k6879][\\'z*j<>/?#;|&%!@`~\t"

// byteRank is a byte's frequency rank: higher is rarer.
var byteRank = func() (r [256]uint8) {
	for i := range r {
		r[i] = 255
	}
	for i := len(byteOrder) - 1; i >= 0; i-- {
		r[byteOrder[i]] = uint8(i)
	}
	return r
}()

// rarestByte is the index of the query byte expected least often, so that
// candidate positions are few.
func rarestByte(p []byte) int {
	best := 0
	for i, c := range p {
		if byteRank[c] > byteRank[p[best]] {
			best = i
		}
	}
	return best
}

// prepare returns the text to search for s: s itself, or, in lowered mode,
// s with ASCII letters lowered, in *buf. The length is the same, so offsets
// carry over. Every search goes through prepare, then index or count.
func (m *matcher) prepare(buf *[]byte, s []byte) []byte {
	if m.mode != matchLowered {
		return s
	}
	*buf = lowerASCIIInto((*buf)[:0], s)
	return *buf
}

// lowerASCIIInto appends s with A-Z lowered to dst, eight bytes at a time:
// for each byte below 0x80, adding 0x3f sets its top bit from 'A' up and
// adding 0x25 from '[' up (no carry crosses bytes), which marks A-Z; the
// mark shifted to 0x20 is the case bit.
func lowerASCIIInto(dst, s []byte) []byte {
	dst = slices.Grow(dst, len(s))
	out := dst[len(dst) : len(dst)+len(s)]
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(s[i:])
		h := w & 0x7f7f7f7f7f7f7f7f
		upper := (h + 0x3f3f3f3f3f3f3f3f) &^ (h + 0x2525252525252525) &^ w & 0x8080808080808080
		binary.LittleEndian.PutUint64(out[i:], w|upper>>2)
	}
	for ; i < len(s); i++ {
		out[i] = lowerASCII(s[i])
	}
	return dst[:len(dst)+len(s)]
}

// index returns the first match in prepared text s as [start, end), or -1, -1.
func (m *matcher) index(s []byte) (int, int) {
	switch m.mode {
	case matchASCIIFold:
		return m.indexASCIIFold(s)
	case matchUnicodeFold:
		return m.indexUnicodeFold(s)
	case matchLowered:
		return m.indexLowered(s)
	}
	if i := bytes.Index(s, m.pat); i >= 0 {
		return i, i + len(m.pat)
	}
	return -1, -1
}

// count returns the number of matches in prepared text s.
func (m *matcher) count(s []byte) int {
	n := 0
	for {
		_, end := m.index(s)
		if end < 0 {
			return n
		}
		n++
		s = s[end:]
	}
}

// indexASCIIFold finds the anchor byte in either case with IndexByte (which
// is vectorized) and checks the query around each candidate.
func (m *matcher) indexASCIIFold(s []byte) (int, int) {
	n, a := len(m.pat), m.anchor
	hi := len(s) - (n - 1 - a) // anchor positions are in [a, hi)
	if hi <= a {
		return -1, -1
	}
	nextA, nextB := -2, -2 // next position of each case; -2 unknown, -1 none
	if m.anchorA == m.anchorB {
		nextB = -1
	}
	for i := a; i < hi; {
		if nextA != -1 && nextA < i {
			nextA = indexFrom(s[:hi], i, m.anchorA)
		}
		if nextB != -1 && nextB < i {
			nextB = indexFrom(s[:hi], i, m.anchorB)
		}
		p := nextA
		if p < 0 || (nextB >= 0 && nextB < p) {
			p = nextB
		}
		if p < 0 {
			return -1, -1
		}
		if start := p - a; equalFoldASCII(s[start:start+n], m.pat) {
			return start, start + n
		}
		i = p + 1
	}
	return -1, -1
}

// indexLowered finds the lowered query in lowered text from its rarest
// byte. bytes.Index would do, but a common word is found millions of times
// in a full search, and each call of bytes.Index starts its strategy over;
// this loop costs one IndexByte per candidate.
func (m *matcher) indexLowered(s []byte) (int, int) {
	n, a := len(m.pat), m.anchor
	c := m.pat[a]
	for i := a; i < len(s)-(n-1-a); {
		j := bytes.IndexByte(s[i:len(s)-(n-1-a)], c)
		if j < 0 {
			break
		}
		p := i + j
		if start := p - a; bytes.Equal(s[start:start+n], m.pat) {
			return start, start + n
		}
		i = p + 1
	}
	return -1, -1
}

// indexFrom is the position of c in s at or after i, or -1.
func indexFrom(s []byte, i int, c byte) int {
	if j := bytes.IndexByte(s[i:], c); j >= 0 {
		return i + j
	}
	return -1
}

// equalFoldASCII compares s with a lowered ASCII pattern of the same length.
func equalFoldASCII(s, lower []byte) bool {
	for i, c := range lower {
		if lowerASCII(s[i]) != c {
			return false
		}
	}
	return true
}

// indexUnicodeFold finds each fold variant of the first rune and checks
// the rest of the query rune by rune from there.
func (m *matcher) indexUnicodeFold(s []byte) (int, int) {
	if len(m.rare) > 0 && !containsAny(s, m.rare) {
		return -1, -1
	}
	// next[k] is 0 while unknown, then the position of variant k plus one,
	// or -1 when it does not occur again. Fold orbits have at most 4 runes.
	var buf [8]int
	next := buf[:0]
	if len(m.first) > len(buf) {
		next = make([]int, len(m.first))
	}
	next = next[:len(m.first)]
	for i := 0; i < len(s); {
		p := -1
		for k, v := range m.first {
			if next[k] == 0 || (next[k] > 0 && next[k]-1 < i) {
				next[k] = -1
				if j := bytes.Index(s[i:], v); j >= 0 {
					next[k] = i + j + 1
				}
			}
			if next[k] > 0 && (p < 0 || next[k]-1 < p) {
				p = next[k] - 1
			}
		}
		if p < 0 {
			return -1, -1
		}
		if end := m.matchRunesAt(s, p); end >= 0 {
			return p, end
		}
		i = p + 1
	}
	return -1, -1
}

func containsAny(s []byte, seps [][]byte) bool {
	for _, sep := range seps {
		if bytes.Contains(s, sep) {
			return true
		}
	}
	return false
}

// matchRunesAt returns the end of a match of the query's runes starting at
// s[p], or -1.
func (m *matcher) matchRunesAt(s []byte, p int) int {
	for _, q := range m.runes {
		if p >= len(s) {
			return -1
		}
		t, size := utf8.DecodeRune(s[p:])
		if t == utf8.RuneError && size == 1 {
			return -1
		}
		if !foldEqual(q, t) {
			return -1
		}
		p += size
	}
	return p
}

// Match is one occurrence of a query in a loaded trace.
type Match struct {
	// Step is the step's index, -1 for the problem text.
	Step int
	// Span is a byte range in the step's text (or the problem's).
	Span stepwise.Span
}

// FindInTrace lists the matches of text in a loaded trace's problem text
// and steps, in reading order (problem first), under the same rules as Run:
// a trace's hit counts are the number of matches here. An empty text finds
// nothing.
func FindInTrace(t *stepwise.Trace, problem, text string, caseSensitive bool) []Match {
	m, err := newMatcher(text, caseSensitive)
	if err != nil {
		return nil
	}
	var buf []byte
	out := m.appendMatches(nil, &buf, -1, problem)
	for i := range t.Steps {
		out = m.appendMatches(out, &buf, i, t.Steps[i].Text)
	}
	return out
}

// appendMatches appends the matches in text, labelled with step.
func (m *matcher) appendMatches(out []Match, buf *[]byte, step int, text string) []Match {
	s := m.prepare(buf, []byte(text))
	for pos := 0; pos < len(s); {
		start, end := m.index(s[pos:])
		if start < 0 {
			break
		}
		out = append(out, Match{Step: step, Span: stepwise.Span{Start: pos + start, End: pos + end}})
		pos += end
	}
	return out
}

package errortypes

import (
	"math"
	"strings"
	"unicode"
)

// Lexical similarity needs no model: keyphrases are short ("wrong sign",
// "sign error", "forgot to carry the one"), so two of them are alike when
// they share words (after case, punctuation, a few endings and filler
// words are set aside) or, for spelling variants and compounds, character
// trigrams. It cannot know that "arithmetic slip" and "calculation error"
// mean one thing; an embedding model can.

// Normalize is the form phrases are counted and compared in: lower case,
// punctuation and repeated spaces gone.
func Normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			continue
		}
		space = true
	}
	return b.String()
}

// filler words carry no error type: function words, and the words every
// keyphrase of a bad case says in some form ("wrong sign" and "sign error"
// are one type).
var filler = map[string]bool{"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "to": true,
	"and": true, "or": true, "is": true, "was": true, "for": true, "with": true, "at": true, "by": true,
	"step": true, "steps": true, "wrong": true, "wrongly": true, "error": true, "errors": true, "mistake": true,
	"mistakes": true, "incorrect": true, "incorrectly": true, "bad": true, "issue": true, "problem": true}

// words is a phrase's content words, crudely stemmed.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		if filler[w] {
			continue
		}
		out[stem(w)] = true
	}
	return out
}

// stem drops a few English endings, so that "errors" meets "error" and
// "misreading" meets "misread".
func stem(w string) string {
	for _, suf := range []string{"ations", "ation", "ing", "ed", "es", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

func trigrams(s string) map[string]bool {
	out := map[string]bool{}
	r := []rune(" " + s + " ")
	for i := 0; i+3 <= len(r); i++ {
		out[string(r[i:i+3])] = true
	}
	return out
}

func overlap(a, b map[string]bool) (both, total int) {
	for k := range a {
		if b[k] {
			both++
		}
	}
	return both, len(a) + len(b)
}

// Lexical scores two normalized phrases: the better of the content words'
// Jaccard index and the character trigrams' Dice coefficient.
func Lexical(a, b string) float64 {
	if a == b {
		return 1
	}
	best := 0.0
	if both, total := overlap(words(a), words(b)); total-both > 0 {
		best = float64(both) / float64(total-both)
	}
	if both, total := overlap(trigrams(a), trigrams(b)); total > 0 {
		best = max(best, 2*float64(both)/float64(total))
	}
	return best
}

// Cosine is the similarity of two phrases' embedding vectors, clamped to
// [0, 1].
func Cosine(vectors map[string][]float64) Similarity {
	return func(a, b string) float64 {
		x, y := vectors[a], vectors[b]
		if len(x) == 0 || len(x) != len(y) {
			return 0
		}
		var dot, nx, ny float64
		for i := range x {
			dot += x[i] * y[i]
			nx += x[i] * x[i]
			ny += y[i] * y[i]
		}
		if nx == 0 || ny == 0 {
			return 0
		}
		c := dot / (math.Sqrt(nx) * math.Sqrt(ny))
		return max(0, min(1, c))
	}
}

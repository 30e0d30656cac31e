package formats

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

// TestProblemIDsCache: the memo gives ProblemID's answer for texts seen
// before, texts not seen, and texts past its bound, from several
// goroutines at once, and does not grow past the bound.
func TestProblemIDsCache(t *testing.T) {
	var c problemIDs
	texts := make([]string, maxCachedProblems+500)
	for i := range texts {
		texts[i] = fmt.Sprintf("What is %d + %d?", i, i%7)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				for i := g; i < len(texts); i += 2 {
					if got, want := c.id(texts[i]), stepwise.ProblemID(texts[i]); got != want {
						errs <- fmt.Errorf("round %d, text %d: %s, want %s", round, i, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := 0
	c.m.Range(func(_, _ any) bool { n++; return true })
	if n == 0 || n > maxCachedProblems {
		t.Fatalf("cache holds %d texts, bound %d", n, maxCachedProblems)
	}
}

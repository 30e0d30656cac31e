package offline

import (
	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

// Comparing the sampled solutions of one problem: their final answers
// grouped into clusters of equivalent answers (self-consistency's vote),
// and the answers a long trace commits to along the way.

// AnswerCluster is a group of equivalent final answers.
type AnswerCluster struct {
	// Answer is the first member's answer as written ("" for the traces
	// that give none).
	Answer string
	// Members are indexes into the answers given to ClusterAnswers, in
	// input order.
	Members []int
	// Gold is set when the answer is equivalent to the gold answer.
	Gold bool
}

// equivalent is the answer grader's verdict: only "equal" joins a cluster.
func equivalent(a, b string) bool {
	return answer.Compare(a, b, answer.Options{}).Outcome == answer.Equal
}

// ClusterAnswers groups answers by the answer grader's equivalence, largest cluster first (ties:
// the gold one, then the one seen first), the traces without an answer last. An answer joins
// the first cluster whose representative it is equivalent to, so the
// grouping is stable for a given input order.
func ClusterAnswers(answers []string, gold string) []AnswerCluster {
	var out []AnswerCluster
	var none []int
	for i, a := range answers {
		if a == "" {
			none = append(none, i)
			continue
		}
		joined := false
		for k := range out {
			if equivalent(a, out[k].Answer) {
				out[k].Members = append(out[k].Members, i)
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, AnswerCluster{Answer: a, Members: []int{i}})
		}
	}
	for k := range out {
		if gold != "" {
			out[k].Gold = equivalent(out[k].Answer, gold)
		}
	}
	sortClusters(out)
	if len(none) > 0 {
		out = append(out, AnswerCluster{Members: none})
	}
	return out
}

// sortClusters orders by size, then gold first, then first appearance (a
// stable insertion sort: there are few clusters).
func sortClusters(cs []AnswerCluster) {
	before := func(a, b AnswerCluster) bool {
		if len(a.Members) != len(b.Members) {
			return len(a.Members) > len(b.Members)
		}
		return a.Gold && !b.Gold
	}
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && before(cs[j], cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// Checkpoint is an answer a trace commits to at a step.
type Checkpoint struct {
	Step   int    `json:"step"`
	Answer string `json:"answer"`
}

// Checkpoints lists the answers a trace states step by step (a \boxed{},
// a GSM8K "#### x", an answer line or "the answer is x": what the answer
// grader finds by a box or a marker, not a step's last number), keeping a step
// only when its answer differs from the one before: a long trace that
// says "so the answer is 25" five times and then changes its mind shows
// as 25 → 24.
func Checkpoints(t *stepwise.Trace) []Checkpoint {
	var out []Checkpoint
	for i := range t.Steps {
		a, ok := answer.Extract(t.Steps[i].Text)
		if !ok || a.How != "boxed" && a.How != "marker" {
			continue
		}
		if n := len(out); n > 0 && equivalent(a.Text, out[n-1].Answer) {
			continue
		}
		out = append(out, Checkpoint{Step: i, Answer: a.Text})
	}
	return out
}

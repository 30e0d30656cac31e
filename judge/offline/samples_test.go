package offline

import (
	"reflect"
	"testing"

	"github.com/stepwise-dev/stepwise"
)

func TestClusterAnswers(t *testing.T) {
	answers := []string{"18", "\\frac{1}{2}", "", "18.0", "0.5", "20", "$18", "1/2", ""}
	got := ClusterAnswers(answers, "18")
	want := []AnswerCluster{
		{Answer: "18", Members: []int{0, 3, 6}, Gold: true},
		{Answer: "\\frac{1}{2}", Members: []int{1, 4, 7}},
		{Answer: "20", Members: []int{5}},
		{Answer: "", Members: []int{2, 8}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("clusters\n got %+v\nwant %+v", got, want)
	}
	if got := ClusterAnswers(nil, "1"); len(got) != 0 {
		t.Fatalf("no answers: %+v", got)
	}
	// Equal sizes: the gold cluster first.
	if got := ClusterAnswers([]string{"30", "24"}, "24"); len(got) != 2 || got[0].Answer != "24" || !got[0].Gold {
		t.Fatalf("tie: %+v", got)
	}
}

func TestCheckpoints(t *testing.T) {
	steps := []string{
		"Let me compute: 5 * 5 = 25.",
		"So the answer is 25.",
		"Wait, checking again, the answer is 25.",
		"Hmm, I missed a case. The answer is 24.",
		"Final: \\boxed{24}",
		"Actually \\boxed{25}",
	}
	tr := &stepwise.Trace{}
	for _, s := range steps {
		tr.Steps = append(tr.Steps, stepwise.Step{Text: s})
	}
	got := Checkpoints(tr)
	want := []Checkpoint{{1, "25"}, {3, "24"}, {5, "25"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("checkpoints %+v, want %+v", got, want)
	}
}

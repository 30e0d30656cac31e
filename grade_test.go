package stepwise

import "testing"

func TestGradedByRoundTrip(t *testing.T) {
	by := GradedBy(3, "numeric")
	v, m, ok := ParseGradedBy(by)
	if !ok || v != 3 || m != "numeric" {
		t.Fatalf("ParseGradedBy(%q) = %d, %q, %v", by, v, m, ok)
	}
	for _, s := range []string{"source: final_answer_correct", "", "grader x: numeric", "grader 1 numeric", "inspect score match: C"} {
		if _, _, ok := ParseGradedBy(s); ok {
			t.Errorf("ParseGradedBy(%q) accepted a non-grader verdict", s)
		}
	}
}

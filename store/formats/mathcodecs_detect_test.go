package formats

import (
	"path/filepath"
	"testing"
)

// Every sample file of the PRM800K, PRMBench, MATH, MATH-500 and
// Math-Shepherd formats is detected as its codec by Open(path, "").
func TestDetectPRMAndMathSamples(t *testing.T) {
	want := map[string]string{
		sample("prm800k", "prm800k_phase2_train_sample.jsonl"): "prm800k",
		sample("prm800k", "prm800k_phase1_train_sample.jsonl"): "prm800k",
		constructed("prm800k_phase2_pretty_concatenated.json"): "prm800k",
		sample("prmbench", "prmbench_subset400_sample.jsonl"):  "prmbench",
		sample("math500", "test_first200.jsonl"):               "math500",
		constructed("math_shepherd_card_example.jsonl"):        "math-shepherd",
	}
	mathFiles, err := filepath.Glob(sample("math", "test", "*", "*.json"))
	if err != nil || len(mathFiles) != 28 {
		t.Fatalf("%d MATH files: %v", len(mathFiles), err)
	}
	for _, f := range mathFiles {
		want[f] = "math"
	}
	for path, name := range want {
		in, err := Open(path, "")
		if err != nil {
			t.Errorf("open %s: %v", path, err)
			continue
		}
		if in.Codec.Name() != name {
			t.Errorf("%s detected as %q, want %q", path, in.Codec.Name(), name)
		}
		in.Close()
	}
}

// No other sample is detected as one of these codecs.
func TestDetectOthersNotPRMOrMath(t *testing.T) {
	mine := map[string]bool{"prm800k": true, "prmbench": true, "math": true, "math500": true, "math-shepherd": true, "generic": true}
	for _, dir := range []string{"processbench", "gsm8k", "deltabench", "longcot_skyt1", "toolcall", "inspect_ai"} {
		files, _ := filepath.Glob(sample(dir, "*.json*"))
		if len(files) == 0 {
			t.Fatalf("no samples in %s", dir)
		}
		for _, f := range files {
			in, err := Open(f, "")
			if err != nil {
				continue // not yet supported by any codec
			}
			if mine[in.Codec.Name()] {
				t.Errorf("%s detected as %q", f, in.Codec.Name())
			}
			in.Close()
		}
	}
}

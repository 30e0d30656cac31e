package formats

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestScratchSeg(t *testing.T) {
	fs, _ := filepath.Glob(sample("math", "test", "*", "*.json"))
	for _, f := range fs {
		b, _ := os.ReadFile(f)
		var r struct{ Solution string }
		json.Unmarshal(b, &r)
		fmt.Println("=====", f)
		for _, sp := range segmentMathSolution(r.Solution) {
			fmt.Printf("  [%q]\n", r.Solution[sp.Start:sp.End])
		}
	}
}

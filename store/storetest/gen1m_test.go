package storetest

import (
	"os"
	"testing"
)

// TestGenerateMillion builds (or finds) the cached million-trace store the
// benchmarks use; it runs only when asked: STEPWISE_GEN_1M=1.
func TestGenerateMillion(t *testing.T) {
	if os.Getenv("STEPWISE_GEN_1M") == "" {
		t.Skip("set STEPWISE_GEN_1M=1 to build the benchmark store")
	}
	t.Log(Generate(t, "", 1_000_000))
}

package main

import (
	"io"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// copyFile copies a store file so that every iteration starts cold.
func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

var backendCallsRE = regexp.MustCompile(`backend calls (\d+),`)

// reportVerify turns a verify summary into benchmark metrics.
func reportVerify(b *testing.B, out string) {
	for _, st := range []string{"proved", "disproved", "unsupported"} {
		n, _ := strconv.Atoi(count(out, st))
		b.ReportMetric(float64(n), st)
	}
	m := backendCallsRE.FindStringSubmatch(out)
	if m == nil {
		b.Fatalf("no backend count in:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	b.ReportMetric(float64(n), "backend-calls")
}

// BenchmarkVerifyGSM8K runs `stepwise verify` over the 200-record GSM8K
// sample end to end (open the store, formalize, check with the offline
// chain, save checks and cache, close), on a fresh copy of the imported
// store each time: nothing cached.
func BenchmarkVerifyGSM8K(b *testing.B) {
	c := newCLI(b, "")
	c.must("import", gsm8kFile)
	template := c.db + ".template"
	copyFile(b, c.db, template)
	var out string
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		copyFile(b, template, c.db)
		b.StartTimer()
		out = c.must("verify", "--quiet")
	}
	b.StopTimer()
	reportVerify(b, out)
}

// BenchmarkVerifyGSM8KCached runs the same command again on a store that
// has every result cached: it must make no backend call.
func BenchmarkVerifyGSM8KCached(b *testing.B) {
	c := newCLI(b, "")
	c.must("import", gsm8kFile)
	c.must("verify", "--quiet")
	var out string
	b.ResetTimer()
	for range b.N {
		out = c.must("verify", "--quiet")
	}
	b.StopTimer()
	reportVerify(b, out)
}

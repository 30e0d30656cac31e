package formats

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// skyT1Benchmarks are benchmark names SkyThought writes at the start of an
// eval file's name ("aime24_…") or as the folder holding it (".../aime24/test_…").
var skyT1Benchmarks = []string{
	"aime24", "aime25", "aime", "amc23", "math500", "math", "gsm8k", "olympiadbench",
	"minerva_math", "college_math", "gaokao2023en", "gpqa_diamond", "gpqa",
	"mmlu_pro", "mmlu", "livecodebench", "apps", "taco", "arc_c",
}

// skyT1GenParam matches the generation-parameter tokens SkyThought appends to
// a file name: "-1" (sample count), "seed0", "t0.0", "s0", "e-1".
var skyT1GenParam = regexp.MustCompile(`^(-?\d+|seed\d+|t\d+(\.\d+)?|s\d+|e-?\d+|n\d+)$`)

// skyT1NameParts derives a benchmark and a model name from an eval file's
// path. The heuristic, in order:
//
//   - benchmark: the file stem when it is a known benchmark name or starts
//     with one followed by "_"; else the parent folder's name when that is a
//     known benchmark; else "".
//   - model: only when the stem starts with a benchmark or with a split word
//     (test, train, eval; SkyThought's own "test_<model>_<params>" naming):
//     the "_"-separated tokens after that prefix, up to the first
//     generation-parameter token (seed0, t0.0, -1, ...). The result must
//     contain a letter; any other name gives "" rather than a guess. So "aime24_sky-t1-32b-ckpt140" gives
//     (aime24, sky-t1-32b-ckpt140), and SkyThought's own
//     "aime24/test_Sky-T1_-1_seed0_t0.0_s0_e-1" gives (aime24, Sky-T1).
func skyT1NameParts(path string) (bench, model string) {
	stem := longCoTFileStem(path)
	rest, prefixed := stem, false
	if b, ok := skyT1BenchmarkPrefix(stem); ok {
		prefixed = true
		bench = b
		rest = strings.TrimPrefix(stem[len(b):], "_")
	} else if dir := filepath.Base(filepath.Dir(path)); len(dir) > 0 {
		if b, ok := skyT1BenchmarkPrefix(dir); ok && len(b) == len(dir) {
			bench = b
		}
	}
	return bench, skyT1ModelFromTokens(strings.Split(rest, "_"), prefixed)
}

// skyT1BenchmarkPrefix finds the longest known benchmark that s is or starts
// with (followed by "_"), case-insensitively, and returns its canonical name.
func skyT1BenchmarkPrefix(s string) (string, bool) {
	names := append([]string(nil), skyT1Benchmarks...)
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, b := range names {
		if len(s) >= len(b) && strings.EqualFold(s[:len(b)], b) && (len(s) == len(b) || s[len(b)] == '_') {
			return b, true
		}
	}
	return "", false
}

func skyT1ModelFromTokens(tokens []string, benchPrefixed bool) string {
	split := len(tokens) > 0 && (strings.EqualFold(tokens[0], "test") || strings.EqualFold(tokens[0], "train") ||
		strings.EqualFold(tokens[0], "eval"))
	if !benchPrefixed && !split {
		return "" // a name in no known layout: do not guess
	}
	if split {
		tokens = tokens[1:]
	}
	var kept []string
	for _, tok := range tokens {
		if tok == "" || skyT1GenParam.MatchString(tok) {
			break
		}
		kept = append(kept, tok)
	}
	model := strings.Join(kept, "_")
	if !strings.ContainsAny(strings.ToLower(model), "abcdefghijklmnopqrstuvwxyz") {
		return ""
	}
	return model
}

// longCoTFileStem is the file name without folders and without its extensions
// (".jsonl", ".json", ".jsonl.gz").
func longCoTFileStem(path string) string { return FileStem(path) }

package formats

import (
	"math"
	"strconv"
	"strings"
)

// Process reward model scores as columns of the per-step exports: one
// column per PRM, prm_<name>, holding the PRM's score of the step (the
// probability it is correct), null where the PRM did not score it. One
// column per PRM rather than a map column: pandas reads each as a float64
// column (NaN where null) and Hugging Face datasets as Value("float64"),
// while datasets has no dtype for an Arrow map (huggingface/datasets#5612).

// PRMColumner is an Exporter that carries PRM scores as columns. The store
// calls SetPRMColumns once, before the first Write, with the names of the
// PRMs the export's columns are for; every item's PRM then holds their
// scores in that order.
type PRMColumner interface {
	SetPRMColumns(names []string) error
}

// PRMColumnNames are the column names of PRMs: "prm_" and the name, with
// every character but letters, digits and _ - . / replaced by _ (a struct
// tag, a pandas attribute and a shell hold it as it is), a suffix _2, _3
// ... telling apart names that become equal.
func PRMColumnNames(names []string) []string { return columnNames("prm_", "_-./", names) }

// columnNames are prefix and each name with every character but letters,
// digits and those of keep replaced by _, a suffix _2, _3 ... telling apart
// names that become equal.
func columnNames(prefix, keep string, names []string) []string {
	out := make([]string, len(names))
	used := map[string]bool{}
	for i, n := range names {
		base := prefix + strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(keep, r):
				return r
			}
			return '_'
		}, n)
		col := base
		for k := 2; used[col]; k++ {
			col = base + "_" + strconv.Itoa(k)
		}
		used[col] = true
		out[i] = col
	}
	return out
}

// prmScore is PRM c's score of step i of an item, ok false when it has
// none (the PRM did not score the trace, or gave the step no score).
func prmScore(it *ExportItem, c, i int) (float64, bool) {
	if c >= len(it.PRM) || i >= len(it.PRM[c]) || it.PRM[c][i] < 0 {
		return 0, false
	}
	return it.PRM[c][i], true
}

// appendPRMScores appends step i's score by each of n PRMs, NaN where a
// PRM gave none (NaN is never a score: the store keeps probabilities).
func appendPRMScores(dst []float64, it *ExportItem, n, i int) []float64 {
	for c := range n {
		v, ok := prmScore(it, c, i)
		if !ok {
			v = math.NaN()
		}
		dst = append(dst, v)
	}
	return dst
}

// prmJSONKeys are the `,"prm_<name>":` prefixes of the JSONL columns.
func prmJSONKeys(names []string) [][]byte {
	cols := PRMColumnNames(names)
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i] = append(strconv.AppendQuote([]byte{','}, c), ':')
	}
	return keys
}

// appendPRMColumns closes a row's JSON object (line ends with "}") with the
// PRM columns of step i: the shortest decimal that reads back as the same
// float64, or null.
func appendPRMColumns(line []byte, keys [][]byte, it *ExportItem, i int) []byte {
	line = line[:len(line)-1]
	for c, k := range keys {
		line = append(line, k...)
		if v, ok := prmScore(it, c, i); ok {
			line = strconv.AppendFloat(line, v, 'g', -1, 64)
		} else {
			line = append(line, "null"...)
		}
	}
	return append(line, '}')
}

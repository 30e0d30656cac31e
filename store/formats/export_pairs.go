package formats

import "io"

// sftWriter writes correct traces as TRL prompt-completion rows (the
// completion is the trace's raw text, byte-exact). Correct means no step
// labeled wrong with every step labeled, or a correct final answer with no
// step labeled wrong (ExportItem.Correct).
type sftWriter struct{ jsonlWriter }

func newSFTWriter(w io.Writer) Exporter { return sftWriter{newJSONL(w)} }

type sftOut struct {
	ID         string `json:"id"`
	Prompt     string `json:"prompt"`
	Completion string `json:"completion"`
}

func (s sftWriter) Write(it *ExportItem) (string, error) {
	if !it.Correct() {
		return "not a correct trace", nil
	}
	return "", s.put(sftOut{ID: it.Trace.ID, Prompt: it.Problem.Text, Completion: it.Trace.Raw})
}

// dpoWriter writes preference pairs of one problem: chosen a correct trace,
// rejected a wrong one (a step labeled wrong or a wrong answer). Every
// trace of the smaller side is reused in turn, so each trace appears in at
// least one pair and a problem yields max(correct, wrong) pairs — never the
// quadratic all-pairs set.
type dpoWriter struct{ jsonlWriter }

func newDPOWriter(w io.Writer) Exporter { return dpoWriter{newJSONL(w)} }

type dpoOut struct {
	Prompt     string `json:"prompt"`
	Chosen     string `json:"chosen"`
	Rejected   string `json:"rejected"`
	ChosenID   string `json:"chosen_id"`
	RejectedID string `json:"rejected_id"`
	ProblemID  string `json:"problem_id"`
}

// Write is not used: pairs need a problem's traces together (WriteGroup).
func (d dpoWriter) Write(*ExportItem) (string, error) { return "dpo needs whole problems", nil }

func (d dpoWriter) WriteGroup(items []*ExportItem) (int, map[string]int, error) {
	var good, bad []*ExportItem
	skip := map[string]int{}
	for _, it := range items {
		switch {
		case it.Correct():
			good = append(good, it)
		case it.Wrong():
			bad = append(bad, it)
		default:
			skip["neither known correct nor known wrong"]++
		}
	}
	if len(good) == 0 || len(bad) == 0 {
		if len(items) > 0 {
			skip["no correct and wrong trace of the same problem"] += len(good) + len(bad)
		}
		return 0, skip, nil
	}
	n := max(len(good), len(bad))
	for k := range n {
		g, b := good[k%len(good)], bad[k%len(bad)]
		err := d.put(dpoOut{Prompt: g.Problem.Text, Chosen: g.Trace.Raw, Rejected: b.Trace.Raw,
			ChosenID: g.Trace.ID, RejectedID: b.Trace.ID, ProblemID: g.Trace.ProblemID})
		if err != nil {
			return k, skip, err
		}
	}
	return n, skip, nil
}

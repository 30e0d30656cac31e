package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/stepwise-dev/stepwise/judge"
	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
)

// judgeStatus is the one-line progress of a batch on a terminal: jobs
// done and running, tokens and cost so far. Events come from many
// goroutines; drawing is throttled.
type judgeStatus struct {
	w       io.Writer
	enabled bool
	total   int
	start   time.Time

	mu                    sync.Mutex
	running, done, failed int
	tokens                int
	cost                  float64
	last                  time.Time
	drawn                 bool
}

func (s *judgeStatus) event(ev judge.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ev.Kind {
	case judge.EventStart:
		s.running++
	case judge.EventStage:
		if ev.Stage != nil {
			s.tokens += ev.Stage.Usage.PromptTokens + ev.Stage.Usage.CompletionTokens
			s.cost += ev.Stage.Usage.CostUSD
		}
	case judge.EventDone:
		s.running = max(0, s.running-1)
		s.done++
		if ev.Analysis != nil && ev.Analysis.Error != "" {
			s.failed++
		}
	}
	if time.Since(s.last) >= 100*time.Millisecond {
		s.drawLocked()
	}
}

func (s *judgeStatus) drawLocked() {
	if !s.enabled {
		return
	}
	s.last = time.Now()
	fmt.Fprintf(s.w, "\r\x1b[Kjudging: %d/%d done", s.done, s.total)
	if s.failed > 0 {
		fmt.Fprintf(s.w, " (%d failed)", s.failed)
	}
	fmt.Fprintf(s.w, ", %d running, %s tokens, $%.4f, %s", s.running, judgerun.Thousands(s.tokens), s.cost,
		time.Since(s.start).Round(time.Second))
	s.drawn = true
}

// clear erases the line so that other output starts clean.
func (s *judgeStatus) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drawn {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.drawn = false
	}
}

// judgeBatch runs the plan, prints each result (a line, or JSON with
// --json), and ends with totals and the agreement of this batch's verdicts
// with the dataset's labels.
func judgeBatch(ctx context.Context, e *env, db *store.DB, r *judge.Runner, plan *judgerun.Plan, conc int, asJSON bool) int {
	st := &judgeStatus{w: e.stderr, enabled: e.isTerminal, total: len(plan.Units), start: time.Now()}
	out := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var saved []judgerun.Saved
	sum, err := judgerun.Run(ctx, db, r, plan, judgerun.RunOptions{
		Concurrency: conc,
		Progress:    st.event,
		OnSaved: func(s judgerun.Saved) {
			saved = append(saved, s)
			st.clear()
			if asJSON {
				enc.Encode(rowOf(s.Seq, &s.Analysis))
			} else {
				fmt.Fprintln(out, resultLine(s.Seq, &s.Analysis))
			}
			out.Flush()
		},
	})
	st.clear()
	out.Flush()
	fmt.Fprintf(e.stderr, "judged %d of %d job%s (%d failed) in %s: %s prompt + %s completion tokens, $%.4f\n",
		sum.Done, len(plan.Units), plural(len(plan.Units)), sum.Failed, sum.Elapsed.Round(time.Millisecond),
		judgerun.Thousands(sum.Usage.PromptTokens), judgerun.Thousands(sum.Usage.CompletionTokens), sum.Usage.CostUSD)
	printBatchAgreement(e.stderr, db, plan, saved, sum)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(e.stderr, "stepwise judge: cancelled; the %d finished (or cut short) analyses are stored\n", len(saved))
		return exitError
	case err != nil:
		return failed(e, "stepwise judge:", err)
	case sum.Failed > 0:
		return exitPartial
	}
	return exitOK
}

// printBatchAgreement reports how the batch's verdicts compare with what
// the dataset knows: pairwise consistency and, on correct-against-wrong
// pairs, how often the right trace won; for single traces, the first error
// and flags against the source labels.
func printBatchAgreement(w io.Writer, db *store.DB, plan *judgerun.Plan, saved []judgerun.Saved, sum judge.Summary) {
	if plan.Pairwise {
		if sum.Pairs > 0 {
			fmt.Fprintf(w, "pairwise consistency: %.0f%% (%d of %d pairs chose the same trace in both orders)\n",
				100*sum.Consistency, sum.Consistent, sum.Pairs)
		}
		right, scored := 0, 0
		for _, s := range saved {
			if !s.Unit.Mixed || s.Analysis.Pair == nil || !s.Analysis.Pair.Consistent {
				continue
			}
			scored++
			for _, c := range s.Unit.Traces {
				if c.ID == s.Analysis.Verdict && *c.Correct {
					right++
				}
			}
		}
		if scored > 0 {
			fmt.Fprintf(w, "correct against wrong: the right trace won %d of %d consistent pairs\n", right, scored)
		}
		return
	}
	seqs := make([]uint64, 0, len(saved))
	for _, s := range saved {
		seqs = append(seqs, s.Unit.Traces[0].Seq)
	}
	sums, err := db.Summaries(seqs)
	if err != nil {
		return
	}
	items := make([]judgerun.Item, 0, len(saved))
	for i := range saved {
		if saved[i].Analysis.Verdict != "" {
			items = append(items, judgerun.Item{Judge: &saved[i].Analysis, Ref: judgerun.DatasetReference(sums[i])})
		}
	}
	printAgreement(w, "dataset labels", judgerun.Compare(items))
}

func printAgreement(w io.Writer, against string, a judgerun.Agreement) {
	fe, st, v := a.FirstError, a.Steps, a.Verdict
	if fe.Erroneous+fe.Correct > 0 {
		fmt.Fprintf(w, "against the %s, first error (%d traces): exact on %d of %d erroneous (%d early, %d late), %d of %d correct; ProcessBench F1 %s\n",
			against, fe.Erroneous+fe.Correct, fe.ErroneousMatch, fe.Erroneous, fe.Early, fe.Late, fe.CorrectMatch, fe.Correct, fe.F1)
	}
	if n := st.TP + st.FP + st.FN + st.TN; n > 0 {
		fmt.Fprintf(w, "against the %s, step flags (%d steps): precision %s, recall %s, F1 %s, κ %s\n",
			against, n, st.Precision, st.Recall, st.F1, st.Kappa)
	}
	if v.N > 0 {
		fmt.Fprintf(w, "against the %s, verdict: %d of %d agree, κ %s\n", against, v.Agree, v.N, v.Kappa)
	}
	if a.Traces > 0 && fe.Erroneous+fe.Correct == 0 && st.TP+st.FP+st.FN+st.TN == 0 && v.N == 0 {
		fmt.Fprintf(w, "the %s say nothing the judge's verdicts can be compared with\n", against)
	}
}

// runAgreement prints stored runs' agreement with the dataset's labels and,
// with --annotator, with that person's marks. Nothing is sent.
func runAgreement(ctx context.Context, e *env, j *judgeFlags) int {
	db, code := openStore(e, true)
	if db == nil {
		return code
	}
	defer db.Close()
	ds, err := judgerun.DatasetAgreement(ctx, db, j.filter)
	if err != nil {
		return failed(e, "stepwise judge:", err)
	}
	out := map[string]any{"dataset": ds}
	var hu judgerun.Agreement
	if e.annotator != "" {
		if hu, err = judgerun.HumanAgreement(ctx, db, j.filter, e.annotator); err != nil {
			return failed(e, "stepwise judge:", err)
		}
		out["human"] = hu
		out["annotator"] = e.annotator
	}
	if j.asJSON {
		writeJSON(e.stdout, out)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%d judged trace%s (newest single-trace run of each)\n", ds.Traces, plural(ds.Traces))
	printAgreement(e.stdout, "dataset labels", ds)
	if e.annotator != "" {
		fmt.Fprintf(e.stdout, "%d judged trace%s marked by %s\n", hu.Traces, plural(hu.Traces), e.annotator)
		printAgreement(e.stdout, e.annotator+"'s marks", hu)
	}
	return exitOK
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

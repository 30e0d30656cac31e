package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/config"
	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// humanStats is the annotation part of `stepwise stats`: progress per
// dataset and annotator (running counts), what the labels say, and agreement (computed over the
// annotated traces only).
type humanStats struct {
	Progress  []store.LabelProgress `json:"progress"`
	Labels    []store.LabelCounts   `json:"labels,omitempty"`
	Agreement *store.Agreement      `json:"agreement,omitempty"`
	// Questions is the agreement on label schemas' questions.
	Questions []store.QuestionAgreement `json:"questions,omitempty"`
	// GoldFrom says what the gold accuracy is measured against: "dataset"
	// or "annotator:NAME" (an adjudicator); GoldRates are the shares of
	// gold items each annotator's queue is given ([gold] in config.toml).
	GoldFrom  string             `json:"gold_from"`
	GoldRates map[string]float64 `json:"gold_rates,omitempty"`
}

func loadHumanStats(ctx context.Context, db *store.DB, dataset string, gold config.Gold) (*humanStats, error) {
	prog, err := db.Progress()
	if err != nil {
		return nil, err
	}
	h := &humanStats{Progress: prog, GoldFrom: "dataset"}
	if a := gold.Adjudicator(); a != "" {
		h.GoldFrom = "annotator:" + a
	}
	if len(prog) == 0 {
		return h, nil
	}
	if h.Labels, err = db.LabelDistribution(ctx, dataset); err != nil {
		return nil, err
	}
	if h.Agreement, err = db.Agreement(ctx, store.AgreementOptions{Dataset: dataset, GoldFrom: gold.Adjudicator()}); err != nil {
		return nil, err
	}
	for _, who := range h.Agreement.Annotators {
		if h.GoldRates == nil {
			h.GoldRates = map[string]float64{}
		}
		h.GoldRates[who] = gold.RateFor(who)
	}
	h.Questions, err = db.QuestionAgreements(ctx, dataset)
	return h, err
}

// printQuestionAgreement prints the agreement on schema questions.
func printQuestionAgreement(w io.Writer, qs []store.QuestionAgreement) {
	if len(qs) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nQUESTION\tITEMS\tALPHA\tPAIRS (κ or span F1, items)")
	for _, q := range qs {
		alpha := "—"
		if q.Alpha != nil {
			alpha = q.Alpha.String()
		}
		var pairs []string
		for _, p := range q.Pairs {
			v := "—"
			switch {
			case p.Kappa != nil:
				v = "κ " + p.Kappa.String()
			case p.SpanF1 != nil:
				v = fmt.Sprintf("F1 %.2f", *p.SpanF1)
			}
			pairs = append(pairs, fmt.Sprintf("%s–%s %s (%d)", termsafe.Line(p.A), termsafe.Line(p.B), v, p.N))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", termsafe.Line(q.Question), q.Units, alpha, strings.Join(pairs, "; "))
	}
	tw.Flush()
}

func printHumanStats(w io.Writer, h *humanStats) {
	if len(h.Progress) == 0 {
		fmt.Fprintln(w, "\nHUMAN LABELS: none yet")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nHUMAN LABELS\tANNOTATOR\tTRACES\tOF\tSTEPS\tEVENTS\tTIME")
	for _, p := range h.Progress {
		who := p.Annotator
		if who == "" {
			who = "(anyone)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", termsafe.Line(p.Dataset), termsafe.Line(who), p.Traces,
			p.TotalTraces, p.Steps, p.Events, (time.Duration(p.ElapsedMS) * time.Millisecond).Round(time.Second))
	}
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nLABELS\tGOOD\tNEUTRAL\tWRONG\tHALLUCINATED\tERROR TYPES")
	for _, c := range h.Labels {
		who := c.Annotator
		if who == "" {
			who = "(everyone)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", termsafe.Line(who), c.Good, c.Neutral, c.Bad, c.Hallucinated,
			termsafe.Line(countList(c.ErrorTypes)))
	}
	tw.Flush()
	a := h.Agreement
	if a == nil {
		return
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nAGREEMENT\tα (nominal)\tα (ordinal)\tPAIR\tκ\tOBSERVED\tUNITS")
	for _, k := range a.Kinds {
		ord := ""
		if k.AlphaOrdinal != nil {
			ord = k.AlphaOrdinal.String()
		}
		if len(k.Pairs) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t\t\t\n", k.Kind, k.Alpha, ord)
		}
		for i, p := range k.Pairs {
			kind, alpha, o := k.Kind, k.Alpha.String(), ord
			if i > 0 {
				kind, alpha, o = "", "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s / %s\t%s\t%s\t%d\n", kind, alpha, o, termsafe.Line(p.A), termsafe.Line(p.B),
				p.Kappa, p.Observed, p.Kappa.N)
		}
	}
	tw.Flush()
	if len(a.HumanVsSource) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nHUMAN VS DATASET\tκ\tOBSERVED\tSTEPS")
		for _, s := range a.HumanVsSource {
			who := s.Annotator
			if who == "" {
				who = "(all annotators)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", termsafe.Line(who), s.Kappa, s.Observed, s.Kappa.N)
		}
		tw.Flush()
	}
	if len(a.Gold) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "\nGOLD ITEMS (against %s)\tSCORED\tCORRECT\tACCURACY\tRATE\n", termsafe.Line(h.GoldFrom))
		for _, g := range a.Gold {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.0f%%\n", termsafe.Line(g.Annotator), g.Items, g.Correct, g.Accuracy, 100*h.GoldRates[g.Annotator])
		}
		tw.Flush()
	}
}

// countList writes counts largest first ("logic 3, calculation 1").
func countList(m map[string]int) string {
	names := sortedKeys(m)
	sort.SliceStable(names, func(i, j int) bool { return m[names[i]] > m[names[j]] })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, m[n])
	}
	return strings.Join(parts, ", ")
}

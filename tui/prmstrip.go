package tui

import (
	"strings"

	"github.com/stepwise-dev/stepwise/judge/judgerun"
	"github.com/stepwise-dev/stepwise/store"
)

// The trace list's PRM strip: one mark per step from the process reward
// models' scores — low (below the scorecard's threshold, the PRM calls the
// step wrong) by any PRM, scored and not low, or not scored — so that a
// trace a PRM doubts stands out before it is opened. The column shows only
// when the store holds PRM scores.

// prmStrip is the strip of a trace with steps steps: 'x' where a PRM
// scores the step below the threshold, '+' where every score of it is at
// or above, ' ' where none scored it; "" when no PRM scored the trace.
func prmStrip(ps []store.PRMScores, steps int) string {
	if len(ps) == 0 {
		return ""
	}
	b := []byte(strings.Repeat(" ", steps))
	for _, p := range ps {
		for i, s := range p.Steps {
			switch {
			case i >= steps || s == store.NoScore:
			case s < judgerun.DefaultPRMThreshold:
				b[i] = 'x'
			case b[i] == ' ':
				b[i] = '+'
			}
		}
	}
	return string(b)
}

// prmStripView draws a PRM strip w cells wide: a low score as a warning
// mark, a scored step as a dim dot, an unscored one blank.
func prmStripView(c *programContext, strip string, w int) string {
	if w <= 0 || strip == "" {
		return ""
	}
	more := len(strip) > w
	if more {
		strip = strip[:w-1]
	}
	var b strings.Builder
	for i := 0; i < len(strip); {
		j := i
		for j < len(strip) && strip[j] == strip[i] {
			j++
		}
		switch strip[i] {
		case 'x':
			b.WriteString(c.st.bad.Render(strings.Repeat("▼", j-i)))
		case '+':
			b.WriteString(c.st.dim.Render(strings.Repeat("·", j-i)))
		default:
			b.WriteString(strings.Repeat(" ", j-i))
		}
		i = j
	}
	if more {
		b.WriteString(c.st.dim.Render("…"))
	}
	return b.String()
}

// prmStrips reads the PRM strips of rows (seqs[i] is rows[i]'s) and
// whether the store holds PRM scores at all.
func prmStrips(db *store.DB, seqs []uint64, rows []store.Summary) ([]string, bool, error) {
	has, err := db.HasPRMScores()
	if err != nil || !has {
		return nil, false, err
	}
	ps, err := db.PRMScoresSeqs(seqs)
	if err != nil {
		return nil, true, err
	}
	out := make([]string, len(rows))
	for i := range rows {
		if i < len(ps) {
			out[i] = prmStrip(ps[i], rows[i].Steps)
		}
	}
	return out, true, nil
}

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/themes/termsafe"
)

// progressBar draws an import's progress on one terminal line; it is silent
// when output is not a terminal, so scripts see only the summary.
type progressBar struct {
	w       io.Writer
	enabled bool
	last    time.Time
	drawn   bool
}

func newProgressBar(w io.Writer, enabled bool) *progressBar {
	return &progressBar{w: w, enabled: enabled}
}

func (p *progressBar) update(pr store.Progress) {
	if !p.enabled || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	frac := 0.0
	if pr.BytesTotal > 0 {
		frac = min(1, float64(pr.BytesRead)/float64(pr.BytesTotal))
	}
	const width = 24
	done := int(frac * width)
	bar := strings.Repeat("█", done) + strings.Repeat("░", width-done)
	name := termsafe.Line(filepath.Base(pr.File))
	if len(name) > 28 {
		name = name[:27] + "…"
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s %3.0f%%  %d new  %d dup  %d skipped  [%d/%d] %s",
		bar, frac*100, pr.Imported, pr.Duplicates, pr.Skipped, pr.FileIndex+1, pr.Files, name)
	p.drawn = true
}

// clear erases the bar so other output starts on a clean line.
func (p *progressBar) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

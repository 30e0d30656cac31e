package render

import (
	"math"
	"strconv"
	"strings"
)

// Charts for the workbench's analytics views: bars in eighth blocks,
// stacked bars and a scatter plot, as plain text the caller styles.
//
// Why not a library: the Go terminal chart libraries that draw with Lip
// Gloss (ntcharts) are built on Charm v1 (bubbletea, lipgloss v1), which
// must not be mixed with the v2 stack; the others (termui, asciigraph)
// draw to their own buffers or a whole canvas. What the views need is a
// bar per row and a small scatter plot, a few dozen lines of pure
// functions that are easy to test at every width.

// eighths are the left-aligned partial blocks: index i covers i/8 of a cell.
var eighths = [...]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"}

// Bar draws value out of most as a bar of at most width cells, to the
// eighth of a cell, padded with spaces to exactly width cells. A positive
// value too small to show still gets the thinnest block, so a rare value
// is never drawn as if it were absent; zero, negative and NaN values (or
// most ≤ 0) draw nothing.
func Bar(value, most float64, width int) string {
	if width <= 0 {
		return ""
	}
	if !(value > 0) || !(most > 0) {
		return strings.Repeat(" ", width)
	}
	n := int(math.Round(min(value/most, 1) * float64(width*8)))
	n = max(n, 1)
	full, part := n/8, n%8
	s := strings.Repeat(eighths[8], full) + eighths[part]
	cells := full
	if part > 0 {
		cells++
	}
	return s + strings.Repeat(" ", width-cells)
}

// Split divides cells among parts in proportion to their share of total
// (largest remainder), so the segments of a stacked bar add up exactly to
// the bar's length: round(cells × sum(parts) / total). A positive part
// whose share rounds to nothing gets a cell when the bar has one to spare
// from a larger part, so a stacked bar shows every part that is there.
func Split(parts []int, total, cells int) []int {
	out := make([]int, len(parts))
	sum := 0
	for _, p := range parts {
		sum += max(p, 0)
	}
	if total <= 0 || cells <= 0 || sum == 0 {
		return out
	}
	length := int(math.Round(float64(cells) * float64(min(sum, total)) / float64(total)))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, 0, len(parts))
	used := 0
	for i, p := range parts {
		exact := float64(length) * float64(max(p, 0)) / float64(sum)
		out[i] = int(exact)
		used += out[i]
		rems = append(rems, rem{i, exact - float64(out[i])})
	}
	// Hand out the cells the floors left, largest remainder first (ties:
	// the earlier part).
	for used < length {
		best := -1
		for k, r := range rems {
			if r.r >= 0 && (best < 0 || r.r > rems[best].r) {
				best = k
			}
		}
		out[rems[best].i]++
		rems[best].r = -1
		used++
	}
	showSmallParts(parts, out)
	return out
}

// showSmallParts takes a cell from the largest segment for each positive
// part left with none, while the largest has more than one.
func showSmallParts(parts, out []int) {
	for i, p := range parts {
		if p <= 0 || out[i] > 0 {
			continue
		}
		big := 0
		for k := range out {
			if out[k] > out[big] {
				big = k
			}
		}
		if out[big] > 1 {
			out[big]--
			out[i]++
		}
	}
}

// Point is one mark of a scatter plot.
type Point struct {
	X, Y float64
	Mark rune
}

// ScatterOptions size and label a scatter plot. The x axis runs from 0 to
// the largest x (1 when none is positive); y from YMin to YMax.
type ScatterOptions struct {
	// Width and Height are the plot area's cells, without the axes.
	Width, Height int
	YMin, YMax    float64
	// XLabel and YLabel format the axes' end values ("0", "12k tok").
	XLabel, YLabel func(float64) string
}

// Scatter draws points on a Width×Height grid with a y axis on the left
// (its top and bottom values) and an x axis below (its two ends). Two
// points in one cell show as '+'. Points outside the y range are clamped
// to its edge, NaN ones left out.
func Scatter(pts []Point, o ScatterOptions) []string {
	w, h := max(o.Width, 2), max(o.Height, 2)
	xmax := 0.0
	for _, p := range pts {
		if p.X > xmax {
			xmax = p.X
		}
	}
	if xmax <= 0 {
		xmax = 1
	}
	grid := make([][]rune, h)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", w))
	}
	yspan := o.YMax - o.YMin
	if yspan <= 0 {
		yspan = 1
	}
	for _, p := range pts {
		if math.IsNaN(p.X) || math.IsNaN(p.Y) {
			continue
		}
		col := int(math.Round(max(p.X, 0) / xmax * float64(w-1)))
		fy := min(max((p.Y-o.YMin)/yspan, 0), 1)
		row := h - 1 - int(math.Round(fy*float64(h-1)))
		if grid[row][col] != ' ' {
			grid[row][col] = '+'
		} else {
			grid[row][col] = p.Mark
		}
	}
	label := func(f func(float64) string, v float64) string {
		if f == nil {
			return trimFloat(v)
		}
		return f(v)
	}
	top, bottom := label(o.YLabel, o.YMax), label(o.YLabel, o.YMin)
	gut := max(len([]rune(top)), len([]rune(bottom)))
	out := make([]string, 0, h+2)
	for r := range grid {
		tick := ""
		switch r {
		case 0:
			tick = top
		case h - 1:
			tick = bottom
		}
		out = append(out, padLeftRunes(tick, gut)+" │"+string(grid[r]))
	}
	out = append(out, strings.Repeat(" ", gut)+" └"+strings.Repeat("─", w))
	lo, hi := label(o.XLabel, 0), label(o.XLabel, xmax)
	gap := max(1, w-len([]rune(lo))-len([]rune(hi)))
	out = append(out, strings.Repeat(" ", gut+2)+lo+strings.Repeat(" ", gap)+hi)
	return out
}

func padLeftRunes(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

func trimFloat(v float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

package render

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// eighthsOf counts a bar's length in eighths of a cell from its glyphs.
func eighthsOf(t *testing.T, bar string) int {
	t.Helper()
	n := 0
	for _, r := range bar {
		switch r {
		case ' ':
		case '█':
			n += 8
		default:
			i := strings.Index("▏▎▍▌▋▊▉", string(r))
			if i < 0 {
				t.Fatalf("unexpected glyph %q in %q", r, bar)
			}
			n += i/len("▏") + 1
		}
	}
	return n
}

func TestBarLengthIsTheShareInEighths(t *testing.T) {
	for _, c := range []struct {
		value, most float64
		width, want int // want: eighths
	}{
		{10, 10, 10, 80},
		{5, 10, 10, 40},
		{1, 3, 10, 27},   // 26.67 rounds to 27
		{1, 1000, 10, 1}, // too small to show: the thinnest block
		{0, 10, 10, 0},
		{-3, 10, 10, 0},
		{math.NaN(), 10, 10, 0},
		{5, 0, 10, 0},
		{20, 10, 4, 32}, // over the top: clamped to the width
		{7, 8, 1, 7},
	} {
		bar := Bar(c.value, c.most, c.width)
		if got := utf8.RuneCountInString(bar); got != c.width {
			t.Errorf("Bar(%v, %v, %d) is %d cells: %q", c.value, c.most, c.width, got, bar)
		}
		if got := eighthsOf(t, bar); got != c.want {
			t.Errorf("Bar(%v, %v, %d) = %q: %d eighths, want %d", c.value, c.most, c.width, bar, got, c.want)
		}
	}
	if Bar(5, 10, 0) != "" || Bar(5, 10, -2) != "" {
		t.Error("a bar of no width is not empty")
	}
}

func TestSplitAddsUpAndShowsEveryPart(t *testing.T) {
	for _, c := range []struct {
		parts        []int
		total, cells int
		want         []int
	}{
		{[]int{1, 1, 2}, 4, 8, []int{2, 2, 4}},
		{[]int{1, 1, 1}, 3, 10, []int{4, 3, 3}}, // the first remainder wins the tie
		{[]int{1, 1}, 4, 8, []int{2, 2}},        // half the total: half the cells
		{[]int{1, 98, 1}, 100, 10, []int{1, 8, 1}},
		{[]int{0, 0}, 0, 10, []int{0, 0}},
		{[]int{3}, 3, 0, []int{0}},
		{nil, 5, 10, []int{}},
	} {
		got := Split(c.parts, c.total, c.cells)
		if len(got) != len(c.want) {
			t.Fatalf("Split(%v, %d, %d) = %v", c.parts, c.total, c.cells, got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Split(%v, %d, %d) = %v, want %v", c.parts, c.total, c.cells, got, c.want)
				break
			}
		}
	}
	// Any split adds up to the rounded share of the cells.
	for total := 1; total < 40; total++ {
		for cells := 1; cells < 30; cells++ {
			parts := []int{total / 3, total / 5, total - total/3 - total/5}
			sum := 0
			for _, n := range Split(parts, total, cells) {
				sum += n
			}
			if sum != cells {
				t.Fatalf("Split(%v, %d, %d) adds up to %d", parts, total, cells, sum)
			}
		}
	}
}

func TestScatterPlacesPointsAndAxes(t *testing.T) {
	pts := []Point{{X: 0, Y: 0, Mark: 'a'}, {X: 10, Y: 1, Mark: 'b'}, {X: 5, Y: 0.5, Mark: 'c'}, {X: 5, Y: 0.5, Mark: 'd'}}
	lines := Scatter(pts, ScatterOptions{Width: 11, Height: 5, YMin: 0, YMax: 1,
		YLabel: func(v float64) string { return strings.Repeat("%", int(v)+1) }})
	if len(lines) != 5+2 {
		t.Fatalf("%d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	plot := func(row, col int) rune { return []rune(lines[row])[4+col] } // gutter "%%" + " │"
	if plot(4, 0) != 'a' || plot(0, 10) != 'b' || plot(2, 5) != '+' {
		t.Fatalf("points misplaced:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[0], "%% │") || !strings.HasPrefix(lines[4], " % │") || !strings.Contains(lines[5], "└───────────") {
		t.Fatalf("axes:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.HasSuffix(lines[6], "0        10") {
		t.Fatalf("x labels: %q", lines[6])
	}
	for _, l := range lines[:5] {
		if utf8.RuneCountInString(l) != 4+11 {
			t.Fatalf("ragged line %q", l)
		}
	}
}

func TestScatterDegenerateInput(t *testing.T) {
	// No points, a zero range, a tiny size: still a plot, never a panic.
	lines := Scatter(nil, ScatterOptions{Width: 0, Height: 0})
	if len(lines) != 2+2 {
		t.Fatalf("%q", lines)
	}
	lines = Scatter([]Point{{X: math.NaN(), Y: 1, Mark: 'x'}, {X: -1, Y: 9, Mark: 'y'}}, ScatterOptions{Width: 3, Height: 3, YMax: 1})
	if strings.ContainsRune(strings.Join(lines, ""), 'x') || []rune(lines[0])[3] != 'y' {
		t.Fatalf("NaN shown or out-of-range not clamped:\n%s", strings.Join(lines, "\n"))
	}
}

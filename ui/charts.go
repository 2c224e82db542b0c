package ui

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The small graphics of the Pools and Pollers views: compact rates,
// sparklines and multi-row bar charts, all pure functions of their data. They
// draw with the block elements ▁▂▃▄▅▆▇█ (U+2581..U+2588), one cell each.

// decimal formats v with one decimal under 10 ("1.2", "3") and none above ("12").
func decimal(v float64) string {
	if v >= 9.95 {
		return strconv.FormatInt(int64(v+0.5), 10)
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// fmtRate formats a per-second rate compactly: "0.5/s", "12/s", "1.2k/s".
func fmtRate(v float64) string {
	switch {
	case v >= 999.5e3:
		return decimal(v/1e6) + "M/s"
	case v >= 999.5:
		return decimal(v/1e3) + "k/s"
	}
	return decimal(v) + "/s"
}

// sparkLevel maps v in [0, top] to one of the eight levels 0..7 (▁..█).
func sparkLevel(v, top float64) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return min(max(int(v/top*7+0.5), 0), 7)
}

// sparkRune returns the block of a level 0..7: ▁..█.
func sparkRune(level int) rune { return rune(0x2581 + level) }

// sparkTop returns the top of a sparkline's scale: the largest value, but at
// least floor, so that near-zero noise is not blown up to full height.
func sparkTop[T ~int64 | ~float64](vals []T, floor T) T {
	top := floor
	for _, v := range vals {
		top = max(top, v)
	}
	return top
}

// sparkline draws the last w values on one line, scaled to top (the largest
// value when top <= 0). A zero is the lowest block, so the line's length shows
// how many samples there are.
func sparkline[T ~int64 | ~float64](vals []T, w int, top T) string {
	if w <= 0 || len(vals) == 0 {
		return ""
	}
	vals = vals[max(len(vals)-w, 0):]
	if top <= 0 {
		top = sparkTop(vals, 0)
	}
	var b strings.Builder
	b.Grow(len(vals) * 3)
	for _, v := range vals {
		b.WriteRune(sparkRune(sparkLevel(float64(v), float64(top))))
	}
	return b.String()
}

// barChart draws the last w values as h rows of vertical bars, top row first,
// each value one column, in eighths of a cell, scaled to top (the largest value
// when top <= 0). Rows are exactly len(window) cells wide.
func barChart[T ~int64 | ~float64](vals []T, w, h int, top T) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	vals = vals[max(len(vals)-w, 0):]
	if top <= 0 {
		top = sparkTop(vals, 0)
	}
	eighths := make([]int, len(vals))
	for i, v := range vals {
		if top > 0 && v > 0 {
			eighths[i] = min(max(int(float64(v)/float64(top)*float64(h*8)+0.5), 1), h*8)
		}
	}
	rows := make([]string, h)
	var b strings.Builder
	for r := range h {
		b.Reset()
		base := (h - 1 - r) * 8
		for _, e := range eighths {
			switch k := e - base; {
			case k <= 0:
				b.WriteByte(' ')
			case k >= 8:
				b.WriteRune('█')
			default:
				b.WriteRune(rune(0x2580 + k))
			}
		}
		rows[r] = b.String()
	}
	return rows
}

// durStats returns the smallest, median and largest of ds (zeros when empty).
func durStats(ds []time.Duration) (lo, p50, hi time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}

// lateness grades a poller's delay against its period: 0 under 10% of the
// period (normal), 1 under 50% (late), 2 beyond (very late).
func lateness(delay, period time.Duration) int {
	switch {
	case period <= 0 || delay*10 < period:
		return 0
	case delay*2 < period:
		return 1
	}
	return 2
}

// latePaint returns the paint of a lateness grade.
func (st *Styles) latePaint(grade int) paint {
	switch grade {
	case 1:
		return st.late
	case 2:
		return st.veryLate
	}
	return paint{}
}

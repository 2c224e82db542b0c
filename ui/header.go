package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// view is one of the dashboard's views, numbered as their keys.
type view int

// The views. Pools (2) and Pollers (3) are reserved for later.
const (
	viewWorkers view = 1
	viewEvents  view = 4
)

// availableViews lists the views tab cycles through, in order.
func availableViews() []view { return []view{viewWorkers, viewEvents} }

// String returns the view's tab name.
func (v view) String() string {
	switch v {
	case viewWorkers:
		return "Workers"
	case viewEvents:
		return "Events"
	}
	return "?"
}

// header is the top of the screen: the brand, the source, the count of tasks per
// state, leaked goroutines, and the view tabs.
type header struct {
	st     *Styles
	source string
	counts model.StateCounts
	leaked int
	have   bool
	closed bool   // the source stopped publishing
	notice string // "quitting…" and the like, on the right
	active view
	width  int
}

// newHeader returns the header of an empty dashboard.
func newHeader(st *Styles) header { return header{st: st, active: viewWorkers} }

// SetSize sets the header's width.
func (h *header) SetSize(w int) { h.width = max(w, 0) }

// SetSnapshot takes the source name and the counts from s.
func (h *header) SetSnapshot(s *model.Snapshot) {
	h.source, h.counts, h.leaked, h.have = cleanCell(s.Source), s.Counts, s.Leaked, true
}

// View returns the header's two lines: the brand, the source, the leak warning,
// a notice and the view tabs on the first; the count per state on the second.
func (h *header) View() []string {
	var b strings.Builder
	b.WriteByte(' ')
	h.st.brand.write(&b, "spindle")
	if h.source != "" {
		h.st.dim.write(&b, " · ")
		h.st.source.write(&b, h.source)
	}
	if h.leaked > 0 {
		noun := " goroutine"
		if h.leaked > 1 {
			noun += "s"
		}
		b.WriteString("   ")
		h.st.leaked.write(&b, "leaked "+strconv.Itoa(h.leaked)+noun)
	}
	switch {
	case h.closed:
		b.WriteString("   ")
		h.st.statusE.write(&b, "source closed")
	case h.notice != "":
		b.WriteString("   ")
		h.st.statusWarn.write(&b, h.notice)
	}
	return []string{rightAlign(b.String(), h.tabs(), h.width), h.countsLine()}
}

// countsLine returns the count per state, only the non-zero ones, each in its
// state's colour: "running 3  queued 12  done 40"; tighter when the line is full.
func (h *header) countsLine() string {
	switch {
	case !h.have:
		return " " + h.st.dim.render("waiting for the source…")
	case h.counts.Total() == 0:
		return " " + h.st.dim.render("no tasks")
	}
	gap := "  "
	need := 1
	for s, n := range h.counts {
		if n > 0 {
			need += len(model.State(s).String()) + 1 + len(strconv.Itoa(n)) + len(gap)
		}
	}
	if need > h.width {
		gap = " "
	}
	var b strings.Builder
	b.WriteByte(' ')
	first := true
	for s, n := range h.counts {
		if n == 0 {
			continue
		}
		if !first {
			b.WriteString(gap)
		}
		first = false
		h.st.state[s].write(&b, model.State(s).String()+" "+strconv.Itoa(n))
	}
	line := b.String()
	if visibleWidth(line) > h.width {
		line = ansi.Truncate(line, h.width, ellipsis)
	}
	return line
}

// tabs returns the view tabs: "1 Workers  4 Events", the active one in reverse.
func (h *header) tabs() string {
	var b strings.Builder
	for i, v := range availableViews() {
		if i > 0 {
			b.WriteByte(' ')
		}
		p := h.st.tabOff
		if v == h.active {
			p = h.st.tabOn
		}
		p.write(&b, " "+strconv.Itoa(int(v))+" "+v.String()+" ")
	}
	b.WriteByte(' ')
	return b.String()
}

// rightAlign returns left and right on one line of width w, right flush to the
// edge; when both do not fit, left is cut to make room.
func rightAlign(left, right string, w int) string {
	lw, rw := visibleWidth(left), visibleWidth(right)
	if lw+rw+1 <= w {
		return left + strings.Repeat(" ", w-lw-rw) + right
	}
	if rw+1 > w {
		return left
	}
	return fitLine(left, w-rw-1) + " " + right
}

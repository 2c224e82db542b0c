package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// view is one of the dashboard's views, numbered as their keys.
type view int

// The views.
const (
	viewWorkers    view = 1
	viewPools      view = 2
	viewPollers    view = 3
	viewEvents     view = 4
	viewGoroutines view = 5 // goroutines.go
	viewLogs       view = 6 // every task's log (logview.go)
)

// availableViews lists the views tab cycles through, in order.
func availableViews() []view {
	return []view{viewWorkers, viewPools, viewPollers, viewEvents, viewGoroutines, viewLogs}
}

// String returns the view's tab name.
func (v view) String() string {
	switch v {
	case viewWorkers:
		return "Workers"
	case viewPools:
		return "Pools"
	case viewPollers:
		return "Pollers"
	case viewEvents:
		return "Events"
	case viewGoroutines:
		return "Goroutines"
	case viewLogs:
		return "Logs"
	}
	return "?"
}

// header is the top of the screen: the brand, the source, the count of tasks per
// state, leaked goroutines, and the view tabs.
type header struct {
	st     *Styles
	origin string // WithOrigin: where snapshots come from, shown before source
	source string
	counts model.StateCounts
	leaked int
	have   bool
	closed bool   // the source stopped publishing
	notice string // "quitting…" and the like, on the right
	lost   string // distributed pools whose backend does not answer (render_cluster.go)
	active view
	width  int

	pools, pollers               int    // how many exist
	poolsPaused                  int    // pools paused
	pollersPaused, pollersKilled int    // pollers paused and killed, for "(1 paused)"
	summaryText                  string // summary(false), taken once per snapshot
	summaryShort                 string // summary(true), when the line is full

	fleet []fleetOrigin // a fleet's engines and their connections (header_fleet.go)
}

// newHeader returns the header of an empty dashboard.
func newHeader(st *Styles, origin string) header {
	return header{st: st, active: viewWorkers, origin: cleanCell(origin)}
}

// SetSize sets the header's width.
func (h *header) SetSize(w int) { h.width = max(w, 0) }

// SetSnapshot takes the source name and the counts from s.
func (h *header) SetSnapshot(s *model.Snapshot) {
	h.source, h.counts, h.leaked, h.have = sourceLabel(cleanCell(s.Source)), s.Counts, s.Leaked, true
	if h.origin != "" {
		h.source = h.origin + " · " + h.source
	}
	h.pools, h.pollers, h.poolsPaused = len(s.Pools), len(s.Pollers), 0
	h.lost = lostBackends(s.Pools, s.Time)
	for i := range s.Pools {
		if s.Pools[i].State == model.PoolPaused {
			h.poolsPaused++
		}
	}
	h.pollersPaused, h.pollersKilled = 0, 0
	for i := range s.Pollers {
		switch s.Pollers[i].PollerState() {
		case "paused":
			h.pollersPaused++
		case "killed":
			h.pollersKilled++
		}
	}
	h.summaryText, h.summaryShort = h.summary(false), h.summary(true)
	h.setOrigins(s.Origins)
}

// sourceLabel returns how the header names a source: a task file as
// "file: ./spindle.yaml", anything else ("demo", "attach unix:/run/…") as it is.
func sourceLabel(src string) string {
	if looksLikeFile(src) {
		return "file: " + src
	}
	return src
}

// looksLikeFile reports whether a source names a task file: it ends in .yaml or
// .yml, or holds a "/", but has no scheme or address before its first "/" (as
// "attach unix:/run/spindle.sock" or "http://host/" do).
func looksLikeFile(src string) bool {
	if src == "" {
		return false
	}
	lower := strings.ToLower(src)
	if !strings.HasSuffix(lower, ".yaml") && !strings.HasSuffix(lower, ".yml") && !strings.Contains(src, "/") {
		return false
	}
	head, _, _ := strings.Cut(src, "/")
	return !strings.Contains(head, ":") && !strings.HasPrefix(src, "attach ")
}

// summary returns the pools and pollers summary of the counts line, empty when
// there are neither: "pools 3 (1 paused)  pollers 7 (1 paused, 1 killed)", or
// without the notes when short.
func (h *header) summary(short bool) string {
	var parts []string
	note := func(s string, n int, what string) string {
		if n == 0 || short {
			return s
		}
		return s + " (" + strconv.Itoa(n) + " " + what + ")"
	}
	if h.pools > 0 {
		parts = append(parts, note("pools "+strconv.Itoa(h.pools), h.poolsPaused, "paused"))
	}
	if h.pollers > 0 {
		s := "pollers " + strconv.Itoa(h.pollers)
		paused, killed := h.pollersPaused, h.pollersKilled
		switch {
		case short || paused+killed == 0:
		case killed == 0:
			s = note(s, paused, "paused")
		case paused == 0:
			s = note(s, killed, "killed")
		default:
			s += " (" + strconv.Itoa(paused) + " paused, " + strconv.Itoa(killed) + " killed)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "  ")
}

// View returns the header's two lines: the brand, the source, the leak warning,
// a notice and the view tabs on the first; the count per state on the second.
func (h *header) View() []string {
	left := h.left(false)
	if len(h.fleet) > 0 && visibleWidth(left)+visibleWidth(h.tabs(true))+1 > h.width {
		left = h.left(true) // many engines: their counts, and the names of the lost
	}
	tabs := h.tabs(false)
	if visibleWidth(left)+visibleWidth(tabs)+1 > h.width {
		tabs = h.tabs(true) // a narrow screen keeps the brand and source readable
	}
	return []string{rightAlign(left, tabs, h.width), h.countsLine()}
}

// left returns the first line's left part: the brand, the source (a fleet's
// engines, compact or not), the leak warning and a notice.
func (h *header) left(compact bool) string {
	var b strings.Builder
	b.WriteByte(' ')
	h.st.brand.write(&b, "spindle")
	if len(h.fleet) > 0 {
		h.st.dim.write(&b, " · ")
		h.fleetText(&b, compact)
	} else if h.source != "" {
		h.st.dim.write(&b, " · ")
		h.st.source.write(&b, h.source)
	}
	if h.leaked > 0 {
		b.WriteString("   ")
		h.st.leaked.write(&b, "leaked "+plural(h.leaked, "goroutine"))
	}
	if h.lost != "" {
		b.WriteString("   ")
		h.st.statusE.write(&b, h.lost)
	}
	switch {
	case h.closed:
		b.WriteString("   ")
		h.st.statusE.write(&b, "source closed")
	case h.notice != "":
		b.WriteString("   ")
		h.st.statusWarn.write(&b, h.notice)
	}
	return b.String()
}

// countsLine returns the count per state, only the non-zero ones, each in its
// state's colour: "running 3  queued 12  done 40"; tighter when the line is full.
// The pools and pollers summary, when there are any, is flush right; it gives
// way to the counts (first its notes, then all of it), since the Pools and
// Pollers views have it too.
func (h *header) countsLine() string {
	if !h.have {
		return " " + h.st.dim.render("waiting for the source…")
	}
	plain := ""
	if h.summaryText != "" {
		plain = h.summaryText
		if h.countsWidth(1)+3+len(plain)+1 > h.width {
			plain = h.summaryShort
		}
		if h.counts.Total() > 0 && h.countsWidth(1)+3+len(plain)+1 > h.width {
			plain = ""
		}
	}
	summary, room := "", h.width
	if plain != "" {
		summary = h.st.desc.render(plain) + " "
		room -= len(plain) + 1 + 3
	}
	if h.counts.Total() == 0 {
		return rightAlign(" "+h.st.dim.render("no tasks"), summary, h.width)
	}
	gap := "  "
	if h.countsWidth(2) > room {
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
	if visibleWidth(line) > room {
		line = ansi.Truncate(line, max(room, 0), ellipsis)
	}
	if summary == "" {
		return line
	}
	return rightAlign(line, summary, h.width)
}

// countsWidth returns the cells the counts take with gap blanks between them
// (and one before).
func (h *header) countsWidth(gap int) int {
	need, k := 1, 0
	for s, n := range h.counts {
		if n > 0 {
			need += len(model.State(s).String()) + 1 + len(strconv.Itoa(n))
			k++
		}
	}
	return need + gap*max(k-1, 0)
}

// tabs returns the view tabs: "1 Workers  4 Events", the active one in
// reverse; compact, only the active one is named: "1 Workers  2  3  4".
func (h *header) tabs(compact bool) string {
	var b strings.Builder
	for i, v := range availableViews() {
		if i > 0 {
			b.WriteByte(' ')
		}
		p, name := h.st.tabOff, " "+v.String()
		if v == h.active {
			p = h.st.tabOn
		} else if compact {
			name = ""
		}
		p.write(&b, " "+strconv.Itoa(int(v))+name+" ")
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

package ui

import (
	"strconv"
	"strings"
)

// scrollPane is the part the task and poller detail panes share: their content
// lines, built when data or size change (never per frame), and a scroll offset
// over them in a bordered box.
type scrollPane struct {
	lines         []string // rendered content
	offset        int      // first content line on screen
	width, height int      // outer size, borders included
}

// resize records the pane's outer size, w×h cells.
func (p *scrollPane) resize(w, h int) { p.width, p.height = max(w, 0), max(h, 0) }

// visibleRows returns the content lines that fit in the box.
func (p *scrollPane) visibleRows() int { return max(p.height-2, 1) }

// maxOffset returns the last scroll position.
func (p *scrollPane) maxOffset() int { return max(len(p.lines)-p.visibleRows(), 0) }

// atBottom reports whether there is content and the view shows its end, so
// that content added later should stay in view.
func (p *scrollPane) atBottom() bool { return len(p.lines) > 0 && p.offset >= p.maxOffset() }

// Scroll moves the view by delta lines, clamped to the content.
func (p *scrollPane) Scroll(delta int) { p.MoveTo(p.offset + delta) }

// Move scrolls by delta lines: in a pane the navigation keys move the view.
func (p *scrollPane) Move(delta int) { p.Scroll(delta) }

// MoveTo scrolls so that line i is the first on screen, clamped to the content.
func (p *scrollPane) MoveTo(i int) { p.offset = min(max(i, 0), p.maxOffset()) }

// Page scrolls by a screen (negative: up).
func (p *scrollPane) Page(dir int) { p.Scroll(dir * p.visibleRows()) }

// view draws the pane in its box under title, with the position in the content
// ("[1-20/85]") when it does not fit.
func (p *scrollPane) view(st *Styles, title string) []string {
	x := box{st: st, width: p.width}
	var tb strings.Builder
	st.title.write(&tb, title)
	tw := textWidth(title)
	if n := len(p.lines); n > p.visibleRows() {
		pos := " [" + strconv.Itoa(p.offset+1) + "-" + strconv.Itoa(min(p.offset+p.visibleRows(), n)) + "/" + strconv.Itoa(n) + "]"
		st.titleCount.write(&tb, pos)
		tw += textWidth(pos)
	}
	out := make([]string, 0, p.height)
	out = append(out, x.top(tb.String(), tw))
	for i := p.offset; i < len(p.lines) && i < p.offset+p.visibleRows(); i++ {
		var b strings.Builder
		x.line(&b, fitLine(" "+p.lines[i], x.innerWidth()))
		out = append(out, b.String())
	}
	for len(out) < p.height-1 {
		out = append(out, x.blank())
	}
	return append(out, x.bottom())
}

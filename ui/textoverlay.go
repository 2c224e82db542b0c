package ui

import (
	"strconv"
	"strings"
)

// textOverlay is a box of text drawn over the body, centred, that scrolls when
// its text is taller than the screen: every error of the source (e), an event
// in full (enter in Events), the help (?). Its lines are built when it opens
// or the screen is resized, never per frame. While it is open it has the keys:
// the navigation keys scroll it, esc closes it.
type textOverlay struct {
	st      *Styles
	open    bool
	title   string
	content func(w int) []string // the styled lines for an inner width of w cells
	lines   []string
	offset  int
	width   int // the area it is centred in
	height  int
}

// newTextOverlay returns a closed overlay.
func newTextOverlay(st *Styles) textOverlay { return textOverlay{st: st} }

// Open shows the lines content builds, under title, from the top.
func (o *textOverlay) Open(title string, content func(w int) []string) {
	o.open, o.title, o.content, o.offset = true, title, content, 0
	o.build()
}

// Close hides the overlay.
func (o *textOverlay) Close() { o.open, o.content, o.lines = false, nil, nil }

// SetSize sets the area the overlay is centred in and builds its lines again.
func (o *textOverlay) SetSize(w, h int) {
	o.width, o.height = max(w, 0), max(h, 0)
	o.build()
}

// build makes the lines for the current width.
func (o *textOverlay) build() {
	if !o.open || o.content == nil {
		return
	}
	o.lines = o.content(o.innerWidth())
	o.MoveTo(o.offset)
}

// innerWidth is the text's width: the area less the box's borders and padding
// and a margin each side.
func (o *textOverlay) innerWidth() int { return max(o.width-6, 10) }

// visibleRows is the lines of text the box shows: the area less its borders
// and the closing hint.
func (o *textOverlay) visibleRows() int { return max(o.height-4, 1) }

// maxOffset is the last scroll position.
func (o *textOverlay) maxOffset() int { return max(len(o.lines)-o.visibleRows(), 0) }

// Move scrolls by delta lines.
func (o *textOverlay) Move(delta int) { o.MoveTo(o.offset + delta) }

// MoveTo scrolls so that line i is the first shown, clamped to the text.
func (o *textOverlay) MoveTo(i int) { o.offset = min(max(i, 0), o.maxOffset()) }

// Page scrolls by a box's height (negative: up).
func (o *textOverlay) Page(dir int) { o.Move(dir * o.visibleRows()) }

// Overlay draws the box over base, the lines on screen and, last, hint (how
// to close it), with scroll (the keys that scroll it) when the text does not fit.
func (o *textOverlay) Overlay(base []string, hint, scroll string) []string {
	rows := o.visibleRows()
	end := min(o.offset+rows, len(o.lines))
	shown := make([]string, 0, end-o.offset+2)
	shown = append(shown, o.lines[o.offset:end]...)
	title := o.title
	w := textWidth(title) + 4
	for _, l := range o.lines { // sized to all the text, so scrolling does not move the box
		w = max(w, visibleWidth(l)+4)
	}
	if len(o.lines) > rows {
		title += " [" + strconv.Itoa(o.offset+1) + "-" + strconv.Itoa(end) + "/" + strconv.Itoa(len(o.lines)) + "]"
		if full := scroll + " scroll · " + hint; textWidth(full)+4 <= o.width {
			hint = full // when it does not fit, the closing keys matter more
		}
	}
	w = min(max(w, textWidth(hint)+4), o.width)
	shown = append(shown, "", o.st.dim.render(hint))
	d := dialogOf(o.st, title, shown, w)
	return overlay(base, d, centre(o.width, visibleWidth(d[0])), centre(o.height, len(d)))
}

// wrapLines wraps text (cleaned of control characters) to w cells, each line
// after the first of a paragraph indented by indent, in p.
func wrapLines(text string, w, indent int, p paint) []string {
	var out []string
	for para := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		for i, l := range wrapBlock(para, max(w-indent, 1)) {
			if i > 0 {
				l = strings.Repeat(" ", indent) + l
			}
			out = append(out, p.render(l))
		}
	}
	return out
}

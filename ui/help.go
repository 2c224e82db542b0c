package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/spindle-tui/spindle/keymap"
)

// helpOverlay is the full help (?): every binding of the keymap, grouped, in a box
// drawn over the body. It is generated from the keymap, so remapped keys show.
type helpOverlay struct {
	st            *Styles
	open          bool
	width, height int // the area it is centred in
}

// newHelpOverlay returns a closed overlay.
func newHelpOverlay(st *Styles) helpOverlay { return helpOverlay{st: st} }

// SetSize sets the area the overlay is centred in.
func (h *helpOverlay) SetSize(w, hgt int) { h.width, h.height = max(w, 0), max(hgt, 0) }

// Toggle opens or closes the overlay.
func (h *helpOverlay) Toggle() { h.open = !h.open }

// helpColumn is one group laid out: its lines and its width.
type helpColumn struct {
	lines []string
	width int
}

// column lays out one group of bindings under its title.
func (h *helpOverlay) column(title string, bs []key.Binding) helpColumn {
	kw, dw := 0, textWidth(title)
	for _, b := range bs {
		kw = max(kw, textWidth(b.Help().Key))
		dw = max(dw, textWidth(b.Help().Desc))
	}
	col := helpColumn{width: max(kw+2+dw, textWidth(title))}
	col.lines = append(col.lines, h.st.title.render(title))
	for _, b := range bs {
		if len(b.Keys()) == 0 {
			continue
		}
		hl := b.Help()
		col.lines = append(col.lines, h.st.key.render(padRight(hl.Key, kw))+"  "+h.st.desc.render(hl.Desc))
	}
	return col
}

// Overlay draws the help over base (the body lines) and returns the result.
func (h *helpOverlay) Overlay(base []string, km keymap.KeyMap) []string {
	titles := keymap.GroupTitles()
	var cols []helpColumn
	for i, g := range km.FullHelp() {
		title := ""
		if i < len(titles) {
			title = titles[i]
		}
		cols = append(cols, h.column(title, g))
	}
	const gap = 4
	maxInner := max(h.width-6, 10)
	var lines []string
	for len(cols) > 0 { // bands of as many columns as fit side by side
		n, w := 1, cols[0].width
		for n < len(cols) && w+gap+cols[n].width <= maxInner {
			w += gap + cols[n].width
			n++
		}
		band := cols[:n]
		cols = cols[n:]
		rows := 0
		for _, c := range band {
			rows = max(rows, len(c.lines))
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		for r := range rows {
			var b strings.Builder
			for i, c := range band {
				if i > 0 {
					writeSpaces(&b, gap)
				}
				cell := ""
				if r < len(c.lines) {
					cell = c.lines[r]
				}
				b.WriteString(cell)
				writeSpaces(&b, c.width-visibleWidth(cell))
			}
			lines = append(lines, b.String())
		}
	}
	closeKeys := km.Back.Help().Key + " or " + km.Help.Help().Key
	lines = append(lines, "", h.st.dim.render(closeKeys+" closes this help"))
	d := dialog(h.st, "Help", lines, h.width)
	return overlay(base, d, centre(h.width, visibleWidth(d[0])), centre(h.height, len(d)))
}

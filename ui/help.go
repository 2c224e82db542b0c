package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/spindle-tui/spindle/keymap"
)

// helpOverlay is the full help (?): every binding of the keymap, grouped, in a
// box drawn over the body. It is generated from the keymap, so remapped keys
// show: the keymap's groups and the log views' (from their table, logHelp),
// which leads when the help is opened from a log view. The groups are laid
// side by side as far as the width allows, in bands under one another, and
// the box scrolls when they are taller than the body.
type helpOverlay struct {
	textOverlay
	keys     *keymap.KeyMap
	logFirst bool // opened from a log view: its group first
}

// newHelpOverlay returns a closed overlay of the bindings in keys.
func newHelpOverlay(st *Styles, keys *keymap.KeyMap) helpOverlay {
	return helpOverlay{textOverlay: newTextOverlay(st), keys: keys}
}

// logGroupTitle titles the help's group of the log views' keys.
const logGroupTitle = "log view"

// filterGroupTitle titles the help's group of what a filter can say.
const filterGroupTitle = "filter line"

// filterHelp is what the filter line takes (match.go, origins.go), shown as
// bindings so that the help lays it out like the keys; the key that clears
// a filter is named as the user's keymap has it.
func filterHelp(k *keymap.KeyMap) []key.Binding {
	line := func(syntax, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(syntax), key.WithHelp(syntax, desc))
	}
	return []key.Binding{
		line("text", "rows whose id, name, group, state or text hold it"),
		line("a b", "rows that match every word (origin:api running)"),
		line(groupPrefix+"NAME", "exactly a group's tasks, pool, pollers, events"),
		line(originTerm+"NAME", "exactly one engine's rows (attach A B …)"),
		line("enter", "keep the filter ("+k.Back.Help().Key+" clears it)"),
	}
}

// Toggle opens or closes the overlay; logFirst (opened from a log view) puts
// the log views' keys first.
func (h *helpOverlay) Toggle(logFirst bool) {
	if h.open {
		h.Close()
		return
	}
	h.logFirst = logFirst
	h.Open("Help", h.content)
}

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

// content lays the groups out for w cells: bands of as many groups side by
// side as fit.
func (h *helpOverlay) content(w int) []string {
	titles := keymap.GroupTitles()
	var cols []helpColumn
	for i, g := range h.keys.FullHelp() {
		title := ""
		if i < len(titles) {
			title = titles[i]
		}
		cols = append(cols, h.column(title, g))
	}
	cols = append(cols, h.column(filterGroupTitle, filterHelp(h.keys)))
	logCol := h.column(logGroupTitle, logHelp(h.keys))
	if h.logFirst {
		cols = append([]helpColumn{logCol}, cols...)
	} else {
		cols = append(cols, logCol)
	}
	const gap = 4
	var lines []string
	for len(cols) > 0 {
		n, cw := 1, cols[0].width
		for n < len(cols) && cw+gap+cols[n].width <= w {
			cw += gap + cols[n].width
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
	return lines
}

// scrollKeys names the keys that scroll a box: "↑/k ↓/j pgup pgdn".
func scrollKeys(km keymap.KeyMap) string {
	var parts []string
	for _, b := range []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown} {
		if len(b.Keys()) > 0 {
			parts = append(parts, b.Help().Key)
		}
	}
	return strings.Join(parts, " ")
}

// Overlay draws the help over base (the body lines) and returns the result.
func (h *helpOverlay) Overlay(base []string, km keymap.KeyMap) []string {
	return h.textOverlay.Overlay(base, km.Back.Help().Key+" or "+km.Help.Help().Key+" closes this help", scrollKeys(km))
}

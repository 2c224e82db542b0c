package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// box draws the k9s-style frame around the body: a top border with the title in its
// middle, side borders, a bottom border. It is the body's chrome, shared by the
// table, the events list and the detail pane.
type box struct {
	st    *Styles
	width int // outer width, borders included
}

// innerWidth returns the cells between the side borders.
func (x box) innerWidth() int { return max(x.width-2, 0) }

// top returns the top border with title (already styled, titleWidth cells)
// centred; a title too wide is cut with …, its start (the name and counts) kept.
func (x box) top(title string, titleWidth int) string {
	var b strings.Builder
	inner := x.innerWidth()
	if titleWidth+2 > inner {
		if inner < 4 {
			x.st.border.write(&b, "┌"+strings.Repeat("─", inner)+"┐")
			return b.String()
		}
		title, titleWidth = ansi.Truncate(title, inner-2, ellipsis)+ansi.ResetStyle, inner-2
	}
	left := (inner - titleWidth - 2) / 2
	right := inner - titleWidth - 2 - left
	x.st.border.write(&b, "┌"+strings.Repeat("─", left)+" ")
	b.WriteString(title)
	x.st.border.write(&b, " "+strings.Repeat("─", right)+"┐")
	return b.String()
}

// bottom returns the bottom border.
func (x box) bottom() string {
	return x.st.border.render("└" + strings.Repeat("─", x.innerWidth()) + "┘")
}

// line wraps content (exactly innerWidth cells wide) in side borders.
func (x box) line(b *strings.Builder, content string) {
	x.st.border.write(b, "│")
	b.WriteString(content)
	x.st.border.write(b, "│")
}

// text returns a bordered line holding s, cut or padded to the inner width.
func (x box) text(p paint, s string) string {
	var b strings.Builder
	var c strings.Builder
	writePadded(&c, p, s, x.innerWidth())
	x.line(&b, c.String())
	return b.String()
}

// blank returns an empty bordered line.
func (x box) blank() string { return x.text(paint{}, "") }

// dialog draws a small bordered box around lines (each already styled), sized to
// the widest line and capped at maxWidth; used by the help overlay and the confirm
// dialog, which are drawn over the body.
func dialog(st *Styles, title string, lines []string, maxWidth int) []string {
	w := textWidth(title) + 4
	for _, l := range lines {
		w = max(w, visibleWidth(l)+4)
	}
	return dialogOf(st, title, lines, min(w, maxWidth))
}

// dialogOf draws the box of dialog w cells wide.
func dialogOf(st *Styles, title string, lines []string, w int) []string {
	x := box{st: st, width: w}
	out := make([]string, 0, len(lines)+2)
	t := st.title.render(truncate(title, max(x.innerWidth()-2, 0)))
	out = append(out, x.top(t, min(textWidth(title), max(x.innerWidth()-2, 0))))
	for _, l := range lines {
		var b strings.Builder
		x.line(&b, " "+fitLine(l, max(x.innerWidth()-2, 0))+" ")
		out = append(out, b.String())
	}
	return append(out, x.bottom())
}

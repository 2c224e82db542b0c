package ui

import (
	"strconv"
	"strings"
)

// sourceErrorLine is the red bar above the status line while the source has a
// problem (model.Snapshot.SourceError): a task file that did not validate on its
// last save, or a remote engine the viewer lost. It takes a line of its own, so
// it hides neither the status message nor the footer, and it goes when the
// source clears the error. The text is the engine's, verbatim; the bar only cuts
// it to one line: the first line, and "(+2 more)" when more follow.
type sourceErrorLine struct {
	st    *Styles
	first string // the first line, cleaned for the screen
	more  int    // lines after the first
	width int
}

// newSourceErrorLine returns a bar with nothing to show.
func newSourceErrorLine(st *Styles) sourceErrorLine { return sourceErrorLine{st: st} }

// SetSize sets the bar's width.
func (s *sourceErrorLine) SetSize(w int) { s.width = max(w, 0) }

// Set shows text, or hides the bar when text is empty (or only blanks).
func (s *sourceErrorLine) Set(text string) {
	text = strings.TrimSpace(text)
	first, rest, _ := strings.Cut(text, "\n")
	s.first, s.more = cleanCell(strings.TrimRight(first, "\r")), 0
	for l := range strings.SplitSeq(rest, "\n") {
		if strings.TrimSpace(l) != "" {
			s.more++
		}
	}
}

// Shown reports whether the bar takes a line.
func (s *sourceErrorLine) Shown() bool { return s.first != "" }

// View returns the bar, exactly the width: the first line cut with … so the
// "(+n more)" count stays in sight, in reverse-video red.
func (s *sourceErrorLine) View() string {
	if !s.Shown() {
		return ""
	}
	suffix := ""
	if s.more > 0 {
		suffix = " (+" + strconv.Itoa(s.more) + " more)"
	}
	room := max(s.width-2-textWidth(suffix), 1)
	text := " " + truncate(s.first, room) + suffix
	var b strings.Builder
	s.st.sourceErr.write(&b, text+strings.Repeat(" ", max(s.width-textWidth(text), 0)))
	return b.String()
}

package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// sourceErrorLine is the red bar above the status line while the source has a
// problem (model.Snapshot.SourceError): a task file that did not validate on its
// last save, or a remote engine the viewer lost. It takes a line of its own, so
// it hides neither the status message nor the footer, and it goes when the
// source clears the error. It shows the first error and how many there are;
// the errors key opens them all (see sourceErrors).
type sourceErrorLine struct {
	st    *Styles
	text  string // the engine's text, verbatim
	first string // the first error's first line, cleaned for the screen
	count int    // errors in text
	width int
}

// newSourceErrorLine returns a bar with nothing to show.
func newSourceErrorLine(st *Styles) sourceErrorLine { return sourceErrorLine{st: st} }

// SetSize sets the bar's width.
func (s *sourceErrorLine) SetSize(w int) { s.width = max(w, 0) }

// Set shows text, or hides the bar when text is empty (or only blanks).
func (s *sourceErrorLine) Set(text string) {
	s.text = text
	errs, notes := splitSourceError(text)
	s.count, s.first = len(errs), ""
	switch {
	case len(errs) > 0:
		s.first = cleanCell(firstLine(errs[0]))
	case len(notes) > 0:
		s.first = cleanCell(notes[0])
	}
}

// Shown reports whether the bar takes a line.
func (s *sourceErrorLine) Shown() bool { return s.first != "" }

// Text returns the engine's text.
func (s *sourceErrorLine) Text() string { return s.text }

// View returns the bar, exactly the width: the first error cut with … so the
// count and the key that shows them all stay in sight, in reverse-video red.
func (s *sourceErrorLine) View(errorsKey string) string {
	if !s.Shown() {
		return ""
	}
	suffix := ""
	switch {
	case s.count == 1:
		suffix = " (1 error: " + errorsKey + " shows it)"
	case s.count > 1:
		suffix = " (" + plural(s.count, "error") + ": " + errorsKey + " shows all)"
	}
	room := max(s.width-2-textWidth(suffix), 1)
	text := " " + truncate(s.first, room) + suffix
	var b strings.Builder
	s.st.sourceErr.write(&b, text+strings.Repeat(" ", max(s.width-textWidth(text), 0)))
	return b.String()
}

// splitSourceError splits a source error into its errors and its notes. Each
// line is an error ("spindle.yaml:3:5: unknown field …"), the continuation of
// the one before when it is indented, or a note when it is in parentheses, as
// the "(nothing changed; fix the file and save)" the engine adds. Blank lines
// separate nothing.
func splitSourceError(text string) (errs, notes []string) {
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
		case strings.HasPrefix(trimmed, "(") && strings.HasSuffix(trimmed, ")"):
			notes = append(notes, strings.TrimSuffix(strings.TrimPrefix(trimmed, "("), ")"))
		case (line[0] == ' ' || line[0] == '\t') && len(errs) > 0:
			errs[len(errs)-1] += "\n" + trimmed
		default:
			errs = append(errs, trimmed)
		}
	}
	return errs, notes
}

// content returns the overlay's lines for a source error: each
// error wrapped to w cells (its own lines indented under it), then the notes,
// dim.
func (s *sourceErrorLine) content(w int) []string {
	errs, notes := splitSourceError(s.text)
	var lines []string
	for i, e := range errs {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, wrapLines(e, w, 4, s.st.state[model.StateFailed])...)
	}
	if len(notes) > 0 {
		lines = append(lines, "")
	}
	for _, n := range notes {
		lines = append(lines, wrapLines(n, w, 0, s.st.dim)...)
	}
	return lines
}

// title names the overlay: "3 errors in the source".
func (s *sourceErrorLine) title() string {
	if s.count == 0 {
		return "The source's problem"
	}
	return plural(s.count, "error")
}

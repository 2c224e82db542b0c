package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// statusLevel colours a status message.
type statusLevel int

// The status levels.
const (
	statusInfo statusLevel = iota
	statusOK
	statusWarn
	statusError
)

// statusBar is the line above the footer: the outcome of the last command, the
// reason a key did nothing, quitting progress, or a closed source. A message
// fades after a few seconds (Expire), unless it says what is still true (a
// closed source, the quitting progress: SetSticky) and until the next one.
type statusBar struct {
	st       *Styles
	level    statusLevel
	text     string
	at       time.Time // when text was set
	sticky   bool      // text stays until replaced
	managers string    // "crawl 2/3, 2 queued  io 0/2", right-aligned when there is room
	width    int
}

// newStatusBar returns an empty status bar.
func newStatusBar(st *Styles) statusBar { return statusBar{st: st} }

// SetSize sets the bar's width.
func (s *statusBar) SetSize(w int) { s.width = max(w, 0) }

// How long a message stays: long enough to read; an error a little longer.
const (
	statusFade      = 5 * time.Second
	statusErrorFade = 10 * time.Second
)

// Set shows a message that fades after a few seconds.
func (s *statusBar) Set(level statusLevel, text string) {
	s.level, s.text, s.at, s.sticky = level, text, time.Now(), false
}

// SetSticky shows a message that stays until another replaces it: what it
// says is still true.
func (s *statusBar) SetSticky(level statusLevel, text string) {
	s.Set(level, text)
	s.sticky = true
}

// Expire clears a message that has been shown long enough at now.
func (s *statusBar) Expire(now time.Time) {
	fade := statusFade
	if s.level == statusError {
		fade = statusErrorFade
	}
	if s.text != "" && !s.sticky && now.Sub(s.at) >= fade {
		s.text = ""
	}
}

// SetManagers summarises the managers: slots in use over the limit, and the whole
// queue, which the snapshot holds only the head of.
func (s *statusBar) SetManagers(ms []model.Manager) {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString("   ")
		}
		b.WriteString(cleanCell(m.Name) + " " + strconv.Itoa(m.Running) + "/" + strconv.Itoa(m.Limit))
		if m.Queued > 0 {
			b.WriteString(", " + strconv.Itoa(m.Queued) + " queued")
		}
	}
	s.managers = b.String()
}

// Text returns the message shown.
func (s *statusBar) Text() string { return s.text }

// View returns the status line.
func (s *statusBar) View() string {
	p := paint{}
	switch s.level {
	case statusOK:
		p = s.st.statusOK
	case statusWarn:
		p = s.st.statusWarn
	case statusError:
		p = s.st.statusE
	}
	var b strings.Builder
	b.WriteByte(' ')
	text := truncate(cleanCell(firstLine(s.text)), max(s.width-1, 0)) // an engine's error may quote a child
	p.write(&b, text)
	used := 1 + textWidth(text)
	if mw := textWidth(s.managers); mw > 0 && used+3+mw+1 <= s.width {
		writeSpaces(&b, s.width-used-mw-1)
		s.st.dim.write(&b, s.managers)
	}
	return b.String()
}

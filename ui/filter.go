package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/keymap"
)

// filterInput is the line at the bottom that opens on `/`: the filter applies live
// as it is typed; enter keeps it, esc clears it.
type filterInput struct {
	st     *Styles
	active bool
	value  string
	width  int
}

// filterMsg reports the filter text, as it is typed and when the line closes
// (empty when esc cleared it).
type filterMsg struct{ value string }

// filterCmd reports the filter text.
func filterCmd(value string) tea.Cmd {
	return func() tea.Msg { return filterMsg{value: value} }
}

// newFilterInput returns a closed filter line.
func newFilterInput(st *Styles) filterInput { return filterInput{st: st} }

// SetSize sets the line's width.
func (f *filterInput) SetSize(w int) { f.width = max(w, 0) }

// Open starts editing, from the current filter.
func (f *filterInput) Open(current string) { f.active, f.value = true, current }

// Update edits the text: printable keys type, backspace deletes a character,
// ctrl+w a word, ctrl+u everything; enter keeps the filter and esc clears it.
func (f filterInput) Update(msg tea.KeyPressMsg, km keymap.KeyMap) (filterInput, tea.Cmd) {
	switch {
	case msg.Code == tea.KeyEnter:
		f.active = false
		return f, filterCmd(f.value)
	case key.Matches(msg, km.Back):
		f.active, f.value = false, ""
		return f, filterCmd("")
	}
	old := f.value
	switch msg.Keystroke() {
	case "backspace":
		if r := []rune(f.value); len(r) > 0 {
			f.value = string(r[:len(r)-1])
		}
	case "ctrl+u":
		f.value = ""
	case "ctrl+w":
		v := strings.TrimRight(f.value, " ")
		f.value = v[:strings.LastIndex(v, " ")+1]
	default:
		if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
			f.value += msg.Text
		}
	}
	if f.value == old {
		return f, nil
	}
	return f, filterCmd(f.value)
}

// View returns the input line: "/xyz█".
func (f *filterInput) View() string {
	var b strings.Builder
	b.WriteByte(' ')
	f.st.key.write(&b, "/")
	b.WriteString(truncate(f.value, max(f.width-4, 0)))
	b.WriteString("█")
	return b.String()
}

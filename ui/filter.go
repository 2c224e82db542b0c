package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/spindle-tui/spindle/keymap"
)

// filterInput is the line at the bottom that opens on `/`: a bubbles textinput
// (cursor movement, ctrl+w, ctrl+u, bracketed paste). The dashboard applies its
// text as Update handles each key or paste, never through a command, so keys
// typed in a burst filter on all of them, in order. enter keeps the filter, esc
// clears it.
type filterInput struct {
	active bool
	input  *textinput.Model // behind a pointer: it is large, and the Model is copied on every message
}

// filterEdit is what a key or paste did to the filter line.
type filterEdit int

// The filter edits.
const (
	filterUnchanged filterEdit = iota // nothing to apply (a cursor move, an unknown key)
	filterChanged                     // the text changed: apply it
	filterKept                        // enter: the line closed, the text stays applied
	filterCleared                     // esc: the line closed, the filter is cleared
)

// newFilterInput returns a closed filter line.
func newFilterInput(color bool) filterInput {
	in := textinput.New()
	in.Prompt = "/"
	s := textinput.DefaultDarkStyles()
	s.Cursor.Blink = false // a steady cursor: no timer ticks while the line is open
	prompt, text := lipgloss.NewStyle().Bold(true), lipgloss.NewStyle()
	if color {
		prompt = prompt.Foreground(colAqua)
		s.Cursor.Color = colWhite
	} else {
		s.Cursor.Color = nil
	}
	s.Focused.Prompt, s.Focused.Text = prompt, text
	s.Blurred.Prompt, s.Blurred.Text = prompt, text
	in.SetStyles(s)
	in.KeyMap.Paste.Unbind() // bracketed paste arrives as tea.PasteMsg; no clipboard access
	in.KeyMap.AcceptSuggestion.Unbind()
	in.KeyMap.NextSuggestion.Unbind()
	in.KeyMap.PrevSuggestion.Unbind()
	return filterInput{input: &in}
}

// SetSize sets the line's width: one blank, the prompt, the text.
func (f *filterInput) SetSize(w int) { f.input.SetWidth(max(w-3, 1)) }

// Open starts editing, from the current filter, with the cursor at its end.
func (f *filterInput) Open(current string) {
	f.active = true
	f.input.SetValue(current)
	f.input.CursorEnd()
	f.input.Focus()
}

// Value returns the text on the line.
func (f *filterInput) Value() string { return f.input.Value() }

// Update edits the line with a key press or a paste and says what changed.
func (f *filterInput) Update(msg tea.Msg, km keymap.KeyMap) filterEdit {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case k.Code == tea.KeyEnter:
			f.close()
			return filterKept
		case key.Matches(k, km.Back):
			f.close()
			f.input.SetValue("")
			return filterCleared
		}
	}
	old := f.input.Value()
	*f.input, _ = f.input.Update(msg) // a steady cursor asks for no commands
	if f.input.Value() == old {
		return filterUnchanged
	}
	return filterChanged
}

// close ends editing.
func (f *filterInput) close() {
	f.active = false
	f.input.Blur()
}

// View returns the input line: " /xyz█".
func (f *filterInput) View() string { return " " + f.input.View() }

package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/keymap"
)

// confirmDialog asks a y/n question before a destructive action (kill, halt all),
// drawn in a box over the body. While it is open it takes every key.
type confirmDialog struct {
	st            *Styles
	open          bool
	pending       plan // sent when the answer is yes
	width, height int  // the area it is centred in
}

// confirmMsg carries the answer and the plan it was about.
type confirmMsg struct {
	yes  bool
	plan plan
}

// confirmCmd reports an answer.
func confirmCmd(yes bool, p plan) tea.Cmd {
	return func() tea.Msg { return confirmMsg{yes: yes, plan: p} }
}

// newConfirmDialog returns a closed dialog.
func newConfirmDialog(st *Styles) confirmDialog { return confirmDialog{st: st} }

// SetSize sets the area the dialog is centred in.
func (c *confirmDialog) SetSize(w, h int) { c.width, c.height = max(w, 0), max(h, 0) }

// Ask opens the dialog for p (whose confirm field is the question).
func (c *confirmDialog) Ask(p plan) { c.open, c.pending = true, p }

// Update answers on Yes or No; other keys are ignored while the question is open.
func (c confirmDialog) Update(msg tea.KeyPressMsg, km keymap.KeyMap) (confirmDialog, tea.Cmd) {
	switch {
	case key.Matches(msg, km.Yes):
		c.open = false
		return c, confirmCmd(true, c.pending)
	case key.Matches(msg, km.No):
		c.open = false
		return c, confirmCmd(false, c.pending)
	}
	return c, nil
}

// Overlay draws the question over base: `Kill t3 "fetch page 7"? y/n`.
func (c *confirmDialog) Overlay(base []string, km keymap.KeyMap) []string {
	q := c.pending.confirm + " " + km.Yes.Help().Key + "/" + km.No.Help().Key
	lines := []string{
		c.st.statusWarn.render(q),
		"",
		c.st.key.render(km.Yes.Help().Key) + " " + c.st.desc.render(c.pending.verb) + "    " +
			c.st.key.render(km.No.Help().Key) + " " + c.st.desc.render("cancel"),
	}
	d := dialog(c.st, "Confirm", lines, c.width)
	return overlay(base, d, centre(c.width, visibleWidth(d[0])), centre(c.height, len(d)))
}

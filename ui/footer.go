package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// footer is the bottom line: the main keys from the keymap's ShortHelp, the ones
// that cannot apply to the selection dimmed (lazygit style), so what a key would do
// is visible before it is pressed.
type footer struct {
	st    *Styles
	width int
}

// newFooter returns a footer.
func newFooter(st *Styles) footer { return footer{st: st} }

// SetSize sets the footer's width.
func (f *footer) SetSize(w int) { f.width = max(w, 0) }

// View returns the footer line for bindings; a binding that is disabled (but still
// has keys) is drawn dimmed, an unbound one is left out. Bindings that do not fit
// are dropped whole rather than cut.
func (f *footer) View(bindings []key.Binding) string {
	var b strings.Builder
	b.WriteByte(' ')
	used := 1
	for _, kb := range bindings {
		if len(kb.Keys()) == 0 {
			continue
		}
		h := kb.Help()
		w := textWidth(h.Key) + 1 + textWidth(h.Desc)
		sep := 0
		if used > 1 {
			sep = 2
		}
		if used+sep+w > f.width {
			break
		}
		if sep > 0 {
			b.WriteString("  ")
		}
		if kb.Enabled() {
			f.st.key.write(&b, h.Key)
			b.WriteByte(' ')
			f.st.desc.write(&b, h.Desc)
		} else {
			f.st.keyDisabled.write(&b, h.Key+" "+h.Desc)
		}
		used += sep + w
	}
	return b.String()
}

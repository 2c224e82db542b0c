package ui

import (
	"slices"
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
// are dropped whole rather than cut, from the end, except the pinned ones among
// them (help and quit), which always show, last.
func (f *footer) View(bindings []key.Binding, pinned ...key.Binding) string {
	isPinned := func(kb key.Binding) bool {
		for _, p := range pinned {
			if slices.Equal(kb.Keys(), p.Keys()) {
				return true
			}
		}
		return false
	}
	var rest, pins []key.Binding
	for _, kb := range bindings {
		switch {
		case len(kb.Keys()) == 0:
		case isPinned(kb):
			pins = append(pins, kb)
		default:
			rest = append(rest, kb)
		}
	}
	room := f.width - 1
	for _, kb := range pins {
		room -= bindingWidth(kb) + 2
	}
	var b strings.Builder
	b.WriteByte(' ')
	used := 0
	for _, kb := range rest {
		w := bindingWidth(kb)
		if used > 0 {
			w += 2
		}
		if used+w > room {
			break
		}
		f.write(&b, kb, used > 0)
		used += w
	}
	for _, kb := range pins {
		f.write(&b, kb, used > 0)
		used += bindingWidth(kb) + 2
	}
	return b.String()
}

// bindingWidth is the cells "key desc" takes.
func bindingWidth(kb key.Binding) int {
	h := kb.Help()
	return textWidth(h.Key) + 1 + textWidth(h.Desc)
}

// write appends one binding, after a separator unless it is the first.
func (f *footer) write(b *strings.Builder, kb key.Binding, sep bool) {
	if sep {
		b.WriteString("  ")
	}
	h := kb.Help()
	if kb.Enabled() {
		f.st.key.write(b, h.Key)
		b.WriteByte(' ')
		f.st.desc.write(b, h.Desc)
	} else {
		f.st.keyDisabled.write(b, h.Key+" "+h.Desc)
	}
}

package ui

import (
	"slices"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// Checks the action, footer and selection tests of the list views share.

// selectRow switches to a list view by pressing view and selects its row whose
// key (name or id) is key; what names the kind of row in the failure.
func selectRow[T any](h *harness, view string, l *rowList[T], what, key string) {
	h.t.Helper()
	h.keys(view)
	i := slices.IndexFunc(l.rows, func(r *T) bool { return l.keyOf(r) == key })
	if i < 0 {
		h.t.Fatalf("%s %s not in the rows", what, key)
	}
	l.MoveTo(i)
}

// failing makes the source refuse the commands of the ops in errs.
func (h *harness) failing(errs map[model.Op]error) {
	for op, err := range errs {
		h.src.errs[op] = err
	}
}

// checkSent checks the commands the source received and the status line.
func (h *harness) checkSent(want []model.Command, status string) {
	h.t.Helper()
	if got := h.src.commands(); !slices.Equal(got, want) {
		h.t.Errorf("sent %v, want %v", got, want)
	}
	if got := h.m.status.Text(); got != status {
		h.t.Errorf("status %q, want %q", got, status)
	}
}

// checkFooter checks the footer for the selection: the label of the p key, the
// bindings disabled (by description), and texts it must show.
func (h *harness) checkFooter(pause string, disabled, shows []string) {
	h.t.Helper()
	var off []string
	for _, b := range h.m.footerBindings() {
		if b.Help().Key == "p" && b.Help().Desc != pause {
			h.t.Errorf("p labelled %q, want %q", b.Help().Desc, pause)
		}
		if !b.Enabled() {
			off = append(off, b.Help().Desc)
		}
	}
	if !slices.Equal(off, disabled) {
		h.t.Errorf("disabled %v, want %v", off, disabled)
	}
	for _, want := range shows {
		if !strings.Contains(h.screen(), want) {
			h.t.Errorf("footer lacks %q", want)
		}
	}
}

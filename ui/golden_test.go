package ui

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden compares whole 120x40 frames, without styles, to testdata/TestGolden/*.
// Regenerate them with `go test ./ui -update` and review the diff.
func TestGolden(t *testing.T) {
	blockShutdown := WithShutdown(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	tests := []struct {
		name string
		opts []Option
		sel  string
		keys []string
	}{
		{name: "workers", keys: []string{"j", "space"}},
		{name: "filter", keys: []string{"/", "c", "r", "a", "w", "l"}},
		{name: "detail_panic", sel: "t8", keys: []string{"enter"}},
		{name: "help", keys: []string{"?"}},
		{name: "kill_confirm", sel: "t3", keys: []string{"x"}},
		{name: "events", keys: []string{"4"}},
		{name: "quitting", opts: []Option{blockShutdown}, keys: []string{"q"}},
		{name: "no_color", opts: []Option{WithColor(false)}, sel: "t3", keys: []string{"h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, tt.opts...)
				if tt.sel != "" {
					h.selectID(modelID(tt.sel))
				}
				h.keys(tt.keys...)
				view := h.m.View().Content
				golden.RequireEqual(t, []byte(ansi.Strip(view)))
			})
		})
	}
}

func TestNoColorHasNoColours(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, WithColor(false))
		raw := h.m.View().Content
		for _, colour := range []string{"38;5;", "48;5;", "38;2;", "[3", "[9"} {
			if strings.Contains(raw, "\x1b"+colour) || strings.Contains(raw, ";"+strings.TrimPrefix(colour, "[")) && colour[0] != '[' {
				t.Errorf("NO_COLOR frame holds colour sequence %q", colour)
			}
		}
		if !strings.Contains(raw, "\x1b[7m") {
			t.Error("the selection is not in reverse video")
		}
		colour := New(newFakeSource()).st.state[0].on
		if !strings.Contains(colour, "38;5;") {
			t.Errorf("coloured running state is %q", colour)
		}
	})
}

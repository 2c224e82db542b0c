package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spindle-tui/spindle/model"
)

// TestGolden compares whole 120x40 frames, without styles, to testdata/TestGolden/*.
// Regenerate them with `go test ./ui -update` and review the diff.
func TestGolden(t *testing.T) {
	blockShutdown := WithShutdown(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	tests := []struct {
		name string
		opts []Option
		snap func() model.Snapshot // published after the fixture, when set
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
		{name: "pools", keys: []string{"2", "j", "j"}},
		{name: "pollers", keys: []string{"3", "j"}},
		{name: "poller_detail", keys: []string{"3", "enter"}},
		{name: "workers_tree", keys: []string{"t"}},
		{name: "pool_tasks", keys: []string{"2", "enter"}},
		{name: "workers_processes", snap: processSnapshot, sel: "t4"},
		{name: "detail_process", snap: processSnapshot, sel: "t1", keys: []string{"enter"}},
		{name: "detail_process_backoff", snap: processSnapshot, sel: "t4", keys: []string{"enter"}},
		{name: "source_error", snap: sourceErrorSnapshot, keys: []string{"ctrl+r"}},
		{name: "source_errors_overlay", snap: sourceErrorsSnapshot, keys: []string{"e"}},
		{name: "events_source_errors", snap: sourceErrorsSnapshot, keys: []string{"4"}},
		{name: "event_overlay", snap: sourceErrorsSnapshot, keys: []string{"4", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, tt.opts...)
				if tt.snap != nil {
					h.publish(tt.snap())
				}
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

// sourceErrorSnapshot is the process fixture after a save that did not validate,
// with a second line of detail.
func sourceErrorSnapshot() model.Snapshot {
	return withSourceError(processSnapshot(), fixtureSourceError+"\nspindle.yaml:14:9: bad duration \"2x\"")
}

// sourceErrorsSnapshot is the fixture after a save with three errors, which
// the engine also records as an event.
func sourceErrorsSnapshot() model.Snapshot {
	return withSourceErrorEvent(fixtureSnapshot(), threeErrors)
}

// colourSGR matches an SGR sequence that sets a foreground or background colour.
var colourSGR = regexp.MustCompile(`\x1b\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)`)

func TestNoColorHasNoColours(t *testing.T) {
	views := [][]string{nil, {"4"}, {"enter"}, {"?"}, {"x"}, {"/", "c"}, {"q"}, {"2"}, {"3"}, {"3", "enter"}, {"t"}}
	for _, keys := range views {
		t.Run(strings.Join(keys, ""), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, WithColor(false))
				h.keys(keys...)
				raw := h.m.View().Content
				if seq := colourSGR.FindString(raw); seq != "" {
					t.Errorf("NO_COLOR frame holds colour sequence %q", seq)
				}
				if len(keys) == 0 && !strings.Contains(raw, "\x1b[7m") {
					t.Error("the selection is not in reverse video")
				}
			})
		})
	}
	coloured := New(newFakeSource()).st.state[model.StateRunning].on
	if !colourSGR.MatchString(coloured) {
		t.Errorf("with colour, running is drawn as %q", coloured)
	}
}

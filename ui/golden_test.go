package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spindle-tui/spindle/keymap"
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
		{name: "workers_stack", snap: stackSnapshot, sel: "t4"},
		{name: "workers_stack_tree", snap: stackSnapshot, keys: []string{"t"}},
		{name: "detail_waiting", snap: stackSnapshot, sel: "t4", keys: []string{"enter"}},
		{name: "detail_probe", snap: stackSnapshot, sel: "t3", keys: []string{"enter"}},
		{name: "detail_blocked", snap: stackSnapshot, sel: "t8", keys: []string{"enter"}},
		{name: "pools_replicas", snap: replicaSnapshot, keys: []string{"2", "G"}},
		{name: "pools_distributed", snap: distributedSnapshot, keys: []string{"2"}},
		{name: "logs_help", keys: []string{"6", "?"}},
		{name: "log_help_remapped", opts: []Option{remappedLogWrap(t)}, sel: "t1", keys: []string{"l", "?"}},
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

// remappedLogWrap is the keys of a config that moves log_wrap to W.
func remappedLogWrap(t *testing.T) Option {
	k, err := keymap.Parse("config.yaml", []byte("keys:\n  log_wrap: W\n"))
	if err != nil {
		t.Fatal(err)
	}
	return WithKeyConfig(k, nil)
}

// sourceErrorSnapshot is the process fixture after a save that did not validate,
// with a second line of detail.
func sourceErrorSnapshot() model.Snapshot {
	return withSourceError(processSnapshot(), fixtureSourceError+"\nspindle.yaml:14:9: bad duration \"2x\"")
}

// TestGoldenSmall compares whole frames on small terminals, 80x24 and 60x15:
// what has nothing to show yields first, the help scrolls, and the footer
// keeps ? and q.
func TestGoldenSmall(t *testing.T) {
	views := []struct {
		name string
		snap func() model.Snapshot
		keys []string
	}{
		{"workers", nil, nil},
		{"workers_processes", processSnapshot, nil},
		{"help", nil, []string{"?"}},
		{"help_scrolled", nil, []string{"?", "G"}},
		{"pools", nil, []string{"2"}},
		{"pollers", nil, []string{"3"}},
		{"events", nil, []string{"4"}},
		{"detail", nil, []string{"enter"}},
		{"source_error", sourceErrorsSnapshot, nil},
	}
	for _, size := range [][2]int{{80, 24}, {60, 15}} {
		for _, v := range views {
			t.Run(itoa(size[0])+"x"+itoa(size[1])+"_"+v.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					h := newHarness(t)
					if v.snap != nil {
						h.publish(v.snap())
					}
					h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
					h.keys(v.keys...)
					frame := ansi.Strip(h.m.View().Content)
					lines := strings.Split(frame, "\n")
					if len(lines) != size[1] {
						t.Fatalf("%d lines, want %d", len(lines), size[1])
					}
					for i, l := range lines {
						if w := ansi.StringWidth(l); w != size[0] {
							t.Errorf("line %d is %d cells: %q", i, w, l)
						}
					}
					if footer := lines[len(lines)-1]; !strings.Contains(footer, "? help") && !strings.Contains(footer, "close") && !strings.Contains(footer, "q quit") {
						t.Errorf("the footer lost ? and q: %q", footer)
					}
					golden.RequireEqual(t, []byte(frame))
				})
			})
		}
	}
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

// TestLongTitlesAreCut: a title wider than its box is cut, its start kept,
// instead of vanishing.
func TestLongTitlesAreCut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
		h.keys("space", "t", "/", "c", "r", "a", "w", "l", "enter")
		top := strings.Split(h.screen(), "\n")[2]
		if !strings.Contains(top, "Workers (") || !strings.Contains(top, "…") {
			t.Errorf("title line %q, want the title cut with …", top)
		}
	})
}

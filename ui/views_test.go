package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

func TestHelpToggle(t *testing.T) {
	tests := []struct {
		keys []string
		open bool
	}{
		{[]string{"?"}, true},
		{[]string{"?", "?"}, false},
		{[]string{"?", "esc"}, false},
		{[]string{"?", "j", "h"}, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				if h.m.help.open != tt.open {
					t.Errorf("help open %v, want %v", h.m.help.open, tt.open)
				}
				if got := strings.Contains(h.screen(), "force quit"); got != tt.open {
					t.Errorf("help drawn %v, want %v", got, tt.open)
				}
				if len(h.src.commands()) != 0 || h.selected() != "t1" {
					t.Error("keys behind the help acted")
				}
			})
		})
	}
}

func TestDetailOpenClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t8")
		h.keys("enter")
		scr := h.screen()
		for _, want := range []string{`Task t8 "render footer"`, "index out of range", "Stack (recovered panic)", "goroutine 42 [running]:"} {
			if !strings.Contains(scr, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		h.keys("p") // a task action acts on the task shown
		h.keys("r")
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpRestart, Target: "t8"}}) {
			t.Errorf("sent %v", got)
		}
		h.keys("esc")
		if h.m.detail.open || !strings.Contains(h.screen(), "Workers (15/15)") {
			t.Error("esc did not close the detail pane")
		}
	})
}

func TestDetailFromEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("4", "j", "j", "enter") // the t9 event
		if !h.m.detail.open || h.m.detail.id != "t9" {
			t.Fatalf("detail open %v on %s", h.m.detail.open, h.m.detail.id)
		}
	})
}

func TestDetailLogFollows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		withLog := func(n int) model.Snapshot {
			s := fixtureSnapshot()
			s.Tasks = slices.Clone(s.Tasks)
			for i := range n {
				s.Tasks[0].Log = append(s.Tasks[0].Log, model.LogLine{Time: fixtureNow, Text: "line " + strings.Repeat("x", i%7)})
			}
			return s
		}
		h.publish(withLog(60))
		h.keys("enter")
		end := h.m.detail.maxOffset()
		if h.m.detail.offset != end {
			t.Fatalf("opened at offset %d, want the newest line (%d)", h.m.detail.offset, end)
		}
		h.keys("k", "k")
		if h.m.detail.offset != end-2 {
			t.Errorf("k k scrolled to %d", h.m.detail.offset)
		}
		h.publish(withLog(70))
		if h.m.detail.offset != end-2 {
			t.Errorf("a reader mid-log was moved to %d", h.m.detail.offset)
		}
		h.keys("G")
		bottom := h.m.detail.offset
		h.publish(withLog(80))
		if h.m.detail.offset != bottom+10 {
			t.Errorf("offset %d after 10 more lines, want %d (following)", h.m.detail.offset, bottom+10)
		}
		h.keys("g", "pgdown")
		if h.m.detail.offset != h.m.detail.visibleRows() {
			t.Errorf("pgdown to %d", h.m.detail.offset)
		}
	})
}

func TestSourceClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.src.shut()
		h.settle()
		scr := h.screen()
		if !strings.Contains(scr, "source closed") || !strings.Contains(h.m.status.Text(), "no more updates") {
			t.Errorf("closed source not shown:\n%s", scr)
		}
		if !strings.Contains(scr, "crawl root") {
			t.Error("the last snapshot is no longer shown")
		}
	})
}

func TestResize(t *testing.T) {
	sizes := []struct{ w, h int }{{120, 40}, {20, 5}, {40, 10}, {80, 24}, {200, 60}, {1, 1}, {10, 3}, {60, 8}}
	views := [][]string{nil, {"4"}, {"enter"}, {"?"}, {"x"}, {"/", "c"}, {"2"}, {"3"}, {"3", "enter"}, {"t"}, {"2", "x"}}
	for _, sz := range sizes {
		for _, keys := range views {
			t.Run(strings.Join(keys, "")+"@"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					h := newHarness(t)
					h.keys(keys...)
					h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
					lines := strings.Split(h.screen(), "\n")
					if len(lines) != sz.h {
						t.Fatalf("%d lines, want %d", len(lines), sz.h)
					}
					for i, l := range lines {
						if w := textWidth(l); w != sz.w {
							t.Errorf("line %d is %d wide, want %d: %q", i, w, sz.w, l)
						}
					}
				})
			})
		}
	}
}

func TestResizeReflowsColumns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		wide := len(h.m.workers.cols)
		h.send(tea.WindowSizeMsg{Width: 50, Height: 20})
		if narrow := len(h.m.workers.cols); narrow >= wide {
			t.Errorf("%d columns at 50 wide, %d at 120", narrow, wide)
		}
		if !strings.Contains(h.screen(), "crawl root") {
			t.Error("names lost at 50 wide")
		}
	})
}

func TestWaitingForFirstSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFakeSource()
		m := New(src)
		scr := ansi.Strip(m.View().Content)
		if !strings.Contains(scr, "waiting for the first snapshot") {
			t.Errorf("screen:\n%s", scr)
		}
		if v := m.View(); !v.AltScreen {
			t.Error("not in the alt screen")
		}
	})
}

// TestClockMovesAgesWhileIdle: an idle engine publishes nothing, yet the ages
// on screen must go on counting; the dashboard's clock moves the picture's
// time on by the wall time since the snapshot arrived.
func TestClockMovesAgesWhileIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		taken := h.m.snap.Time
		time.Sleep(90 * time.Second) // nothing published meanwhile
		h.send(clockMsg(time.Now()))
		if got, want := h.m.snap.Time.Sub(taken), 90*time.Second; got != want {
			t.Fatalf("the picture's time moved %v, want %v", got, want)
		}
		if h.m.taken != taken {
			t.Fatalf("the snapshot's own time changed: %v, want %v", h.m.taken, taken)
		}
	})
}

package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/spindle-tui/spindle/model"
)

// fetchTasks are the fixture's rows whose id, name, group or state holds "fe".
var fetchTasks = []model.TaskID{"t2", "t3", "t5", "t6"}

// TestFilterAppliesWhatIsTyped: every key is applied as Update handles it, so
// keys arriving in a burst filter on all of them, in order, before anything
// else happens.
func TestFilterAppliesWhatIsTyped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("/")
		h.deliver(press("f")) // no settling between the keys: a burst
		h.deliver(press("e"))
		if got := h.m.workers.filter; got != "fe" {
			t.Errorf("right after the burst the filter is %q, want \"fe\"", got)
		}
		h.settle()
		if got := h.rowIDs(); !slices.Equal(got, fetchTasks) {
			t.Errorf("rows %v, want %v", got, fetchTasks)
		}
	})
}

func TestFilterEditing(t *testing.T) {
	tests := []struct {
		name  string
		msgs  []tea.Msg
		want  string // the filter applied
		shown string // on the filter line
	}{
		{"paste", []tea.Msg{tea.PasteMsg{Content: "crawl"}}, "crawl", "/crawl"},
		{"paste among keys", []tea.Msg{press("f"), tea.PasteMsg{Content: "etch p"}, press("a")}, "fetch pa", "/fetch pa"},
		{"paste of lines", []tea.Msg{tea.PasteMsg{Content: "fetch\npage"}}, "fetch page", "/fetch page"},
		{"cursor moves", []tea.Msg{press("i"), press("o"), tea.KeyPressMsg{Code: tea.KeyLeft}, press("x")}, "ixo", "/ixo"},
		{"ctrl+w deletes a word", []tea.Msg{tea.PasteMsg{Content: "fetch page"}, tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}}, "fetch", "/fetch"},
		{"ctrl+u deletes to the start", []tea.Msg{press("i"), press("o"), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}}, "", "/"},
		{"backspace", []tea.Msg{press("i"), press("o"), press("x"), press("backspace")}, "io", "/io"},
		{"control characters do not go in", []tea.Msg{tea.PasteMsg{Content: "io\x1b[31m"}}, "io[31m", "/io[31m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys("/")
				for _, m := range tt.msgs {
					h.send(m)
				}
				if got := string(h.m.workers.filter); got != tt.want {
					t.Errorf("filter %q, want %q", got, tt.want)
				}
				if got := strings.TrimSpace(h.m.filter.Value()); got != tt.want {
					t.Errorf("line holds %q, want %q", got, tt.want)
				}
				if !strings.Contains(h.screen(), tt.shown) {
					t.Errorf("screen lacks %q:\n%s", tt.shown, h.screen())
				}
			})
		})
	}
}

// TestFilterTypedInTheProgram: "/fe" typed in one burst through the whole
// program filters on "fe".
func TestFilterTypedInTheProgram(t *testing.T) {
	src := newFakeSource()
	snap := fixtureSnapshot()
	src.initial = &snap
	tm := teatest.NewTestModel(t, New(src, WithColor(false)), teatest.WithInitialTermSize(120, 40))
	waitScreen(t, tm, "crawl root")
	tm.Type("/fe") // the program handles its messages in order: q below comes after them
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m := tm.FinalModel(t).(Model)
	if got := m.workers.filter; got != "fe" {
		t.Errorf("filter %q, want \"fe\"", got)
	}
	if got := len(m.workers.rows); got != len(fetchTasks) {
		t.Errorf("%d rows, want %d", got, len(fetchTasks))
	}
}

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

// TestFilterTerms: words apart are terms a row must all match, each as a
// filter of its own (text, group:NAME, origin:NAME); a quoted name keeps its
// spaces.
func TestFilterTerms(t *testing.T) {
	tasks := []model.Task{
		{ID: "api/t1", Origin: "api", Name: "fetch page 1", Group: "api/crawl", State: model.StateRunning},
		{ID: "api/t2", Origin: "api", Name: "fetch page 2", Group: "api/crawl", State: model.StateDone},
		{ID: "db/t1", Origin: "db", Name: "vacuum", Group: "db/nightly jobs", State: model.StateRunning},
		{ID: "db/t2", Origin: "db", Name: "fetch stats", Group: "db/crawl", State: model.StateRunning},
	}
	for _, tc := range []struct {
		filter string
		want   []model.TaskID
	}{
		{"fetch", []model.TaskID{"api/t1", "api/t2", "db/t2"}},
		{"fetch page", []model.TaskID{"api/t1", "api/t2"}},
		{"origin:api running", []model.TaskID{"api/t1"}},
		{"running   origin:db", []model.TaskID{"db/t1", "db/t2"}},
		{"origin:db fetch running", []model.TaskID{"db/t2"}},
		{`group:"db/nightly jobs"`, []model.TaskID{"db/t1"}},
		{`group:"db/nightly jobs" running`, []model.TaskID{"db/t1"}},
		{"origin:web", nil},
		{"  ", []model.TaskID{"api/t1", "api/t2", "db/t1", "db/t2"}},
	} {
		f := newFilter(tc.filter)
		var got []model.TaskID
		for i := range tasks {
			if f.matchTask(&tasks[i]) {
				got = append(got, tasks[i].ID)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("filter %q kept %v, want %v", tc.filter, got, tc.want)
		}
	}
	if f := groupFilter("nightly jobs"); f != `group:"nightly jobs"` {
		t.Errorf("groupFilter of a name with a space = %q, want it quoted", f)
	}
}

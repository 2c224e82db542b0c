package ui

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

func TestActions(t *testing.T) {
	tests := []struct {
		name   string
		sel    model.TaskID
		keys   []string
		errs   map[model.Op]error
		want   []model.Command
		status string
	}{
		{"halt running", "t1", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Target: "t1"}}, `halt t1 "crawl root": ok`},
		{"halt queued", "t5", []string{"h"}, nil, []model.Command{{Op: model.OpHalt, Target: "t5"}}, `halt t5 "fetch page 9": ok`},
		{"halt done", "t11", []string{"h"}, nil, nil, "cannot halt t11: it is done"},
		{"halt halting", "t10", []string{"h"}, nil, nil, "cannot halt t10: it is already halting"},
		{"pause running", "t1", []string{"p"}, nil, []model.Command{{Op: model.OpPause, Target: "t1"}}, `pause t1 "crawl root": ok`},
		{"resume paused", "t3", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Target: "t3"}}, `resume t3 "fetch page 7": ok`},
		{"resume pausing", "t4", []string{"p"}, nil, []model.Command{{Op: model.OpResume, Target: "t4"}}, `resume t4 "render header": ok`},
		{"pause queued", "t5", []string{"p"}, nil, nil, "cannot pause t5: it is queued"},
		{"engine refuses", "t3", []string{"p"}, map[model.Op]error{model.OpResume: errors.New("it is running, not paused")},
			[]model.Command{{Op: model.OpResume, Target: "t3"}}, `cannot resume t3 "fetch page 7": it is running, not paused`},
		{"kill asks, yes", "t1", []string{"x", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t1"}}, `kill t1 "crawl root": ok`},
		{"kill asks, no", "t1", []string{"x", "n"}, nil, nil, "kill cancelled"},
		{"kill asks, esc", "t1", []string{"x", "esc"}, nil, nil, "kill cancelled"},
		{"kill ignores other keys", "t1", []string{"x", "h", "j", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t1"}}, `kill t1 "crawl root": ok`},
		{"kill halting", "t10", []string{"x", "y"}, nil, []model.Command{{Op: model.OpKill, Target: "t10"}}, `kill t10 "resize images": ok`},
		{"kill finished", "t7", []string{"x"}, nil, nil, "cannot kill t7: it is failed"},
		{"restart failed", "t7", []string{"r"}, nil, []model.Command{{Op: model.OpRestart, Target: "t7"}}, `restart t7 "disk check": ok`},
		{"restart queued", "t5", []string{"r"}, nil, nil, "cannot restart t5: it has not started yet (it is queued)"},
		{"run manager", "t5", []string{"R"}, nil, []model.Command{{Op: model.OpRun, Group: "crawl"}}, "run crawl: ok"},
		{"run empty manager", "t7", []string{"R"}, nil, nil, "cannot run io: nothing queued"},
		{"halt all asks, yes", "t1", []string{"H", "y"}, nil, []model.Command{{Op: model.OpHaltAll}}, "halt all: ok"},
		{"halt all asks, no", "t1", []string{"H", "n"}, nil, nil, "halt all cancelled"},
		{"halt all refused", "t1", []string{"H", "y"}, map[model.Op]error{model.OpHaltAll: errors.New("engine closed")},
			[]model.Command{{Op: model.OpHaltAll}}, "cannot halt all: engine closed"},
		{"in events view", "t1", []string{"4", "h"}, nil, nil, "cannot halt: no task selected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.failing(tt.errs)
				h.selectID(tt.sel)
				h.keys(tt.keys...)
				h.checkSent(tt.want, tt.status)
				if h.m.confirm.open {
					t.Error("confirm dialog still open")
				}
			})
		})
	}
}

func TestKillConfirmShowsQuestion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.selectID("t3")
		h.keys("x")
		if !strings.Contains(h.screen(), `Kill t3 "fetch page 7"? y/n`) {
			t.Errorf("no question on screen:\n%s", h.screen())
		}
		if len(h.src.commands()) != 0 {
			t.Error("kill sent before the answer")
		}
	})
}

func TestApplyTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.m.src = blockingSource{h.src}
		h.keys("h")
		time.Sleep(applyTimeout)
		h.settle()
		if got := h.m.status.Text(); !strings.Contains(got, "deadline exceeded") {
			t.Errorf("status %q", got)
		}
	})
}

// blockingSource is a Source whose Apply waits for its context.
type blockingSource struct{ *fakeSource }

func (b blockingSource) Apply(ctx context.Context, _ model.Command) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestFooterShowsWhatApplies(t *testing.T) {
	tests := []struct {
		sel      model.TaskID
		pause    string
		disabled []string
	}{
		{"t1", "pause", nil},
		{"t3", "resume", nil},
		{"t5", "pause", []string{"pause", "kill", "restart"}},
		{"t11", "pause", []string{"halt", "pause", "kill"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.sel), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.selectID(tt.sel)
				var disabled []string
				for _, b := range h.m.footerBindings() {
					if b.Help().Key == "p" && b.Help().Desc != tt.pause {
						t.Errorf("p labelled %q, want %q", b.Help().Desc, tt.pause)
					}
					if !b.Enabled() {
						disabled = append(disabled, b.Help().Desc)
					}
				}
				if !slices.Equal(disabled, tt.disabled) {
					t.Errorf("disabled %v, want %v", disabled, tt.disabled)
				}
				if !strings.Contains(h.screen(), "p "+tt.pause) {
					t.Errorf("footer lacks %q", "p "+tt.pause)
				}
			})
		})
	}
}

func TestRemappedKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		km := keymap.Default()
		if err := km.Override(map[string][]string{"halt": {"X"}, "kill": {"K"}}); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, WithKeyMap(km))
		h.keys("h")
		if len(h.src.commands()) != 0 {
			t.Fatalf("the old key still halts: %v", h.src.commands())
		}
		h.keys("X")
		if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpHalt, Target: "t1"}}) {
			t.Errorf("sent %v", got)
		}
		if scr := h.screen(); !strings.Contains(scr, "X halt") || !strings.Contains(scr, "K kill") {
			t.Errorf("footer does not show the new keys:\n%s", scr)
		}
		h.keys("?")
		if !regexp.MustCompile(`│.*X\s+halt\s`).MatchString(h.screen()) {
			t.Errorf("help does not show the new keys:\n%s", h.screen())
		}
	})
}

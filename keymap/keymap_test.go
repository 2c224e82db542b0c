package keymap

import (
	"errors"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+h":
		return tea.KeyPressMsg{Code: 'h', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	case "ctrl+l":
		return tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func TestDefaultEveryBindingHasKeysAndHelp(t *testing.T) {
	k := Default()
	for _, a := range k.actions() {
		if len(a.b.Keys()) == 0 {
			t.Errorf("%s: no keys", a.name)
		}
		if h := a.b.Help(); h.Key == "" || h.Desc == "" {
			t.Errorf("%s: incomplete help %+v", a.name, h)
		}
	}
	if err := k.checkConflicts(); err != nil {
		t.Fatalf("defaults conflict: %v", err)
	}
}

func TestDefaultMatches(t *testing.T) {
	k := Default()
	tests := []struct {
		key  string
		want key.Binding
		name string
	}{
		{"k", k.Up, "up"}, {"j", k.Down, "down"}, {"g", k.Top, "top"}, {"G", k.Bottom, "bottom"},
		{"1", k.WorkersView, "workers"}, {"4", k.EventsView, "events"}, {"/", k.Filter, "filter"},
		{"s", k.Sort, "sort"}, {"S", k.SortReverse, "reverse"}, {"enter", k.Detail, "detail"},
		{"esc", k.Back, "back"}, {"space", k.Mark, "mark"}, {"h", k.Halt, "halt"}, {"p", k.Pause, "pause"},
		{"x", k.Kill, "kill"}, {"r", k.Restart, "restart"}, {"H", k.HaltAll, "halt all"},
		{"R", k.Run, "run"}, {"?", k.Help, "help"}, {"q", k.Quit, "quit"}, {"ctrl+c", k.ForceQuit, "force"},
		{"y", k.Yes, "yes"}, {"n", k.No, "no"},
		{"2", k.PoolsView, "pools"}, {"3", k.PollersView, "pollers"}, {"t", k.Tree, "tree"},
		{"+", k.Grow, "grow"}, {"=", k.Grow, "grow unshifted"}, {"-", k.Shrink, "shrink"},
		{"P", k.PauseAll, "pause all"}, {"ctrl+r", k.Reload, "reload"}, {"e", k.Errors, "errors"},
		{"/", k.LogSearch, "log search"}, {"n", k.LogNextMatch, "log next match"}, {"N", k.LogPrevMatch, "log previous match"},
		{"f", k.LogOnlyMatches, "log only matches"}, {"w", k.LogWrap, "log wrap"}, {"T", k.LogTimestamps, "log timestamps"},
		{"s", k.LogStreams, "log streams"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !key.Matches(press(tt.key), tt.want) {
				t.Errorf("%q does not match %v", tt.key, tt.want.Keys())
			}
		})
	}
}

func TestHelpGroups(t *testing.T) {
	k := Default()
	full := k.FullHelp()
	if len(full) != len(GroupTitles()) {
		t.Fatalf("%d groups, %d titles", len(full), len(GroupTitles()))
	}
	n := 0
	for _, g := range full {
		n += len(g)
	}
	if n < 20 {
		t.Errorf("full help lists only %d bindings", n)
	}
	short := k.ShortHelp()
	var descs []string
	for _, b := range short {
		descs = append(descs, b.Help().Desc)
	}
	for _, want := range []string{"halt", "pause", "kill", "help", "quit"} {
		if !strings.Contains(strings.Join(descs, ","), want) {
			t.Errorf("short help %v lacks %q", descs, want)
		}
	}
}

func TestViewShortHelp(t *testing.T) {
	k := Default()
	tests := []struct {
		name string
		got  []key.Binding
		want []string // keys, in order
	}{
		{"workers", k.ShortHelp(), []string{"h", "p", "x", "r", "space", "/", "enter", "t", "?", "q"}},
		{"pools", k.PoolsShortHelp(), []string{"+", "-", "p", "h", "x", "enter", "/", "?", "q"}},
		{"pollers", k.PollersShortHelp(), []string{"p", "x", "r", "+", "-", "P", "enter", "/", "?", "q"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range tt.got {
				got = append(got, b.Help().Key)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("keys %v, want %v", got, tt.want)
			}
		})
	}
	grow := k.Grow.Help().Desc
	if !strings.Contains(grow, "faster") || !strings.Contains(grow, "÷2") {
		t.Errorf("grow help %q does not say + means faster (half the period)", grow)
	}
}

func TestOverride(t *testing.T) {
	tests := []struct {
		name    string
		m       map[string][]string
		wantErr error
		check   func(t *testing.T, k KeyMap)
	}{
		{
			name: "remap halt",
			m:    map[string][]string{"halt": {"ctrl+h"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("ctrl+h"), k.Halt) || key.Matches(press("h"), k.Halt) {
					t.Errorf("halt keys %v", k.Halt.Keys())
				}
				if h := k.Halt.Help(); h.Key != "ctrl+h" || h.Desc != "halt" {
					t.Errorf("help %+v", h)
				}
			},
		},
		{
			name: "kebab and case",
			m:    map[string][]string{"Halt-All": {"A"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("A"), k.HaltAll) {
					t.Errorf("halt all keys %v", k.HaltAll.Keys())
				}
			},
		},
		{
			name: "unbind",
			m:    map[string][]string{"run": nil},
			check: func(t *testing.T, k KeyMap) {
				if k.Run.Enabled() || key.Matches(press("R"), k.Run) {
					t.Errorf("run still bound: %v", k.Run.Keys())
				}
			},
		},
		{
			name: "swap through free key",
			m:    map[string][]string{"halt": {"x"}, "kill": {"X"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("x"), k.Halt) || !key.Matches(press("X"), k.Kill) {
					t.Errorf("halt %v kill %v", k.Halt.Keys(), k.Kill.Keys())
				}
			},
		},
		{
			name: "remap the pool and poller keys",
			m:    map[string][]string{"grow": {"]"}, "shrink": {"["}, "pause_all": {"ctrl+p"}, "tree": {"T"}, "pools-view": {"F2"}, "pollers_view": {"F3"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("]"), k.Grow) || key.Matches(press("+"), k.Grow) || !key.Matches(press("["), k.Shrink) {
					t.Errorf("grow %v shrink %v", k.Grow.Keys(), k.Shrink.Keys())
				}
				if h := k.Grow.Help(); h.Key != "]" || !strings.Contains(h.Desc, "faster") {
					t.Errorf("grow help %+v", h)
				}
				if !key.Matches(press("T"), k.Tree) || k.PauseAll.Keys()[0] != "ctrl+p" {
					t.Errorf("tree %v pause all %v", k.Tree.Keys(), k.PauseAll.Keys())
				}
				if k.PoolsView.Keys()[0] != "F2" || k.PollersView.Keys()[0] != "F3" {
					t.Errorf("views %v %v", k.PoolsView.Keys(), k.PollersView.Keys())
				}
			},
		},
		{
			name: "remap reload",
			m:    map[string][]string{"reload": {"ctrl+l"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("ctrl+l"), k.Reload) || key.Matches(press("ctrl+r"), k.Reload) {
					t.Errorf("reload keys %v", k.Reload.Keys())
				}
				if h := k.Reload.Help(); h.Key != "ctrl+l" || h.Desc != "reload task file" {
					t.Errorf("help %+v", h)
				}
			},
		},
		{name: "reload conflicts with halt all", m: map[string][]string{"reload": {"H"}}, wantErr: ErrConflict},
		{name: "grow conflicts with quit", m: map[string][]string{"grow": {"q"}}, wantErr: ErrConflict},
		{name: "tree conflicts with pause all", m: map[string][]string{"tree": {"P"}}, wantErr: ErrConflict},
		{name: "unknown", m: map[string][]string{"explode": {"e"}}, wantErr: ErrUnknownAction},
		{name: "two log view actions on one key", m: map[string][]string{"log_wrap": {"T"}}, wantErr: ErrConflict},
		{name: "a log view action on a view key", m: map[string][]string{"log_streams": {"1"}}, wantErr: ErrConflict},
		{name: "a log view action on an action key (live in the Logs view)", m: map[string][]string{"log_wrap": {"h"}}, wantErr: ErrConflict},
		{name: "a log view action on the bottom key", m: map[string][]string{"log_search": {"G"}}, wantErr: ErrConflict},
		{
			name: "a log view action may reuse a table-only key",
			m:    map[string][]string{"log_wrap": {"t"}, "log_timestamps": {"enter"}, "log_only_matches": {"space"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("t"), k.LogWrap) || !key.Matches(press("t"), k.Tree) || !key.Matches(press("enter"), k.LogTimestamps) {
					t.Errorf("log wrap %v timestamps %v", k.LogWrap.Keys(), k.LogTimestamps.Keys())
				}
			},
		},
		{
			name: "a table action may take a log view key",
			m:    map[string][]string{"tree": {"w"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("w"), k.Tree) || !key.Matches(press("w"), k.LogWrap) {
					t.Errorf("tree %v log wrap %v", k.Tree.Keys(), k.LogWrap.Keys())
				}
			},
		},
		{name: "conflict", m: map[string][]string{"halt": {"j"}}, wantErr: ErrConflict},
		{
			name: "no may share esc with back",
			m:    map[string][]string{"no": {"esc"}},
			check: func(t *testing.T, k KeyMap) {
				if !key.Matches(press("esc"), k.No) {
					t.Errorf("no keys %v", k.No.Keys())
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Default()
			err := k.Override(tt.m)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if !key.Matches(press("h"), k.Halt) {
					t.Error("a failed override changed the keymap")
				}
				return
			}
			tt.check(t, k)
		})
	}
}

func TestOverrideErrorsNameTheProblem(t *testing.T) {
	k := Default()
	err := k.Override(map[string][]string{"explode": {"e"}})
	var ua *UnknownActionError
	if !errors.As(err, &ua) || ua.Action != "explode" || !strings.Contains(err.Error(), `"explode"`) {
		t.Errorf("err = %v", err)
	}
	err = k.Override(map[string][]string{"kill": {"q"}})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Key != "q" || !strings.Contains(err.Error(), "quit") || !strings.Contains(err.Error(), "kill") {
		t.Errorf("err = %v", err)
	}
}

func TestActionsCoverEveryBinding(t *testing.T) {
	names := Actions()
	if len(names) != 45 {
		t.Errorf("%d actions: %v", len(names), names)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("duplicate %q", n)
		}
		seen[n] = true
	}
}

func TestReloadIsAGlobalBinding(t *testing.T) {
	k := Default()
	titles := GroupTitles()
	for i, g := range k.FullHelp() {
		for _, b := range g {
			if b.Help().Desc != "reload task file" {
				continue
			}
			if titles[i] != "global" {
				t.Errorf("reload is in group %q, want global", titles[i])
			}
			if b.Help().Key != "ctrl+r" {
				t.Errorf("reload help key %q", b.Help().Key)
			}
			return
		}
	}
	t.Error("reload is not in the full help")
}

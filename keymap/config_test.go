package keymap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, k KeyMap)
	}{
		{"one key", "keys:\n  halt: ctrl+h\n", func(t *testing.T, k KeyMap) {
			if !key.Matches(press("ctrl+h"), k.Halt) || key.Matches(press("h"), k.Halt) || k.Halt.Help().Key != "ctrl+h" {
				t.Errorf("halt %v %q", k.Halt.Keys(), k.Halt.Help().Key)
			}
		}},
		{"a list, names with dashes", "keys:\n  page-down: [pgdown, ctrl+d]\n  kill: [X]\n", func(t *testing.T, k KeyMap) {
			if got := k.PageDown.Keys(); strings.Join(got, ",") != "pgdown,ctrl+d" || k.Kill.Help().Key != "X" {
				t.Errorf("page down %v, kill %v", got, k.Kill.Keys())
			}
		}},
		{"a log view key", "keys:\n  log_wrap: W\n  log-streams: [o]\n", func(t *testing.T, k KeyMap) {
			if !key.Matches(press("W"), k.LogWrap) || key.Matches(press("w"), k.LogWrap) || k.LogWrap.Help() != (key.Help{Key: "W", Desc: "wrap"}) {
				t.Errorf("log wrap %v %+v", k.LogWrap.Keys(), k.LogWrap.Help())
			}
			if !key.Matches(press("o"), k.LogStreams) || !key.Matches(press("s"), k.Sort) {
				t.Errorf("log streams %v, sort %v", k.LogStreams.Keys(), k.Sort.Keys())
			}
		}},
		{"unbind", "keys:\n  tree: []\n", func(t *testing.T, k KeyMap) {
			if len(k.Tree.Keys()) != 0 {
				t.Errorf("tree still bound to %v", k.Tree.Keys())
			}
		}},
		{"empty file", "", func(t *testing.T, k KeyMap) {
			if k.Halt.Help().Key != "h" {
				t.Error("an empty file changed the keys")
			}
		}},
		{"comments and an empty section", "# my keys\nkeys:\n", func(t *testing.T, k KeyMap) {
			if k.Halt.Help().Key != "h" {
				t.Error("an empty section changed the keys")
			}
		}},
		{"quoted keys", "keys:\n  grow: [']', \"}\"]\n", func(t *testing.T, k KeyMap) {
			if strings.Join(k.Grow.Keys(), "") != "]}" {
				t.Errorf("grow %v", k.Grow.Keys())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse("config.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, k)
		})
	}
}

// TestParseConfigErrors: every problem, each with file:line:col, and the
// defaults when there is any.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown action", "keys:\n  hlat: ctrl+h\n", []string{`config.yaml:2:3: unknown action "hlat" (actions: up, down,`}},
		{"every problem", "keys:\n  hlat: x\n  kill: {a: b}\n  quit: ''\n", []string{
			`config.yaml:2:3: unknown action "hlat"`,
			`config.yaml:3:9: keys are a key (ctrl+h) or a list of keys ([x, delete])`,
			`config.yaml:4:9: a key is a name such as x, ctrl+h, f5 or space`}},
		{"conflict", "keys:\n  kill: q\n", []string{`config.yaml:2:3: key "q" is bound to both "kill" and "quit"`}},
		{"two log view actions", "keys:\n  log_wrap: W\n  log_timestamps: W\n", []string{`config.yaml:3:3: key "W" is bound to both "log_wrap" and "log_timestamps"`}},
		{"twice", "keys:\n  halt: a\n  halt: b\n", []string{`config.yaml:3:3: YAML: mapping key "halt" already defined at [2:3]`}},
		{"twice, spelt apart", "keys:\n  page_up: a\n  page-up: b\n", []string{`config.yaml:3:3: action "page-up" is given twice`}},
		{"unknown section", "kees:\n  halt: a\n", []string{`config.yaml:1:1: unknown field "kees" (a config file has: keys)`}},
		{"not a mapping", "keys: [halt]\n", []string{`config.yaml:1:7: keys is a mapping of action names to keys`}},
		{"blank in a key", "keys:\n  halt: 'ctrl h'\n", []string{`config.yaml:2:9: key "ctrl h" holds blanks`}},
		{"no keys", "keys:\n  halt:\n", []string{`config.yaml:2:9: no keys given: write [] to unbind the action`}},
		{"YAML syntax", "keys:\n  halt: [a\n", []string{`config.yaml:`, `YAML:`}},
		{"deep nesting", "keys:\n  halt: " + strings.Repeat("[", 50) + "a" + strings.Repeat("]", 50) + "\n", []string{`config.yaml:2:13: brackets nested more than 4 deep`}},
		{"deep indentation", "keys:\n" + strings.Repeat(" ", 40) + "halt: a\n", []string{`config.yaml:2:25: indented more than 24 columns`}},
		{"too big", "keys:\n" + strings.Repeat("# pad\n", 4000), []string{`config.yaml:1:1: larger than 16384 bytes`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse("config.yaml", []byte(tt.yaml))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v, want ConfigErrors", err)
			}
			var list ConfigErrors
			if !errors.As(err, &list) || (len(list) != len(tt.want) && !strings.HasPrefix(tt.name, "YAML")) {
				t.Fatalf("%d errors, want %d:\n%v", len(list), len(tt.want), err)
			}
			for i, w := range tt.want {
				got := err.Error()
				if !strings.HasPrefix(tt.name, "YAML") {
					got = list[i].Error()
				}
				if !strings.Contains(got, w) {
					t.Errorf("error %d %q, want it to hold %q", i, got, w)
				}
			}
			if k.Halt.Help().Key != "h" || k.Kill.Help().Key != "x" {
				t.Error("a config with problems changed the keys")
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if k, err := Load(path); err != nil || k.Halt.Help().Key != "h" {
		t.Errorf("a missing file: %v", err)
	}
	if k, err := Load(""); err != nil || k.Halt.Help().Key != "h" {
		t.Errorf("no path: %v", err)
	}
	if err := os.WriteFile(path, []byte("keys:\n  halt: ctrl+h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := Load(path); err != nil || k.Halt.Help().Key != "ctrl+h" {
		t.Errorf("loaded %v, %v", k.Halt.Keys(), err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}

func TestConfigPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	if got := ConfigPath(); got != "/tmp/xdg/spindle/config.yaml" {
		t.Errorf("ConfigPath() = %q", got)
	}
}

package ui

import (
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/model"
)

// TestLogKeysFromTheConfig: log_wrap remapped to W in config.yaml wraps on
// W, not on w, and the footer and the help say W; the title names the
// bottom key the config gives.
func TestLogKeysFromTheConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k, err := keymap.Parse("config.yaml", []byte("keys:\n  log_wrap: W\n  bottom: [B, end]\n"))
		if err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, WithKeyConfig(k, nil))
		h.src.mu.Lock()
		h.src.logs = append(logLines("t1", "crawl root", 1, 50),
			model.LogEntry{Seq: 51, Task: "t1", Name: "crawl root", Stream: model.StreamStdout, Text: strings.Repeat("abcdefghij", 30) + "END"})
		h.src.mu.Unlock()
		h.selectID("t1")
		h.keys("l")
		if !regexp.MustCompile(` W wrap `).MatchString(h.screen()) || strings.Contains(h.screen(), " w wrap ") {
			t.Errorf("the footer does not name W for wrap:\n%s", h.screen())
		}
		h.keys("w")
		if strings.Contains(h.screen(), "END") || h.m.logs.wrap {
			t.Fatalf("the old key w still wraps:\n%s", h.screen())
		}
		if got := h.m.status.Text(); !strings.Contains(got, "w does nothing here") {
			t.Errorf("the old key w: status %q", got)
		}
		h.keys("W")
		if !strings.Contains(h.screen(), "END") {
			t.Fatalf("W did not wrap:\n%s", h.screen())
		}
		if !strings.Contains(h.screen(), " W cut lines ") {
			t.Errorf("the footer does not say W would cut lines again:\n%s", h.screen())
		}
		h.keys("k")
		if !strings.Contains(h.screen(), "paused: B or end follows") || !strings.Contains(h.screen(), " esc back ") {
			t.Errorf("the title does not name the config's bottom key, or the footer lost esc:\n%s", h.screen())
		}
		h.keys("?")
		if !regexp.MustCompile(`│ log view .*\n.*│ /\s+search`).MatchString(h.screen()) || !regexp.MustCompile(`│ W\s+wrap`).MatchString(h.screen()) {
			t.Errorf("the help does not lead with the log view's keys, W for wrap:\n%s", h.screen())
		}
	})
}

// TestLogKeysThatCannotApplySayWhy: n, N and f need a search; they are
// dimmed and a press says how to search first.
func TestLogKeysThatCannotApplySayWhy(t *testing.T) {
	for _, tt := range []struct{ key, want string }{
		{"n", "n goes to an older match: / searches first"},
		{"N", "N goes to a newer match: / searches first"},
		{"f", "f shows only the lines a search matches: / searches first"},
	} {
		t.Run(tt.key, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := logHarness(t, 50)
				h.selectID("t1")
				h.keys("l")
				bs := h.m.footerBindings()
				for _, b := range bs {
					if b.Help().Key == tt.key && b.Enabled() {
						t.Errorf("%s is not dimmed without a search", tt.key)
					}
				}
				h.keys(tt.key)
				if got := h.m.status.Text(); got != tt.want {
					t.Errorf("status %q, want %q", got, tt.want)
				}
			})
		})
	}
}

// TestLogsViewSearchTakesEveryKey: in the Logs view, the search line gets
// the keys that are view, action and global keys elsewhere (q h x 1 ?).
func TestLogsViewSearchTakesEveryKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.src.mu.Lock()
		h.src.logs = logLines("t1", "crawl root", 1, 20)
		h.src.mu.Unlock()
		h.keys("6", "/", "q", "h", "x", "1", "?", "enter")
		if h.quit || h.m.active != viewLogs || h.m.help.open || len(h.src.commands()) != 0 {
			t.Fatalf("the search line let keys through: quit %v view %v help %v commands %v", h.quit, h.m.active, h.m.help.open, h.src.commands())
		}
		if h.m.allLogs.search == nil || h.m.allLogs.search.String() != "qhx1?" {
			t.Errorf("search %v, want qhx1?", h.m.allLogs.search)
		}
		h.keys("s")
		if h.m.allLogs.streams != logStdout {
			t.Errorf("s in the Logs view: streams %v, want stdout only", h.m.allLogs.streams)
		}
	})
}

// TestGoroutinesFooter: the Goroutines view's footer has its own keys (a
// group's stack, filter, sort), not the task actions of Workers.
func TestGoroutinesFooter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.keys("5")
		h.send(goroutinesMsg{g: goroutinesSample()})
		var got []string
		for _, b := range h.m.footerBindings() {
			got = append(got, b.Help().Key+" "+b.Help().Desc)
		}
		if want := "enter stack,/ filter,s sort column,S reverse sort,? help,q quit"; strings.Join(got, ",") != want {
			t.Errorf("footer %q, want %q", strings.Join(got, ","), want)
		}
	})
}

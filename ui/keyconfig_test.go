package ui

import (
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/keymap"
)

// TestKeysFromTheConfig: the keys a config file remaps are what the footer,
// the help and the messages name; a config with problems leaves the defaults
// and says why, with file:line:col, until something else is said.
func TestKeysFromTheConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k, err := keymap.Parse("config.yaml", []byte("keys:\n  halt: ctrl+h\n  run: F\n  errors: E\n"))
		if err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, WithKeyConfig(k, nil))
		if got := h.m.status.Text(); got != "" {
			t.Errorf("a good config said %q", got)
		}
		h.keys("e")
		if got := h.m.status.Text(); !strings.Contains(got, "e does nothing here") {
			t.Errorf("the old errors key: %q", got)
		}
		h.publish(waitingSnapshot())
		h.selectID("t3")
		h.keys("enter")
		if scr := h.screen(); !strings.Contains(scr, "manager batch is not watching: F runs its queue") {
			t.Errorf("the wait reason names the old run key:\n%s", scr)
		}
		h.keys("esc", "?")
		if !regexp.MustCompile(`│.*ctrl\+h\s+halt\s`).MatchString(h.screen()) || !regexp.MustCompile(`│.*E\s+all errors`).MatchString(h.screen()) {
			t.Errorf("help does not show the config's keys:\n%s", h.screen())
		}
	})
	synctest.Test(t, func(t *testing.T) {
		k, err := keymap.Parse("config.yaml", []byte("keys:\n  hlat: ctrl+h\n  kill: q\n"))
		h := newHarness(t, WithKeyConfig(k, err))
		got := h.m.status.Text()
		if !strings.Contains(got, `config.yaml:2:3: unknown action "hlat"`) || !strings.Contains(got, "default keys") {
			t.Errorf("status %q, want the config's first problem and that the keys are the defaults", got)
		}
		h.keys("h")
		if len(h.src.commands()) != 1 {
			t.Errorf("the default halt key does not work: %v", h.src.commands())
		}
	})
}

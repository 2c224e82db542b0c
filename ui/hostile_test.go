package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// hostile is text a child process (or a peer) could send: cursor moves, a
// clipboard write (OSC 52), a title change, a C1 CSI in UTF-8 and raw, bidi
// overrides, zero-width characters, invalid UTF-8.
var hostile = []string{
	"\x1b[2J\x1b[Hcleared",
	"copy\x1b]52;c;SGVsbG8=\x07me",
	"\x1b]0;pwned\x1b\\title",
	"c1\u009b2Jcsi",
	"raw\x9b2Jcsi",
	"evil\u202etxt.exe",
	"zero\u200bwidth\ufeff",
	"bad\xffutf8",
	"bell\x07and\x08back",
}

func TestCleanCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"41.5°C", "41.5°C"},
		{"a\tb", "a b"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b[2J\x1b[Hcleared", "cleared"},
		{"copy\x1b]52;c;SGVsbG8=\x07me", "copyme"},
		{"c1\u009b2Jcsi", "c12Jcsi"},
		{"raw\x9b2Jcsi", `raw\x9b2Jcsi`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\u0085next line", "next line"},
	}
	for _, tt := range tests {
		if got := cleanCell(tt.in); got != tt.want {
			t.Errorf("cleanCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// hostileSnapshot puts hostile text in every string a snapshot carries.
func hostileSnapshot() model.Snapshot {
	s := fixtureSnapshot()
	h := func(i int) string { return hostile[i%len(hostile)] }
	s.Source, s.SourceError = h(0), h(1)+"\n"+h(2)
	s.Tasks = slices.Clone(s.Tasks)
	for i := range s.Tasks {
		t := &s.Tasks[i]
		t.ID = model.TaskID("t" + h(i))
		t.Name, t.Group, t.Error, t.Stack, t.Command = h(i+1), h(i+2), h(i+3), h(i+4), h(i+5)
		t.Signal = h(i + 6)
		t.Log = []model.LogLine{{Time: fixtureNow, Text: h(i + 7)}, {Time: fixtureNow, Text: "stderr: " + h(i+8)}}
	}
	s.Pools = slices.Clone(s.Pools)
	for i := range s.Pools {
		p := &s.Pools[i]
		p.Name, p.Owner, p.OwnerName, p.Type, p.State = h(i), model.TaskID(h(i+1)), h(i+2), h(i+3), model.PoolState(h(i+4))
	}
	s.Pollers = slices.Clone(s.Pollers)
	for i := range s.Pollers {
		p := &s.Pollers[i]
		p.Name, p.Group, p.LastError, p.Value = h(i), h(i+1), h(i+2), h(i+3)
	}
	s.Events = slices.Clone(s.Events)
	for i := range s.Events {
		e := &s.Events[i]
		e.Task, e.Group, e.Text, e.Level = model.TaskID(h(i)), h(i+1), h(i+2)+"\n"+h(i+3), model.Level(h(i+4))
	}
	s.Managers = append(slices.Clone(s.Managers), model.Manager{Name: h(5), Limit: 1, Running: 1, Queued: 3})
	return s
}

// onlySGR matches the escape sequences a frame may hold: colours and styles.
var onlySGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// TestHostileTextNeverReachesTheTerminal: whatever a child or a peer puts in
// a snapshot, the frame holds no escape sequence but the dashboard's own
// colours, no control character, no bidi override or zero-width character,
// and the window title is plain text.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	places := [][]string{nil, {"enter"}, {"G", "enter"}, {"2"}, {"3"}, {"3", "enter"}, {"4"}, {"4", "enter"}, {"4", "G", "enter"},
		{"e"}, {"x"}, {"t"}, {"?"}, {"2", "x"}, {"h"}, {"l"}, {"6"}, {"6", "T", "w", "s"}, {"6", "/", "\x1b", "enter"}}
	for _, keys := range places {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(hostileSnapshot())
				h.src.mu.Lock()
				h.src.logs = hostileLogs() // for the log views (l, 5)
				h.src.mu.Unlock()
				h.keys(keys...)
				time.Sleep(time.Millisecond)
				v := h.m.View()
				for _, text := range []string{onlySGR.ReplaceAllString(v.Content, ""), v.WindowTitle} {
					for i, r := range text {
						switch {
						case r == '\n' && text != v.WindowTitle:
						case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
							t.Fatalf("control %U at %d: %q", r, i, text[max(i-20, 0):min(i+20, len(text))])
						case r == 0x202e || r == 0x200b || r == 0xfeff || r == 0xfffd:
							t.Fatalf("%U at %d reached the terminal: %q", r, i, text[max(i-20, 0):min(i+20, len(text))])
						}
					}
				}
			})
		})
	}
}

package ui

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/spindle-tui/spindle/model"
)

// logLines makes n lines of task id (named name), seqs from seq on, every
// third on stderr.
func logLines(id model.TaskID, name string, seq uint64, n int) []model.LogEntry {
	var ls []model.LogEntry
	for i := range n {
		st := model.StreamStdout
		if i%3 == 2 {
			st = model.StreamStderr
		}
		ls = append(ls, model.LogEntry{Seq: seq + uint64(i), Time: fixtureNow.Add(time.Duration(i) * time.Second), Task: id, Name: name, Stream: st, Text: fmt.Sprintf("%s line %d", name, i)})
	}
	return ls
}

// logHarness is a harness whose source holds lines of t1 and t2.
func logHarness(t *testing.T, n int) *harness {
	h := newHarness(t)
	h.src.mu.Lock()
	h.src.logs = logLines("t1", "crawl root", 1, n)
	h.src.mu.Unlock()
	return h
}

// lastBodyLine returns the last line of the log view's rows (the row above
// the hint line).
func lastBodyLine(h *harness) string {
	lines := strings.Split(h.screen(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "line ") {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

func TestLogViewOpensAtTheNewestLineFollowing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := logHarness(t, 500)
		h.selectID("t1")
		h.keys("l")
		if !h.m.logs.open || !strings.Contains(h.screen(), "Log of crawl root (t1)") || !strings.Contains(h.screen(), "following") {
			t.Fatalf("l did not open the log:\n%s", h.screen())
		}
		if got := lastBodyLine(h); !strings.HasSuffix(got, "crawl root line 499") {
			t.Fatalf("the bottom row is %q, want the newest line", got)
		}
		// New lines arrive while following: the bottom moves on.
		h.src.mu.Lock()
		h.src.logs = append(h.src.logs, logLines("t1", "crawl root", 501, 1)...)
		h.src.logs[len(h.src.logs)-1].Text = "the newest"
		h.src.mu.Unlock()
		time.Sleep(logPoll)
		h.settle()
		if got := lastBodyLine(h); !strings.HasSuffix(got, "the newest") && !strings.Contains(h.screen(), "the newest") {
			t.Fatalf("a new line did not show:\n%s", h.screen())
		}
		// Scrolling up pauses following and says so; G resumes.
		h.keys("k", "k")
		if !strings.Contains(h.screen(), "paused: G or end follows") || strings.Contains(h.screen(), "the newest") {
			t.Fatalf("scrolling up:\n%s", h.screen())
		}
		h.keys("G")
		if !strings.Contains(h.screen(), "following") || !strings.Contains(h.screen(), "the newest") {
			t.Fatalf("G:\n%s", h.screen())
		}
		h.keys("esc")
		if h.m.logs.open {
			t.Fatal("esc did not close the log")
		}
	})
}

func TestLogViewKeys(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		want  []string // on screen
		never []string // not on screen
	}{
		{"search highlights and n goes to an older match", []string{"/", "l", "i", "n", "e", " ", ".", "1", "0", "$", "enter", "n"},
			[]string{"/line .10$", "crawl root line 310"}, []string{"line 410"}},
		{"f shows only the matches", []string{"/", "l", "i", "n", "e", " ", ".", "?", "4", "2", "$", "enter", "f"},
			[]string{"only matches", "crawl root line 42", "crawl root line 142", "crawl root line 442"}, []string{"crawl root line 499"}},
		{"f without a search says how", []string{"f"}, []string{"/ searches first"}, nil},
		{"s cycles to stdout only", []string{"s"}, []string{"stdout only", "crawl root line 498"}, []string{"line 497", "stderr crawl"}},
		{"s twice: stderr only", []string{"s", "s"}, []string{"stderr only", "stderr crawl root line 497"}, []string{"line 498"}},
		{"T shows times", []string{"T"}, []string{"12:08:"}, nil},
		{"a bad regexp is an error", []string{"/", "(", "enter"}, []string{"search: error parsing regexp"}, nil},
		{"g goes to the oldest", []string{"g"}, []string{"crawl root line 0", "paused"}, []string{"line 499"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := logHarness(t, 500)
				h.selectID("t1")
				h.keys("l")
				h.keys(tt.keys...)
				s := h.screen()
				for _, w := range tt.want {
					if !strings.Contains(s, w) {
						t.Errorf("no %q on screen:\n%s", w, s)
					}
				}
				for _, w := range tt.never {
					if strings.Contains(s, w) {
						t.Errorf("%q on screen:\n%s", w, s)
					}
				}
			})
		})
	}
}

// The Logs view merges every task in order with a name column; l on marked
// tasks does the same for them.
func TestLogsViewMergesTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		var all []model.LogEntry
		a, b := logLines("t1", "crawl root", 1, 5), logLines("t2", "fetch page 3", 1, 5)
		for i := range 5 {
			a[i].Seq, b[i].Seq = uint64(2*i+1), uint64(2*i+2)
			all = append(all, a[i], b[i])
		}
		h.src.mu.Lock()
		h.src.logs = all
		h.src.mu.Unlock()
		h.keys("6")
		s := h.screen()
		if !strings.Contains(s, "Logs: every task") || !strings.Contains(s, "crawl root   │ crawl root line 4") ||
			!strings.Contains(s, "fetch page 3 │ fetch page 3 line 4") {
			t.Fatalf("the Logs view:\n%s", s)
		}
		if i, j := strings.Index(s, "crawl root line 4"), strings.Index(s, "fetch page 3 line 4"); i > j {
			t.Fatalf("not in sequence order:\n%s", s)
		}
		golden.RequireEqual(t, []byte(s))
	})
}

func TestLogViewWrap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.src.mu.Lock()
		h.src.logs = []model.LogEntry{{Seq: 1, Task: "t1", Name: "crawl root", Stream: model.StreamStdout, Text: strings.Repeat("abcdefghij", 30) + "END"}}
		h.src.mu.Unlock()
		h.selectID("t1")
		h.keys("l")
		if strings.Contains(h.screen(), "END") {
			t.Fatalf("a long line shows whole without wrap:\n%s", h.screen())
		}
		h.keys("w")
		if !strings.Contains(h.screen(), "END") {
			t.Fatalf("w did not wrap:\n%s", h.screen())
		}
	})
}

// hostileLogs is a log line of every hostile text, in every stream, named by
// another.
func hostileLogs() []model.LogEntry {
	var ls []model.LogEntry
	streams := []model.LogStream{model.StreamStdout, model.StreamStderr, model.StreamSpindle, model.StreamLog}
	for i, s := range hostile {
		ls = append(ls, model.LogEntry{Seq: uint64(i + 1), Task: model.TaskID("t" + s), Name: hostile[(i+1)%len(hostile)], Stream: streams[i%len(streams)], Text: s})
	}
	return ls
}

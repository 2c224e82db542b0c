package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

func TestRenderProcessCells(t *testing.T) {
	proc := model.KindProcess
	tests := []struct {
		name string
		task model.Task
		cpu  string
		rss  string
		last string
	}{
		{"running process", model.Task{Kind: proc, State: model.StateRunning, CPU: 3.24, RSS: 12_900_000}, "3.2%", "12.3Mi", ""},
		{"busy process passes 100%", model.Task{Kind: proc, State: model.StateRunning, CPU: 312.46, RSS: 1 << 30}, "312%", "1.0Gi", ""},
		{"small process", model.Task{Kind: proc, State: model.StatePaused, RSS: 512}, "0.0%", "512B", ""},
		{"goroutine has none", model.Task{State: model.StateRunning, CPU: 50, RSS: 1 << 20}, "", "", ""},
		{"ended process has none, and a success no error", model.Task{Kind: proc, State: model.StateDone, CPU: 5, RSS: 1 << 20, ExitCode: exitCode(0)}, "", "", ""},
		{"a halt you asked for is no error", model.Task{Kind: proc, State: model.StateHalted, Signal: "SIGTERM", Error: "signal: terminated"}, "", "", ""},
		{"a halted process that exited by itself", model.Task{Kind: proc, State: model.StateHalted, ExitCode: exitCode(0)}, "", "", ""},
		{"a halted goroutine", model.Task{State: model.StateHalted, Error: "halted"}, "", "", ""},
		{"a signal nobody asked for", model.Task{Kind: proc, State: model.StateFailed, Signal: "SIGSEGV", Error: "signal: segmentation fault"}, "", "", "SIGSEGV"},
		{"exit code replaces exec's words", model.Task{Kind: proc, State: model.StateFailed, ExitCode: exitCode(3), Error: "exit status 3"}, "", "", "exit 3"},
		{"exit code and more lines", model.Task{Kind: proc, State: model.StateFailed, ExitCode: exitCode(3), Error: "exit status 3\nstderr: boom"}, "", "", "exit 3…"},
		{"exit code before other words", model.Task{Kind: proc, State: model.StateFailed, ExitCode: exitCode(2), Error: "timed out after 5s"}, "", "", "exit 2 · timed out after 5s"},
		{"a kill you asked for is no error", model.Task{Kind: proc, State: model.StateKilled, Signal: "SIGKILL", Error: "signal: killed"}, "", "", ""},
		{"an exit code while halting is", model.Task{Kind: proc, State: model.StateHalted, ExitCode: exitCode(3), Error: "exit status 3"}, "", "", "exit 3"},
		{"backoff counts down", model.Task{Kind: proc, State: model.StateBackoff, ExitCode: exitCode(1), Error: "exit status 1", Retry: fixtureNow.Add(2 * time.Second)}, "", "", "exit status 1 · retry in 2s"},
		{"backoff rounds up", model.Task{Kind: proc, State: model.StateBackoff, Error: "exit status 1\nstderr: x", Retry: fixtureNow.Add(300 * time.Millisecond)}, "", "", "exit status 1 · retry in 1s"},
		{"backoff due", model.Task{Kind: proc, State: model.StateBackoff, Error: "exit status 1", Retry: ago(time.Second)}, "", "", "exit status 1 · retrying"},
		{"backoff without a time", model.Task{State: model.StateBackoff, Error: "boom"}, "", "", "boom"},
		{"backoff without an error", model.Task{Kind: proc, State: model.StateBackoff, ExitCode: exitCode(4), Retry: fixtureNow.Add(90 * time.Second)}, "", "", "exit 4 · retry in 1m30s"},
		{"fatal gave up", model.Task{Kind: proc, State: model.StateFatal, ExitCode: exitCode(1), Error: "exit status 1", Restarts: 5}, "", "", "exit status 1 · gave up after 5 restarts"},
		{"fatal after one", model.Task{State: model.StateFatal, Error: "boom", Restarts: 1}, "", "", "boom · gave up after 1 restart"},
		{"goroutine error unchanged", model.Task{State: model.StateFailed, Error: "exit status 1\nmore"}, "", "", "exit status 1…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderCPU(&tt.task); got != tt.cpu {
				t.Errorf("CPU %q, want %q", got, tt.cpu)
			}
			if got := renderRSS(&tt.task); got != tt.rss {
				t.Errorf("RSS %q, want %q", got, tt.rss)
			}
			if got := renderLastError(&tt.task, fixtureNow); got != tt.last {
				t.Errorf("LAST ERROR %q, want %q", got, tt.last)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {1023, "1023B"}, {1024, "1.0Ki"}, {150 * 1024, "150Ki"}, {12_900_000, "12.3Mi"},
		{1023 << 20, "1023Mi"}, {3 << 40, "3.0Ti"}, {-5, "0B"},
	}
	for _, tt := range tests {
		if got := formatBytes(tt.n); got != tt.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if w := len(formatBytes(tt.n)); w > rssWidth {
			t.Errorf("formatBytes(%d) takes %d cells, the column %d", tt.n, w, rssWidth)
		}
	}
}

func TestWriteNotedKeepsTheNote(t *testing.T) {
	tests := []struct {
		msg   string
		notes []string
		w     int
		want  string
	}{
		{"exit status 1", []string{"retry in 2s"}, 30, "exit status 1 · retry in 2s   "},
		{"exit status 1", []string{"retry in 2s"}, 22, "exit st… · retry in 2s"},
		{"exit status 1", []string{"retry in 2s"}, 12, "exit status…"},
		{"", []string{"retry in 2s"}, 12, "retry in 2s "},
		{"boom", []string{""}, 6, "boom  "},
		{"exit status 1", []string{"gave up after 5 restarts", "gave up"}, 29, "exit status 1 · gave up      "},
		{"exit status 1", []string{"gave up after 5 restarts", "gave up"}, 40, "exit status 1 · gave up after 5 restarts"},
		{"exit status 1", []string{"gave up after 5 restarts", "gave up"}, 12, "exit status…"},
		{"exit status 1", []string{"gave up after 5 restarts", ""}, 29, "exit status 1 · gave up afte…"},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeNoted(&b, paint{}, tt.msg, tt.w, tt.notes...)
		if b.String() != tt.want {
			t.Errorf("%q + %q in %d: %q, want %q", tt.msg, tt.notes, tt.w, b.String(), tt.want)
		}
	}
}

func TestSourceLabel(t *testing.T) {
	tests := []struct{ src, want string }{
		{"./spindle.yaml", "file: ./spindle.yaml"},
		{"spindle.yml", "file: spindle.yml"},
		{"/etc/spindle/tasks", "file: /etc/spindle/tasks"},
		{"demo", "demo"},
		{"attach unix:/run/user/1000/spindle.sock", "attach unix:/run/user/1000/spindle.sock"},
		{"attach 127.0.0.1:7070", "attach 127.0.0.1:7070"},
		{"http://host:7070/", "http://host:7070/"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sourceLabel(tt.src); got != tt.want {
			t.Errorf("sourceLabel(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// withoutProcesses returns the fixture with every task a goroutine.
func withoutProcesses() model.Snapshot {
	s := fixtureSnapshot()
	s.Tasks = slices.Clone(s.Tasks)
	for i := range s.Tasks {
		s.Tasks[i].Kind = model.KindGoroutine
	}
	s.Seq++
	return s
}

func TestProcessColumnsOnlyWithProcesses(t *testing.T) {
	tests := []struct {
		name   string
		snap   func() model.Snapshot
		filter []string
		want   bool
		cells  []string
	}{
		{"goroutines only", withoutProcesses, nil, false, nil},
		{"processes, none live: the empty columns yield", fixtureSnapshot, nil, false, nil},
		{"processes running", processSnapshot, nil, true, []string{"3.2%", "12.3Mi", "188%", "1.5Gi", "0.0%", "879Ki"}},
		{"a filter hiding the processes keeps the columns", processSnapshot, []string{"/", "w", "a", "r", "m"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(tt.snap())
				h.keys(tt.filter...)
				lines := strings.Split(h.screen(), "\n")
				head := lines[3]
				if got := strings.Contains(head, " CPU ") && strings.Contains(head, " RSS "); got != tt.want {
					t.Errorf("CPU and RSS shown %v, want %v: %q", got, tt.want, head)
				}
				for _, c := range tt.cells {
					if !strings.Contains(h.screen(), " "+c+" ") {
						t.Errorf("no cell %q", c)
					}
				}
			})
		})
	}
}

func TestProcessLastErrorOnScreen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(processSnapshot())
		row := func(id string) string {
			for _, l := range strings.Split(h.screen(), "\n") {
				if strings.HasPrefix(strings.TrimLeft(l, "│ ✓"), id+" ") {
					return l
				}
			}
			t.Fatalf("no row %s", id)
			return ""
		}
		for id, want := range map[string]string{
			"t4": "exit status 1 · retry in 2s", "t5": "exit status 1 · gave up", "t7": "exit 3",
		} {
			if r := row(id); !strings.Contains(r, want) {
				t.Errorf("%s: %q lacks %q", id, r, want)
			}
		}
		// A success and a kill that was asked for are no errors.
		for id, avoid := range map[string]string{"t6": "exit 0", "t8": "SIGKILL"} {
			if r := row(id); strings.Contains(r, avoid) {
				t.Errorf("%s: %q shows %q as an error", id, r, avoid)
			}
		}
	})
}

func TestReloadKey(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status string
	}{
		{"ok", nil, "reload: ok"},
		{"refused", errors.New(`spindle.yaml:3:1: unknown field "x"`), `cannot reload: spindle.yaml:3:1: unknown field "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.src.errs[model.OpReload] = tt.err
				h.keys("ctrl+r")
				if got := h.src.commands(); !slices.Equal(got, []model.Command{{Op: model.OpReload}}) {
					t.Errorf("sent %v", got)
				}
				if got := h.m.status.Text(); got != tt.status {
					t.Errorf("status %q, want %q", got, tt.status)
				}
				if !strings.Contains(h.screen(), tt.status) {
					t.Error("the status is not on screen")
				}
			})
		})
	}
}

func TestReloadInFooterOnlyForAFile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		footer := func() string { lines := strings.Split(h.screen(), "\n"); return lines[len(lines)-1] }
		if strings.Contains(footer(), "reload") {
			t.Errorf("demo footer offers reload: %q", footer())
		}
		h.publish(processSnapshot())
		if !strings.Contains(footer(), "ctrl+r reload task file") {
			t.Errorf("task file footer lacks reload: %q", footer())
		}
		if !strings.Contains(h.screen(), "spindle · file: ./spindle.yaml") {
			t.Error("header does not name the file")
		}
	})
}

func TestSourceErrorLine(t *testing.T) {
	long := "spindle.yaml:40:3: " + strings.Repeat("very long message ", 10) + "END"
	tests := []struct {
		name  string
		text  string
		want  []string // on the error line
		avoid []string
	}{
		{"one error", fixtureSourceError, []string{`spindle.yaml:12:7: unknown field "comand"`, "… (1 error: e shows it)"}, nil},
		{"an error's own lines stay in it", "spindle.yaml:3:1: bad\n  line two\n  line three\n", []string{"spindle.yaml:3:1: bad (1 error: e shows it)"}, []string{"line two"}},
		{"long text is cut, the count stays", long + "\nsecond", []string{"spindle.yaml:40:3: very long", "… (2 errors: e shows all)"}, []string{"END"}},
		{"connection loss", "connection lost: dial unix /run/spindle.sock: connect: refused; reconnecting", []string{"connection lost: dial unix"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				before := h.m.bodyHeight()
				h.keys("ctrl+r") // a status message the bar must not hide
				h.publish(withSourceError(fixtureSnapshot(), tt.text))
				lines := strings.Split(h.screen(), "\n")
				if len(lines) != 40 {
					t.Fatalf("%d lines", len(lines))
				}
				errLine, status, footer := lines[37], lines[38], lines[39]
				for _, w := range tt.want {
					if !strings.Contains(errLine, w) {
						t.Errorf("error line %q lacks %q", errLine, w)
					}
				}
				for _, a := range tt.avoid {
					if strings.Contains(errLine, a) {
						t.Errorf("error line %q holds %q", errLine, a)
					}
				}
				if textWidth(errLine) != 120 {
					t.Errorf("error line is %d cells", textWidth(errLine))
				}
				if !strings.Contains(status, "reload: ok") || !strings.Contains(footer, "q quit") {
					t.Errorf("the bar hid the status %q or the footer %q", status, footer)
				}
				if h.m.bodyHeight() != before-1 || !strings.Contains(lines[36], "└") {
					t.Errorf("body %d lines (was %d); line 36 %q", h.m.bodyHeight(), before, lines[36])
				}
				if !strings.Contains(h.m.View().Content, h.m.st.sourceErr.on) {
					t.Error("the bar is not in its style")
				}

				h.publish(withSourceError(fixtureSnapshot(), ""))
				if strings.Contains(h.screen(), tt.want[0]) || h.m.bodyHeight() != before {
					t.Error("the error line stayed after the error cleared")
				}
			})
		})
	}
}

func TestSourceErrorKeepsTheLastFrame(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(processSnapshot())
		h.selectID("t2")
		h.publish(model.Snapshot{SourceError: "connection lost: EOF; reconnecting"}) // no picture, only the error
		scr := h.screen()
		for _, want := range []string{"connection lost: EOF; reconnecting", "indexer", "file: ./spindle.yaml", "Workers (9/9)"} {
			if !strings.Contains(scr, want) {
				t.Errorf("screen lacks %q", want)
			}
		}
		if h.selected() != "t2" {
			t.Errorf("selection moved to %s", h.selected())
		}
		h.publish(processSnapshot()) // reconnected: a fresh picture, no error
		if strings.Contains(h.screen(), "connection lost") {
			t.Error("the error stayed after reconnecting")
		}
	})
}

func TestDetailOfAProcess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(processSnapshot())
		h.selectID("t1")
		h.keys("enter")
		scr := h.screen()
		for _, want := range []string{
			"Kind      process", "Command   ./bin/api --listen :8080 --config 'conf/api prod.toml'", "PID       41822",
			"Exit      still running", "CPU/RSS   3.2% CPU  12.3Mi RSS", "Restarts  1",
			"11:58:58         listening on :8080", `11:58:59  stderr warning: config key "timeout" is deprecated`,
			"11:59:58  stderr panic: runtime error in handler (recovered)",
		} {
			if !strings.Contains(scr, want) {
				t.Errorf("detail lacks %q", want)
			}
		}
		if strings.Contains(scr, "stderr: ") {
			t.Error("the raw stderr prefix is on screen")
		}
		h.keys("esc")
		h.selectID("t4")
		h.keys("enter")
		scr = h.screen()
		for _, want := range []string{"Exit      exit 1", "Retry     in 2s (at 12:00:01.500)", "Restarts  2", "PID       ·", "CPU/RSS   ·"} {
			if !strings.Contains(scr, want) {
				t.Errorf("backoff detail lacks %q", want)
			}
		}
		h.keys("esc")
		h.selectID("t5")
		h.keys("enter")
		if scr := h.screen(); !strings.Contains(scr, "Retry     no: gave up after 5 restarts") {
			t.Error("fatal detail does not say it gave up")
		}
	})
}

func TestNoColorProcessViews(t *testing.T) {
	for _, keys := range [][]string{nil, {"enter"}} {
		t.Run(strings.Join(keys, ""), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, WithColor(false))
				h.publish(sourceErrorSnapshot())
				h.selectID("t1")
				h.keys(keys...)
				raw := h.m.View().Content
				if seq := colourSGR.FindString(raw); seq != "" {
					t.Errorf("NO_COLOR frame holds colour sequence %q", seq)
				}
				if !strings.Contains(h.screen(), "unknown field") {
					t.Error("no source error line")
				}
			})
		})
	}
}

// TestDetailOfARestartingGoroutine: a goroutine task under a restart policy
// (engine.WithRestart) shows its retry and its giving up as a process does.
func TestDetailOfARestartingGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := processSnapshot()
		for i := range s.Tasks {
			if id := s.Tasks[i].ID; id == "t4" || id == "t5" {
				s.Tasks[i].Kind, s.Tasks[i].Command, s.Tasks[i].ExitCode = model.KindGoroutine, "", nil
				s.Tasks[i].Error = "dial tcp: connection refused"
			}
		}
		h.publish(s)
		h.selectID("t4")
		h.keys("enter")
		scr := h.screen()
		for _, want := range []string{"Kind      goroutine", "Retry     in 2s (at 12:00:01.500)", "Restarts  2"} {
			if !strings.Contains(scr, want) {
				t.Errorf("backoff detail lacks %q", want)
			}
		}
		if strings.Contains(scr, "PID ") {
			t.Error("a goroutine's detail shows a PID")
		}
		h.keys("esc")
		h.selectID("t5")
		h.keys("enter")
		if scr := h.screen(); !strings.Contains(scr, "Retry     no: gave up after 5 restarts") {
			t.Error("fatal detail does not say it gave up")
		}
	})
}

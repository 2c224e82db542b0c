package engine_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// eventually polls cond every few milliseconds until it holds, failing the test
// after 10s. Real children cannot run under synctest, so the process tests wait
// for what they observe; the deadline only bounds a broken run.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// untilState waits until task id is in state s and returns it.
func untilState(t *testing.T, e *engine.Engine, id model.TaskID, s model.State) model.Task {
	t.Helper()
	var last model.Task
	eventually(t, string(id)+" "+s.String(), func() bool {
		last = findTask(e, id)
		return last.State == s
	})
	return last
}

// untilOutput waits until task id's child has printed a line containing text
// and returns the first such line. It skips spindle's own lines: the
// "spindle: started pid N: sh -c '…; echo ready'" line quotes the command, so
// waiting for "ready" in any line returned before the script had run a
// single word of it (TestStopGraceNone's SIGTERM came before its trap).
func untilOutput(t *testing.T, e *engine.Engine, id model.TaskID, text string) string {
	t.Helper()
	var line string
	eventually(t, string(id)+" printing "+strconv.Quote(text), func() bool {
		line = outputLine(findTask(e, id), text)
		return line != ""
	})
	return line
}

// outputLine returns the first line of task's log that its child printed
// (not one of spindle's own "spindle: " lines) containing text, or "".
func outputLine(task model.Task, text string) string {
	for _, l := range task.Log {
		if !strings.HasPrefix(l.Text, "spindle: ") && strings.Contains(l.Text, text) {
			return l.Text
		}
	}
	return ""
}

// untilLog waits until task id has a log line containing text and returns the
// first such line. For what the child prints, use untilOutput.
func untilLog(t *testing.T, e *engine.Engine, id model.TaskID, text string) string {
	t.Helper()
	var line string
	eventually(t, string(id)+" logging "+strconv.Quote(text), func() bool {
		line = logLine(findTask(e, id), text)
		return line != ""
	})
	return line
}

// logLine returns the first line of task's log containing text, or "".
func logLine(task model.Task, text string) string {
	for _, l := range task.Log {
		if strings.Contains(l.Text, text) {
			return l.Text
		}
	}
	return ""
}

// findTask returns task id from a fresh snapshot (the zero Task if absent).
func findTask(e *engine.Engine, id model.TaskID) model.Task {
	for _, task := range e.Snapshot().Tasks {
		if task.ID == id {
			return task
		}
	}
	return model.Task{}
}

// noSurvivors fails the test if anything in process group pgid, or any of
// pids, is still alive. The kernel may take a moment to finish a SIGKILLed
// process, so it waits for that.
func noSurvivors(t *testing.T, pgid int, pids ...int) {
	t.Helper()
	var alive []int
	deadline := time.Now().Add(2 * time.Second)
	for {
		if alive = engine.ProcSurvivors(pgid, pids...); len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still alive from group %d: %v", pgid, alive)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// sh returns a spec running script with sh -c.
func sh(script string) engine.ProcessSpec {
	return engine.ProcessSpec{Command: []string{"sh", "-c", script}}
}

// grandchildPID reads the pid a script echoed as "child <pid>".
func grandchildPID(t *testing.T, e *engine.Engine, id model.TaskID) int {
	t.Helper()
	var line string
	eventually(t, string(id)+" echoing its child", func() bool {
		for _, l := range findTask(e, id).Log {
			if strings.HasPrefix(l.Text, "child ") {
				line = l.Text
				return true
			}
		}
		return false
	})
	pid, err := strconv.Atoi(strings.TrimPrefix(line, "child "))
	if err != nil {
		t.Fatalf("grandchild pid from %q: %v", line, err)
	}
	return pid
}

// mustAppendProcess appends spec to m and fails the test on error.
func mustAppendProcess(t *testing.T, m *engine.Manager, name string, spec engine.ProcessSpec) model.TaskID {
	t.Helper()
	id, err := m.AppendProcess(name, spec)
	if err != nil {
		t.Fatalf("AppendProcess(%q): %v", name, err)
	}
	return id
}

// startedProcess appends spec to a fresh watching manager of e and waits until
// it logs ready (its traps are set); it returns the task.
func startedProcess(t *testing.T, e *engine.Engine, spec engine.ProcessSpec) model.Task {
	t.Helper()
	if !engine.ProcessesSupported {
		t.Skip(engine.ErrProcessUnsupported)
	}
	m := e.NewManager("procs", 4)
	if err := m.Watch(); err != nil {
		t.Fatal(err)
	}
	id := mustAppendProcess(t, m, "proc", spec)
	untilOutput(t, e, id, "ready")
	task := findTask(e, id)
	if task.PID == 0 || task.Kind != model.KindProcess {
		t.Fatalf("started process: pid %d kind %s", task.PID, task.Kind)
	}
	return task
}

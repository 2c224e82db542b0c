package engine_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// The leak tests give each child an environment variable of their own and scan
// /proc for processes that still carry it: every descendant inherits it, however
// it left its parent's group, session or tree.

// escapes are children that leave their task's process group in every way a
// shell can. spawn starts them (a test adds what the leader does next); want is
// how many processes carry the marker once they have started (the leader
// included).
var escapes = []struct {
	name  string
	spawn string
	want  int
}{
	{"setsid child", `setsid sleep 1000 &`, 2},
	{"double-forked daemon", `(setsid sh -c 'sleep 1000 & exit 0' &)`, 2},
	{"set -m job", `set -m; sleep 1000 &`, 2},
	{"deep tree", `sh -c 'sh -c "setsid sh -c \"sleep 1000 & wait\" & wait" & wait' &`, 5},
	{"TERM-ignoring setsid child", `setsid sh -c 'trap "" TERM; sleep 1000 & wait' & trap '' TERM`, 3},
}

func TestProcessLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name string
		op   model.Op
		want model.State
	}{
		{"halt", model.OpHalt, model.StateHalted},
		{"kill", model.OpKill, model.StateKilled},
	}
	for _, tt := range escapes {
		for _, op := range ops {
			t.Run(op.name+": "+tt.name, func(t *testing.T) {
				t.Parallel()
				e := engine.New()
				defer closeEngine(t, e)
				marker := newMarker(t)
				spec := sh(tt.spawn + "\necho ready; exec sleep 1000")
				spec.Env = []string{marker}
				spec.StopGrace = 200 * time.Millisecond
				task := startedProcess(t, e, spec)
				procs := untilMarked(t, marker, tt.want)
				if err := apply(e, op.op, task.ID); err != nil {
					t.Fatalf("%s: %v", op.op, err)
				}
				untilState(t, e, task.ID, op.want)
				// The run ends once its child and every descendant are
				// reaped: nothing is left to wait for.
				assertGone(t, procs)
			})
		}
		t.Run("exit: "+tt.name, func(t *testing.T) {
			t.Parallel()
			e := engine.New()
			defer closeEngine(t, e)
			marker := newMarker(t)
			m := e.NewManager("procs", 1)
			// The leader waits until the test has seen its descendants, then
			// exits by itself, leaving them running.
			gate := t.TempDir() + "/go"
			spec := sh(tt.spawn + "\necho ready; while [ ! -e " + gate + " ]; do sleep 0.01; done; exit 0")
			spec.Env = []string{marker}
			if err := m.Watch(); err != nil {
				t.Fatal(err)
			}
			id := mustAppendProcess(t, m, "proc", spec)
			untilOutput(t, e, id, "ready")
			procs := untilMarked(t, marker, tt.want)
			if err := os.WriteFile(gate, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			untilState(t, e, id, model.StateDone)
			assertGone(t, procs)
		})
	}
}

func TestProcessCloseLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	e := engine.New()
	markers := make([]string, len(escapes))
	var procs []markedProc
	for i, tt := range escapes {
		markers[i] = newMarker(t)
		spec := sh(tt.spawn + "\necho ready; exec sleep 1000")
		spec.Env = []string{markers[i]}
		spec.StopGrace = 200 * time.Millisecond
		startedProcess(t, e, spec)
		procs = append(procs, untilMarked(t, markers[i], tt.want)...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertGone(t, procs)
}

func TestRestartAlwaysLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	marker := newMarker(t)
	m := e.NewManager("procs", 1)
	spec := sh(`(setsid sh -c 'sleep 1000 & exit 0' &); setsid sleep 1000 & sleep 0.05; echo ran; exit 0`)
	spec.Env = []string{marker}
	spec.Restart = engine.RestartAlways
	spec.Backoff = engine.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	spec.MaxRestarts = 1000
	if err := m.Watch(); err != nil {
		t.Fatal(err)
	}
	id := mustAppendProcess(t, m, "restarting", spec)
	var seen []markedProc
	eventually(t, "five restarts", func() bool {
		seen = append(seen, marked(marker)...)
		// At most one run's processes live at once: the leader, its two
		// escapees and a shell or sleep on their way.
		if n := len(marked(marker)); n > 5 {
			t.Fatalf("%d marked processes alive: earlier runs left theirs", n)
		}
		return findTask(e, id).Restarts >= 5
	})
	if err := apply(e, model.OpHalt, id); err != nil {
		t.Fatal(err)
	}
	untilState(t, e, id, model.StateHalted)
	assertGone(t, seen)
}

func TestCommandPollLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	for _, tt := range escapes {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			marker := newMarker(t)
			// Each poll prints its value and exits once the test has seen its
			// descendants, which are still running then.
			gate := t.TempDir() + "/go"
			spec := sh(tt.spawn + "\nwhile [ ! -e " + gate + " ]; do sleep 0.01; done; echo ready")
			spec.Env = []string{marker}
			poll := engine.CommandPoll(spec)
			for range 3 {
				type result struct {
					v   any
					err error
				}
				done := make(chan result, 1)
				go func() {
					v, err := poll(context.Background())
					done <- result{v, err}
				}()
				procs := untilMarked(t, marker, tt.want)
				if err := os.WriteFile(gate, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				if r := <-done; r.err != nil || r.v != "ready" {
					t.Fatalf("poll = %v, %v", r.v, r.err)
				}
				assertGone(t, procs)
				if err := os.Remove(gate); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// newMarker returns an environment entry no other test uses.
func newMarker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "SPINDLE_LEAK_TEST=" + hex.EncodeToString(b)
}

// markedProc is a process found carrying a marker: its pid and start time
// (so that a reused pid is not taken for it).
type markedProc struct {
	pid   int
	start uint64
	cmd   string
}

func (p markedProc) String() string { return fmt.Sprintf("%d (%s)", p.pid, p.cmd) }

// marked returns the live processes whose environment holds marker.
func marked(marker string) []markedProc {
	entries, _ := os.ReadDir("/proc")
	var out []markedProc
	want := []byte(marker)
	for _, ent := range entries {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + ent.Name() + "/environ")
		if err != nil || !hasEntry(env, want) {
			continue
		}
		if state, start, cmd, ok := statOf(pid); ok && state != 'Z' && state != 'X' {
			out = append(out, markedProc{pid: pid, start: start, cmd: cmd})
		}
	}
	return out
}

func hasEntry(environ, entry []byte) bool {
	for _, kv := range bytes.Split(environ, []byte{0}) {
		if bytes.Equal(kv, entry) {
			return true
		}
	}
	return false
}

// statOf reads the state letter, start time and command name of pid.
func statOf(pid int) (state byte, start uint64, cmd string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, "", false
	}
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return 0, 0, "", false
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < 20 {
		return 0, 0, "", false
	}
	start, err = strconv.ParseUint(string(f[19]), 10, 64) // field 22, starttime
	return f[0][0], start, string(b[open+1 : end]), err == nil
}

// untilMarked waits until n processes carry marker and returns them.
func untilMarked(t *testing.T, marker string, n int) []markedProc {
	t.Helper()
	var procs []markedProc
	eventually(t, fmt.Sprintf("%d processes started", n), func() bool {
		procs = marked(marker)
		return len(procs) >= n
	})
	return procs
}

// assertGone fails the test if any of procs still exists, alive or as a
// zombie nobody reaped.
func assertGone(t *testing.T, procs []markedProc) {
	t.Helper()
	var left []string
	for _, p := range procs {
		if state, start, cmd, ok := statOf(p.pid); ok && start == p.start {
			left = append(left, fmt.Sprintf("%d %c (%s)", p.pid, state, cmd))
		}
	}
	if len(left) > 0 {
		t.Fatalf("left behind: %s", strings.Join(left, ", "))
	}
}

//go:build linux || darwin || freebsd

package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// The process tests run real children (sh -c scripts with traps) and check
// /proc for what survives. They run in parallel: each waits on its own child.

func TestProcessStop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		script     string
		op         model.Op
		grace      time.Duration
		want       model.State
		wantCode   int // -1: no exit code (a signal ended it)
		wantSignal string
		wantLog    string
	}{
		{
			name:     "halt: trapped TERM exits 0",
			script:   `trap 'echo bye; exit 0' TERM; sleep 1000 & echo "child $!"; echo ready; wait`,
			op:       model.OpHalt,
			grace:    5 * time.Second,
			want:     model.StateHalted,
			wantCode: 0,
			wantLog:  "sent SIGTERM to process group",
		},
		{
			name:       "halt: ignored TERM gets SIGKILL after the grace",
			script:     `trap '' TERM; sleep 1000 & echo "child $!"; echo ready; wait`,
			op:         model.OpHalt,
			grace:      150 * time.Millisecond,
			want:       model.StateHalted,
			wantCode:   -1,
			wantSignal: "SIGKILL",
			wantLog:    "after SIGTERM: sent SIGKILL",
		},
		{
			name:       "kill: SIGKILL at once",
			script:     `trap '' TERM; sleep 1000 & echo "child $!"; echo ready; wait`,
			op:         model.OpKill,
			grace:      time.Hour,
			want:       model.StateKilled,
			wantCode:   -1,
			wantSignal: "SIGKILL",
			wantLog:    "sent SIGKILL to process group",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := engine.New()
			defer closeEngine(t, e)
			spec := sh(tt.script)
			spec.StopGrace = tt.grace
			task := startedProcess(t, e, spec)
			grandchild := grandchildPID(t, e, task.ID)
			if err := apply(e, tt.op, task.ID); err != nil {
				t.Fatalf("%s: %v", tt.op, err)
			}
			got := untilState(t, e, task.ID, tt.want)
			noSurvivors(t, task.PID, task.PID, grandchild)
			switch {
			case tt.wantCode >= 0 && (got.ExitCode == nil || *got.ExitCode != tt.wantCode):
				t.Errorf("exit code %v, want %d", got.ExitCode, tt.wantCode)
			case tt.wantCode < 0 && got.ExitCode != nil:
				t.Errorf("exit code %d, want none", *got.ExitCode)
			}
			if got.Signal != tt.wantSignal {
				t.Errorf("signal %q, want %q", got.Signal, tt.wantSignal)
			}
			if got.PID != 0 {
				t.Errorf("pid %d shown after the end", got.PID)
			}
			if logLine(got, tt.wantLog) == "" {
				t.Errorf("no log line with %q in %v", tt.wantLog, got.Log)
			}
		})
	}
}

func TestProcessCloseReapsEverything(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		grace time.Duration
		ctx   time.Duration
	}{
		{"within the stop grace", 100 * time.Millisecond, 10 * time.Second},
		{"close gives up first: SIGKILL at once", time.Hour, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := engine.New()
			spec := sh(`trap '' TERM; sleep 1000 & echo "child $!"; echo ready; wait`)
			spec.StopGrace = tt.grace
			task := startedProcess(t, e, spec)
			grandchild := grandchildPID(t, e, task.ID)
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
			defer cancel()
			if err := e.Close(ctx); err != nil {
				t.Fatalf("Close: %v", err)
			}
			// Close returns once every child is reaped: no waiting here.
			if alive := engine.ProcSurvivors(task.PID, task.PID, grandchild); len(alive) > 0 {
				t.Fatalf("alive after Close: %v", alive)
			}
			if got := findTask(e, task.ID); got.State != model.StateHalted {
				t.Fatalf("state %s after Close, want halted", got.State)
			}
		})
	}
}

func TestProcessPauseResume(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	// The leader does not fork while it runs: a group stop that races a fork
	// is the kernel's business, not what this test is about.
	task := startedProcess(t, e, sh(`echo ready; exec sleep 1000`))
	if err := apply(e, model.OpPause, task.ID); err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, e, task.ID); s != model.StatePaused {
		t.Fatalf("state %s right after pause, want paused (no pausing for a process)", s)
	}
	eventually(t, "leader stopped (T)", func() bool { return engine.ProcState(task.PID) == 'T' })
	if err := apply(e, model.OpPause, task.ID); !errors.Is(err, engine.ErrBadTransition) {
		t.Fatalf("second pause: %v", err)
	}
	if err := apply(e, model.OpResume, task.ID); err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, e, task.ID); s != model.StateRunning {
		t.Fatalf("state %s after resume", s)
	}
	eventually(t, "leader continued", func() bool { return engine.ProcState(task.PID) != 'T' })

	// A paused process still halts: the stop signal is followed by SIGCONT.
	if err := apply(e, model.OpPause, task.ID); err != nil {
		t.Fatal(err)
	}
	if err := apply(e, model.OpHalt, task.ID); err != nil {
		t.Fatal(err)
	}
	untilState(t, e, task.ID, model.StateHalted)
	noSurvivors(t, task.PID)
}

func TestProcessEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		spec       engine.ProcessSpec
		want       model.State
		wantErr    string
		wantCode   int // -1: none
		wantSignal string
		wantLog    []string
	}{
		{"exit 0", sh(`echo out; echo err >&2; printf partial`), model.StateDone, "", 0, "",
			[]string{"out", "stderr: err", "partial", "pid", "ended: exit status 0"}},
		{"exit code", sh(`exit 3`), model.StateFailed, "exit status 3", 3, "", nil},
		{"signal", sh(`kill -USR1 $$`), model.StateFailed, "signal: user defined signal 1", -1, "SIGUSR1", nil},
		{"missing binary", engine.ProcessSpec{Command: []string{"spindle-no-such-binary"}}, model.StateFailed,
			`exec: "spindle-no-such-binary": executable file not found in $PATH`, -1, "", nil},
		{"bad dir", engine.ProcessSpec{Command: []string{"true"}, Dir: "/no/such/dir"}, model.StateFailed,
			"chdir /no/such/dir: no such file or directory", -1, "", nil},
		{"env and dir", engine.ProcessSpec{Command: []string{"sh", "-c", `echo "$SPINDLE_X $(pwd)"`}, Dir: "/tmp",
			Env: []string{"SPINDLE_X=forty-two"}}, model.StateDone, "", 0, "", []string{"forty-two /tmp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := engine.New()
			defer closeEngine(t, e)
			m := e.NewManager("procs", 1)
			_ = m.Watch()
			id := mustAppendProcess(t, m, tt.name, tt.spec)
			got := untilState(t, e, id, tt.want)
			if !strings.Contains(got.Error, tt.wantErr) || (tt.wantErr == "") != (got.Error == "") {
				t.Errorf("error %q, want %q", got.Error, tt.wantErr)
			}
			switch {
			case tt.wantCode >= 0 && (got.ExitCode == nil || *got.ExitCode != tt.wantCode):
				t.Errorf("exit code %v, want %d", got.ExitCode, tt.wantCode)
			case tt.wantCode < 0 && got.ExitCode != nil:
				t.Errorf("exit code %d, want none", *got.ExitCode)
			}
			if got.Signal != tt.wantSignal {
				t.Errorf("signal %q, want %q", got.Signal, tt.wantSignal)
			}
			for _, want := range tt.wantLog {
				if logLine(got, want) == "" {
					t.Errorf("no log line with %q in %v", want, got.Log)
				}
			}
			if got.Kind != model.KindProcess || got.Command == "" {
				t.Errorf("kind %s command %q", got.Kind, got.Command)
			}
		})
	}
}

func TestAppendProcessValidates(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 1)
	if _, err := m.AppendProcess("empty", engine.ProcessSpec{}); !errors.Is(err, engine.ErrNoCommand) {
		t.Fatalf("empty command: %v", err)
	}
	spec := sh("true")
	spec.Restart = 9
	if _, err := m.AppendProcess("bad policy", spec); !errors.Is(err, engine.ErrBadRestartPolicy) {
		t.Fatalf("bad policy: %v", err)
	}
}

func TestProcessCommandDisplay(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 1) // not watching: it stays queued
	id := mustAppendProcess(t, m, "vet", engine.ProcessSpec{Command: []string{"go", "vet", "./...", "a b", ""}})
	got := findTask(e, id)
	if want := `go vet ./... "a b" ""`; got.Command != want || got.Kind != model.KindProcess || got.State != model.StateQueued {
		t.Fatalf("queued process: command %q kind %s state %s, want %q", got.Command, got.Kind, got.State, want)
	}
}

func TestProcessResourcesSampled(t *testing.T) {
	t.Parallel()
	e := engine.New(engine.WithSampleInterval(50 * time.Millisecond))
	defer closeEngine(t, e)
	// Figures are sampled every interval while someone watches (once a
	// minute while nobody does).
	_, unsubscribe := e.Subscribe()
	defer unsubscribe()
	task := startedProcess(t, e, sh(`echo ready; while :; do :; done`))
	eventually(t, "cpu and rss sampled", func() bool {
		got := findTask(e, task.ID)
		return got.CPU > 0 && got.RSS > 0
	})
}

func TestSubmitProcessRunsOnce(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1, TaskType: "io"})
	spec := sh(`echo hi; exit 3`) // Restart: never (and the pool has no default)
	fut, err := p.SubmitProcess(context.Background(), "sync", "io", spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := fut.Wait(context.Background()); err == nil || err.Error() != "exit status 3" {
		t.Fatalf("future: %v, want exit status 3", err)
	}
	got := untilState(t, e, fut.ID(), model.StateFailed)
	if got.Kind != model.KindProcess || got.ExitCode == nil || *got.ExitCode != 3 || got.Restarts != 0 || outputLine(got, "hi") == "" {
		t.Fatalf("pool process: %+v", got)
	}
	if _, err := p.SubmitProcess(context.Background(), "x", "io", engine.ProcessSpec{}); !errors.Is(err, engine.ErrNoCommand) {
		t.Fatalf("empty command: %v", err)
	}
}

// TestSubmitProcessRestarts: a pool process's own restart fields are its
// policy: it runs again in its pool under the same id, its log going on, until
// it is fatal; the Future resolves then, once, wrapping the last run's error.
func TestSubmitProcessRestarts(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1, TaskType: "io"})
	spec := sh(`echo hi; exit 3`)
	spec.Restart, spec.MaxRestarts = engine.RestartAlways, 2
	spec.Backoff = engine.Backoff{Initial: time.Millisecond, Max: time.Millisecond}
	fut, err := p.SubmitProcess(context.Background(), "sync", "io", spec)
	if err != nil {
		t.Fatal(err)
	}
	err = fut.Wait(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), `"sync" fatal after 2 restarts within 1m0s: exit status 3`) {
		t.Fatalf("future: %v, want fatal after 2 restarts: exit status 3", err)
	}
	got := untilState(t, e, fut.ID(), model.StateFatal)
	hi := 0
	for _, l := range got.Log {
		if l.Text == "hi" {
			hi++
		}
	}
	if got.Kind != model.KindProcess || got.ExitCode == nil || *got.ExitCode != 3 || got.Restarts != 2 || hi != 3 {
		t.Fatalf("pool process: %s, exit %v, %d restarts, %d lines \"hi\"; want a process fatal after 2 restarts, 3 lines", got.Kind, got.ExitCode, got.Restarts, hi)
	}
}

func TestPoolProcessHalt(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
	fut, err := p.SubmitProcess(context.Background(), "sleepy", "", sh(`sleep 1000 & echo "child $!"; wait`))
	if err != nil {
		t.Fatal(err)
	}
	grandchild := grandchildPID(t, e, fut.ID())
	leader := findTask(e, fut.ID()).PID
	if err := apply(e, model.OpHalt, fut.ID()); err != nil {
		t.Fatal(err)
	}
	if err := fut.Wait(context.Background()); err == nil {
		t.Fatal("halted pool process resolved with nil")
	}
	untilState(t, e, fut.ID(), model.StateHalted)
	noSurvivors(t, leader, leader, grandchild)
}

func TestProcessPIDShownBeforeItsOutput(t *testing.T) {
	t.Parallel()
	// A child's output reaches its log only once its pid is published: every
	// snapshot that shows a line it printed shows its pid, and "started pid"
	// comes first in the log.
	e := engine.New()
	defer closeEngine(t, e)
	const n = 32
	m := e.NewManager("procs", n)
	var ids []model.TaskID
	for i := range n {
		ids = append(ids, mustAppendProcess(t, m, fmt.Sprint("p", i), sh(`echo ready; exec sleep 1000`)))
	}
	snaps, cancel := e.Subscribe()
	defer cancel()
	if err := m.Watch(); err != nil {
		t.Fatal(err)
	}
	check := func(task model.Task) bool {
		ready, started := -1, -1
		for i, l := range task.Log {
			switch {
			case l.Text == "ready" && ready < 0:
				ready = i
			case strings.HasPrefix(l.Text, "spindle: started pid") && started < 0:
				started = i
			}
		}
		if ready < 0 {
			return false
		}
		if task.PID == 0 || started < 0 || started > ready {
			t.Fatalf("%s logged its output with pid %d shown, \"started\" at %d, output at %d: %v", task.ID, task.PID, started, ready, task.Log)
		}
		return true
	}
	seen := map[model.TaskID]bool{}
	for len(seen) < n {
		s := <-snaps
		for _, task := range s.Tasks {
			if !seen[task.ID] && check(task) {
				seen[task.ID] = true
			}
		}
	}
}

package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

const examplePath = "../../examples/spindle.yaml"

func mustParse(t testing.TB, path, src string) *File {
	t.Helper()
	f, err := Parse(path, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseDefaults(t *testing.T) {
	f := mustParse(t, "/etc/spindle/spindle.yaml", `
managers:
  builds:
    tasks:
      - {name: vet, command: [go, vet]}
pools:
  io:
    tasks:
      - {name: sync, command: [rsync]}
pollers:
  disk: {period: 2s, command: [df]}
`)
	want := &File{
		Path: "/etc/spindle/spindle.yaml", Dir: "/etc/spindle", Refresh: DefaultRefresh,
		Managers: []Manager{{Name: "builds", Limit: 1, Watch: true, Pos: Pos{3, 3}, Tasks: []Task{{
			Name: "vet", Command: []string{"go", "vet"}, Dir: "/etc/spindle",
			Restart: RestartNever, Backoff: Backoff{500 * time.Millisecond, 30 * time.Second},
			MaxRestarts: 5, RestartWindow: time.Minute, StopSignal: syscall.SIGTERM, StopGrace: 5 * time.Second,
			Pos: Pos{5, 10},
		}}}},
		Pools: []Pool{{Name: "io", MaxWorkers: 1, TaskType: "io", Pos: Pos{7, 3}, Tasks: []Task{{
			Name: "sync", Command: []string{"rsync"}, Dir: "/etc/spindle", Type: "io",
			Restart: RestartNever, Backoff: Backoff{500 * time.Millisecond, 30 * time.Second},
			MaxRestarts: 5, RestartWindow: time.Minute, StopSignal: syscall.SIGTERM, StopGrace: 5 * time.Second,
			Pos: Pos{9, 10},
		}}}},
		Pollers: []Poller{{Name: "disk", Period: 2 * time.Second, Concurrency: 1, Command: []string{"df"}, Dir: "/etc/spindle", Pos: Pos{11, 3}}},
		Format:  FormatSpindle,
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestParseEveryField(t *testing.T) {
	f := mustParse(t, "/srv/app/spindle.yaml", `
refresh: 250ms
managers:
  builds:
    limit: 2
    watch: false
    tasks:
      - name: vet
        command: [go, vet, ./..., 0x10, true, 1.5]
        dir: sub/dir
        env: {GOFLAGS: -mod=mod, N: 3}
        restart: On-Failure
        backoff: {initial: 1s, max: 10s}
        max_restarts: 0
        restart_window: 2m
        stop_signal: int
        stop_grace: 0
pools:
  net:
    max_workers: 4
    task_type: io
    daemon: true
    tasks:
      - {name: sync, type: io, command: [rsync], dir: /abs}
pollers:
  disk: {period: 2s, min_wait: 10ms, timeout: 1s, concurrency: 3, command: [df, -P, /], dir: .., env: {LC_ALL: C}}
`)
	task := f.Managers[0].Tasks[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"refresh", f.Refresh, 250 * time.Millisecond},
		{"limit", f.Managers[0].Limit, 2},
		{"watch", f.Managers[0].Watch, false},
		{"argv keeps spellings", task.Command, []string{"go", "vet", "./...", "0x10", "true", "1.5"}},
		{"dir", task.Dir, "/srv/app/sub/dir"},
		{"dir raw", task.DirRaw, "sub/dir"},
		{"env", task.Environ(), []string{"GOFLAGS=-mod=mod", "N=3"}},
		{"restart", task.Restart, RestartOnFailure},
		{"backoff", task.Backoff, Backoff{time.Second, 10 * time.Second}},
		{"max restarts", task.MaxRestarts, 0},
		{"window", task.RestartWindow, 2 * time.Minute},
		{"signal", task.StopSignal, syscall.SIGINT},
		{"grace", task.StopGrace, time.Duration(0)},
		{"pool", f.Pools[0].MaxWorkers, 4},
		{"pool type", f.Pools[0].TaskType, "io"},
		{"daemon", f.Pools[0].Daemon, true},
		{"abs dir", f.Pools[0].Tasks[0].Dir, "/abs"},
		{"poller", f.Pollers[0], Poller{Name: "disk", Period: 2 * time.Second, MinWait: 10 * time.Millisecond,
			Timeout: time.Second, Concurrency: 3, Command: []string{"df", "-P", "/"}, Dir: "/srv", DirRaw: "..",
			Env: map[string]string{"LC_ALL": "C"}, Pos: Pos{26, 3}}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestParseAnchorsAndMergeKeys(t *testing.T) {
	f := mustParse(t, "/x/s.yaml", `
x-proc: &proc
  restart: always
  stop_grace: 1s
  env: {A: "1"}
x-quick: &quick {stop_grace: 2s, max_restarts: 1}
x-cmd: &cmd [sleep, "1"]
managers:
  m:
    tasks:
      - name: a
        <<: *proc
        command: *cmd
      - name: b
        <<: [*quick, *proc]
        command: [true]
        restart: never
      - &c {name: c, command: *cmd}
  n:
    x-note: ignored
    tasks:
      - {<<: *c, name: d}
`)
	ts := append(f.Managers[0].Tasks, f.Managers[1].Tasks...)
	type got struct {
		restart RestartPolicy
		grace   time.Duration
		max     int
		env     string
		cmd     string
	}
	want := map[string]got{
		"a": {RestartAlways, time.Second, 5, "A=1", "sleep"},
		"b": {RestartNever, 2 * time.Second, 1, "A=1", "true"}, // explicit wins; the first merged map wins
		"c": {RestartNever, 5 * time.Second, 5, "", "sleep"},
		"d": {RestartNever, 5 * time.Second, 5, "", "sleep"},
	}
	if len(ts) != len(want) {
		t.Fatalf("got %d tasks, want %d", len(ts), len(want))
	}
	for _, task := range ts {
		env := ""
		if e := task.Environ(); len(e) > 0 {
			env = e[0]
		}
		g := got{task.Restart, task.StopGrace, task.MaxRestarts, env, task.Command[0]}
		if g != want[task.Name] {
			t.Errorf("task %s = %+v, want %+v", task.Name, g, want[task.Name])
		}
	}
}

func TestParseMergeBombIsBounded(t *testing.T) {
	// Each level merges the one before ten times: expanding it naively would
	// copy 10^8 keys. The parser must stop early with an error, not hang.
	src := "x-a0: &a0 {restart: always}\n"
	for i := 1; i <= 8; i++ {
		src += fmt.Sprintf("x-a%d: &a%d {<<: [", i, i)
		for j := range 10 {
			if j > 0 {
				src += ", "
			}
			src += fmt.Sprintf("*a%d", i-1)
		}
		src += "]}\n"
	}
	src += "managers:\n  m:\n    tasks:\n      - {<<: *a8, name: x, command: [x]}\n"
	_, err := Parse("bomb.yaml", []byte(src))
	if err == nil {
		t.Fatal("a merge bomb was accepted")
	}
	if !strings.Contains(err.Error(), "merge") {
		t.Errorf("unexpected error: %v", err)
	}
}

func TestParseSignals(t *testing.T) {
	tests := []struct {
		in   string
		want syscall.Signal
		ok   bool
	}{
		{"SIGTERM", syscall.SIGTERM, true}, {"TERM", syscall.SIGTERM, true}, {"sigterm", syscall.SIGTERM, true},
		{" hup ", syscall.SIGHUP, true}, {"Usr2", osproc.SIGUSR2, true}, {"KILL", syscall.SIGKILL, true},
		{"SIGSTOP", 0, false}, {"15", 0, false}, {"", 0, false}, {"SIG", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseSignal(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "---\n", "managers:\npools: {}\npollers:\n"} {
		f := mustParse(t, "e.yaml", src)
		if len(f.Managers)+len(f.Pools)+len(f.Pollers) != 0 || f.Refresh != DefaultRefresh {
			t.Errorf("Parse(%q) = %+v, want an empty file", src, f)
		}
		if got, want := f.Summary(), "ok: 0 managers (0 tasks), 0 pools (0 tasks), 0 pollers"; got != want {
			t.Errorf("Summary = %q, want %q", got, want)
		}
	}
}

func TestLoadExample(t *testing.T) {
	f, err := Load(examplePath)
	if err != nil {
		t.Fatalf("the example does not validate:\n%v", err)
	}
	if got, want := f.Summary(), "ok: 2 managers (8 tasks), 1 pool (2 tasks), 4 pollers"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	abs, _ := filepath.Abs(filepath.Dir(examplePath))
	if f.Dir != abs || f.Managers[0].Tasks[0].Dir != abs {
		t.Errorf("dirs = %q, %q; want %q", f.Dir, f.Managers[0].Tasks[0].Dir, abs)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a missing file = %v, want fs.ErrNotExist", err)
	}
	var list ErrorList
	if errors.As(err, &list) {
		t.Errorf("a read error must not be an ErrorList")
	}
}

func TestSummaryPlural(t *testing.T) {
	f := mustParse(t, "s.yaml", "managers:\n  a:\n    tasks: [{name: x, command: [x]}]\npools:\n  p: {}\npollers:\n  q: {period: 1s, command: [q]}\n")
	if got, want := f.Summary(), "ok: 1 manager (1 task), 1 pool (0 tasks), 1 poller"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

// readExample returns the example file's bytes, for seeds and benchmarks.
func readExample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

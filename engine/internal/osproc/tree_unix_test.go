//go:build linux || darwin || freebsd

package osproc

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// syncBuffer is an io.Writer safe to read while a drain writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start starts script with sh -c and fails the test on error.
func start(t *testing.T, script string, out *syncBuffer) *Tree {
	t.Helper()
	tr, err := Start(Spec{Argv: []string{"sh", "-c", script}, Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// eventually polls cond until it holds, failing after 10s. Real children
// cannot run under synctest; the deadline only bounds a broken run.
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

func TestWaitReports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, script string
		err          string // "" for nil
		code         int
		signal       string
		stdout       string
		stderr       string
	}{
		{"clean exit", `echo out; echo err >&2; printf partial`, "", 0, "", "out\npartial", "err\n"},
		{"exit code", `exit 3`, "exit status 3", 3, "", "", ""},
		{"signal", `kill -USR1 $$`, "signal: user defined signal 1", -1, "SIGUSR1", "", ""},
		{"killed", `kill -KILL $$`, "signal: killed", -1, "SIGKILL", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr syncBuffer
			tr, err := Start(Spec{Argv: []string{"sh", "-c", tt.script}, Stdout: &stdout, Stderr: &stderr})
			if err != nil {
				t.Fatal(err)
			}
			err = tr.Wait()
			if got := errText(err); got != tt.err {
				t.Errorf("Wait = %q, want %q", got, tt.err)
			}
			var ee *ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Errorf("Wait's error is %T, want *ExitError", err)
			}
			if code, sig := tr.ExitStatus(); code != tt.code || sig != tt.signal {
				t.Errorf("ExitStatus = %d, %q; want %d, %q", code, sig, tt.code, tt.signal)
			}
			if stdout.String() != tt.stdout || stderr.String() != tt.stderr {
				t.Errorf("output %q and %q, want %q and %q", stdout.String(), stderr.String(), tt.stdout, tt.stderr)
			}
			if tr.Signal(SIGTERM) {
				t.Error("a reaped tree took a signal")
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"missing binary", Spec{Argv: []string{"spindle-no-such-binary"}}, `exec: "spindle-no-such-binary": executable file not found in $PATH`},
		{"bad dir", Spec{Argv: []string{"true"}, Dir: "/no/such/dir"}, "chdir /no/such/dir: no such file or directory"},
		{"dir is a file", Spec{Argv: []string{"true"}, Dir: "/etc/passwd"}, "chdir /etc/passwd: not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Start(tt.spec); err == nil || err.Error() != tt.want {
				t.Fatalf("Start = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStartEnvAndDir(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	tr, err := Start(Spec{Argv: []string{"sh", "-c", `echo "$SPINDLE_X $(pwd)"`}, Dir: "/tmp", Env: []string{"SPINDLE_X=42"}, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Wait(); err != nil || out.String() != "42 /tmp\n" {
		t.Fatalf("Wait = %v, output %q", err, out.String())
	}
}

func TestSignalStopsAndContinuesTheGroup(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	tr := start(t, `sleep 1000 & echo ready; wait`, &out)
	eventually(t, "ready", func() bool { return strings.Contains(out.String(), "ready") })
	if !tr.Signal(SIGSTOP) {
		t.Fatal("SIGSTOP not delivered")
	}
	eventually(t, "the group stopped", func() bool {
		stopped := 0
		for _, p := range groupOf(t, tr.Pid()) {
			if p.State == 'T' {
				stopped++
			}
		}
		return stopped == 2
	})
	tr.Signal(SIGCONT)
	tr.Signal(SIGKILL)
	if err := tr.Wait(); err == nil || err.Error() != "signal: killed" {
		t.Fatalf("Wait = %v", err)
	}
	if left := groupOf(t, tr.Pid()); len(left) > 0 {
		t.Fatalf("left in the group: %v", left)
	}
}

// groupOf returns the live processes in group pgid.
func groupOf(t *testing.T, pgid int) []Proc {
	t.Helper()
	procs, err := List()
	if err != nil {
		t.Fatal(err)
	}
	var out []Proc
	for _, p := range procs {
		if p.Pgid == pgid && p.State != 'Z' {
			out = append(out, p)
		}
	}
	return out
}

func TestListFindsItself(t *testing.T) {
	procs, err := List()
	if err != nil {
		t.Fatal(err)
	}
	self := unix.Getpid()
	for _, p := range procs {
		if p.Pid == self {
			if p.Ppid != unix.Getppid() || p.Pgid != unix.Getpgrp() {
				t.Fatalf("self: %+v", p)
			}
			return
		}
	}
	t.Fatalf("pid %d not in %d processes", self, len(procs))
}

func TestCallersOwnChildIsLeftToIt(t *testing.T) {
	t.Parallel()
	// A child the caller started itself exits; a tree ends and sweeps; the
	// caller still gets its child's exit status.
	own := exec.Command("sh", "-c", "exit 7")
	if err := own.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let it be a zombie before the sweep
	tr := start(t, `(setsid sh -c 'sleep 0.01' &); exit 0`, new(syncBuffer))
	if err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
	var ee *exec.ExitError
	if err := own.Wait(); !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("the caller's own child: %v", err)
	}
}

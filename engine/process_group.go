package engine

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// pipeGrace bounds how long Wait waits for the child's stdout and stderr to
// close once its group is gone: only a descendant that left the group (and so
// escaped the sweep) can still hold them open.
const pipeGrace = 500 * time.Millisecond

// procGroup is one started child: the leader of a process group of its own.
//
// The group is signalled through its id (the leader's pid) only while the
// leader has not been reaped: until then the pid, and so the group id, cannot
// be reused by an unrelated process. wait marks it gone under mu before
// reaping, so a late signal (a stop grace timer, a kill) never reaches a
// stranger.
type procGroup struct {
	cmd *exec.Cmd
	pid int // the leader's pid, which is also the group id

	mu   sync.Mutex // a leaf: taken under Engine.mu, never the other way
	gone bool       // the leader has exited: the group is not signalled again
}

// startGroup starts spec's command in a new process group with stdout and
// stderr going to the given writers. Its error is exec's, unwrapped, so that a
// missing binary reads `exec: "nosuch": executable file not found in $PATH`.
func startGroup(spec ProcessSpec, stdout, stderr io.Writer) (*procGroup, error) {
	if err := checkDir(spec.Dir); err != nil {
		return nil, err
	}
	cmd := exec.Command(spec.Command[0], spec.Command[1:]...)
	cmd.Dir = spec.Dir
	if len(spec.Env) > 0 {
		cmd.Env = append(os.Environ(), spec.Env...)
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = pipeGrace
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &procGroup{cmd: cmd, pid: cmd.Process.Pid}, nil
}

// checkDir returns the error of a chdir to dir, which the child would fail
// with: exec reports that as an error of the binary ("fork/exec /usr/bin/true:
// no such file or directory"), which misleads.
func checkDir(dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &os.PathError{Op: "chdir", Path: dir, Err: err}
	case !fi.IsDir():
		return &os.PathError{Op: "chdir", Path: dir, Err: syscall.ENOTDIR}
	}
	return nil
}

// signal sends sig to the whole group and reports whether the group was still
// there to get it.
func (g *procGroup) signal(sig syscall.Signal) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gone {
		return false
	}
	return unix.Kill(-g.pid, sig) == nil
}

// wait blocks until the leader exits, SIGKILLs what is left of its group (the
// leader, a zombie until reaped, still holds the group id, so nothing else can
// have it), then reaps the leader and waits for its output to drain. It returns
// what exec.Cmd.Wait returns, except that output held open past pipeGrace by a
// process outside the group does not turn a clean exit into an error.
func (g *procGroup) wait() error {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, g.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			break // nil, or ECHILD (never expected): either way Wait knows
		}
	}
	g.mu.Lock()
	_ = unix.Kill(-g.pid, syscall.SIGKILL) // ESRCH: the leader was alone
	g.gone = true
	g.mu.Unlock()
	err := g.cmd.Wait()
	g.awaitGroupGone()
	if errors.Is(err, exec.ErrWaitDelay) && g.cmd.ProcessState != nil && g.cmd.ProcessState.Success() {
		err = nil
	}
	return err
}

// groupGoneWithin bounds how long wait waits for the rest of a killed group to
// die after the leader was reaped.
const groupGoneWithin = 2 * time.Second

// awaitGroupGone waits, briefly, until no live process is left in the group:
// SIGKILL is delivered asynchronously, so a grandchild can still be running for
// a moment after the signal was sent. The group id cannot be reused while any
// member is left, so asking for it is safe. Zombies (waiting for init to reap
// them) no longer run and do not count.
func (g *procGroup) awaitGroupGone() {
	deadline := time.Now().Add(groupGoneWithin)
	for unix.Kill(-g.pid, 0) == nil && time.Now().Before(deadline) {
		live := false
		scanProcs(func(st procStat) {
			live = live || st.pgrp == g.pid && st.state != 'Z' && st.state != 'X'
		})
		if !live {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// exitStatus returns how the reaped leader ended: its exit code (-1 when a
// signal ended it) and the name of that signal ("" when it exited).
func (g *procGroup) exitStatus() (code int, signal string) {
	ps := g.cmd.ProcessState
	if ps == nil {
		return -1, ""
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	switch {
	case !ok:
		return ps.ExitCode(), ""
	case ws.Signaled():
		return -1, unix.SignalName(ws.Signal())
	}
	return ws.ExitStatus(), ""
}

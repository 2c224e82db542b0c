//go:build linux || darwin || freebsd

package osproc

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Supported reports whether Start can run children here.
const Supported = true

// The signals the engine sends (and a task file may name), defined on every
// OS: elsewhere they are never sent, since Start fails first.
const (
	SIGKILL = unix.SIGKILL
	SIGTERM = unix.SIGTERM
	SIGSTOP = unix.SIGSTOP
	SIGCONT = unix.SIGCONT
	SIGUSR1 = unix.SIGUSR1
	SIGUSR2 = unix.SIGUSR2
)

// SignalName returns sig's name, such as "SIGTERM".
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return sig.String()
}

// Tree is one started child, the leader of a session and process group of its
// own, and what descends from it.
//
// The group is signalled through its id (the leader's pid) only while the
// leader has not been reaped: until then the pid, and so the group id, cannot
// be reused by an unrelated process. Wait marks the group gone under mu before
// it reaps the leader, so a late signal (a stop grace timer, a kill) never
// reaches a stranger.
type Tree struct {
	pid int

	mu   sync.Mutex // a leaf: callers may hold their own locks
	gone bool       // the leader has exited: the group is not signalled again

	stdout, stderr *drain
	status         unix.WaitStatus // how the leader ended, once reaped
	reaped         bool

	os treeOS // what the OS keeps per tree (tree_linux.go, tree_bsd.go)
}

// Start starts spec's command as the leader of a new session and process
// group, with its output copied to spec's writers. Its error is exec's,
// unwrapped, so that a missing binary reads `exec: "nosuch": executable file
// not found in $PATH`.
func Start(spec Spec) (*Tree, error) {
	if err := checkDir(spec.Dir); err != nil {
		return nil, err
	}
	if len(spec.Argv) == 0 {
		return nil, errors.New("no command")
	}
	t := &Tree{}
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Dir = spec.Dir
	if env := t.os.prepare(t, spec.Env); len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = sysProcAttr()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.os.abandon(t)
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		t.os.abandon(t)
		return nil, err
	}
	// *os.File outputs go to the child as they are: no copying goroutine of
	// exec's, and no exec.Cmd.Wait (which would block an OS thread).
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		t.os.abandon(t)
		return nil, err
	}
	// From here the tree reaps its leader itself (Wait): the Process lets go
	// of what it holds (on Linux, a pidfd).
	t.os.started(t, cmd.Process)
	t.stdout, t.stderr = startDrain(outR, spec.Stdout), startDrain(errR, spec.Stderr)
	return t, nil
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

// Pid returns the leader's pid, which is also its group and session id.
func (t *Tree) Pid() int { return t.pid }

// Signal sends sig to the leader's process group and, where the OS lets the
// tree find them (Linux), to every descendant that left the group. It reports
// whether the group was still there to get it: false once the leader has
// exited.
func (t *Tree) Signal(sig syscall.Signal) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.gone {
		return false
	}
	ok := unix.Kill(-t.pid, sig) == nil
	t.os.signalOthers(t, sig)
	return ok
}

// Wait blocks until the leader exits, without an OS thread of its own where
// the OS allows (a pidfd on the runtime's poller on Linux, one kqueue for every
// child on macOS and FreeBSD). Then it SIGKILLs what is left of the tree (the
// leader, a zombie until reaped, still holds the group id, so nothing else can
// have it), reaps the leader and waits for its output to drain. It returns nil
// for a clean exit and an *ExitError otherwise; output held open past
// pipeGrace by a process out of reach does not turn a clean exit into an
// error.
func (t *Tree) Wait() error {
	t.os.awaitExit(t)
	t.mu.Lock()
	_ = unix.Kill(-t.pid, unix.SIGKILL) // ESRCH: the leader was alone
	t.gone = true
	t.mu.Unlock()
	t.os.sweep(t)

	var ws unix.WaitStatus
	err := t.os.reap(t, &ws)
	t.os.forget(t)
	t.stdout.finish()
	t.stderr.finish()
	if err != nil {
		return &os.SyscallError{Syscall: "wait4", Err: err}
	}
	t.status, t.reaped = ws, true
	if ws.Exited() && ws.ExitStatus() == 0 {
		return nil
	}
	return &ExitError{Status: ws}
}

// ExitStatus returns how the reaped leader ended: its exit code (-1 when a
// signal ended it, or before Wait returned) and the name of that signal ("" when
// it exited).
func (t *Tree) ExitStatus() (code int, signal string) {
	switch {
	case !t.reaped:
		return -1, ""
	case t.status.Signaled():
		return -1, SignalName(t.status.Signal())
	}
	return t.status.ExitStatus(), ""
}

// ExitError is how a leader that did not exit 0 ended. Its text is exec's:
// "exit status 3", "signal: killed".
type ExitError struct {
	Status unix.WaitStatus
}

// Error renders the status the way os.ProcessState does.
func (e *ExitError) Error() string {
	ws := e.Status
	var s string
	switch {
	case ws.Exited():
		s = "exit status " + itoa(ws.ExitStatus())
	case ws.Signaled():
		s = "signal: " + ws.Signal().String()
	default:
		s = "exit status unknown"
	}
	if ws.CoreDump() {
		s += " (core dumped)"
	}
	return s
}

// ignoringEINTR calls fn until it fails with something other than EINTR.
func ignoringEINTR(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != unix.EINTR {
			return n, err
		}
	}
}

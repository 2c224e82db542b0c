package osproc

import (
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// treeOS is what Linux keeps per tree: its number in the family (and so in
// the marker its processes carry) and a pidfd of the leader.
type treeOS struct {
	id    uint64
	pidfd *os.File // on the runtime's poller; nil where pidfds do not work
}

// sysProcAttr starts a leader in a session (and group) of its own. Pdeathsig
// is the last resort if this process dies without running anything (SIGKILL):
// Linux ties it to the thread that started the child, and Go only ends a
// thread when a goroutine exits while locked to it (runtime.LockOSThread).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
}

// prepare numbers the tree and returns env with its marker added: every
// descendant inherits it unless it replaces its environment.
func (o *treeOS) prepare(t *Tree, env []string) []string {
	fam.init()
	fam.register(t)
	return append(slices.Clip(env), markerKey+"="+fam.marker(o.id))
}

// abandon is prepare undone, for a child that did not start.
func (o *treeOS) abandon(t *Tree) { fam.abandon(t) }

// started opens a pidfd of the new leader (its pid is ours until we reap it,
// so the pidfd is its), records it in the family and lets p, which holds a
// pidfd of its own, go. No child is reaped meanwhile (reapMu): a zombie
// leader is never without a pidfd of this process's, which tells it from an
// orphan to reap.
func (o *treeOS) started(t *Tree, p *os.Process) {
	fam.reapMu.Lock()
	defer fam.reapMu.Unlock()
	pid := p.Pid
	if fd, err := unix.PidfdOpen(pid, 0); err == nil {
		if unix.SetNonblock(fd, true) == nil {
			o.pidfd = os.NewFile(uintptr(fd), "pidfd:"+strconv.Itoa(pid))
		} else {
			unix.Close(fd)
		}
	}
	fam.started(t, pid, o.pidfd != nil)
	_ = p.Release()
}

// awaitExit blocks until the leader has exited (it is a zombie, unreaped).
func (o *treeOS) awaitExit(t *Tree) {
	if o.pidfd != nil && awaitPidfd(o.pidfd, time.Time{}) {
		return
	}
	// No pidfd (a kernel before 5.3, a seccomp filter): a blocking waitid,
	// which holds an OS thread while the child runs.
	_, _ = ignoringEINTR(func() (int, error) {
		var info unix.Siginfo
		return 0, unix.Waitid(unix.P_PID, t.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
	})
}

// awaitPidfd waits until the process of pidfd f has exited (a pidfd is
// readable then), or until deadline (zero: none). It reports whether it saw
// the exit.
func awaitPidfd(f *os.File, deadline time.Time) bool {
	if !deadline.IsZero() {
		_ = f.SetReadDeadline(deadline)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	exited := false
	err = rc.Read(func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := ignoringEINTR(func() (int, error) { return unix.Poll(fds, 0) })
		exited = err == nil && n > 0
		return exited || err != nil // a failed poll: stop, not seen
	})
	return err == nil && exited
}

// signalOthers sends sig to every descendant of the tree outside the leader's
// group (which Signal has signalled): those that left it (setsid, setpgid, a
// job of `set -m`) and those adopted by this process after their parent died.
func (o *treeOS) signalOthers(t *Tree, sig syscall.Signal) {
	byTree, _ := fam.children(func(id uint64) bool { return id == o.id })
	kids := byTree[o.id]
	roots := make([]proc, 0, len(kids)+1)
	roots = append(roots, proc{pid: t.pid})
	for _, k := range kids {
		if k.pgrp != t.pid {
			_ = unix.PidfdSendSignal(k.fd, sig, nil, 0)
		}
		roots = append(roots, k.proc)
	}
	for _, d := range descendants(roots) {
		fam.adopt(d, o.id) // so it is told for ours once adopted
		if d.pgrp != t.pid {
			signalProc(d, sig)
		}
	}
	closeKids(kids)
}

// sweepWithin bounds how long a sweep waits for what it killed to die: SIGKILL
// cannot be ignored, but a process in uninterruptible sleep dies when it wakes.
const sweepWithin = 5 * time.Second

// sweep kills and reaps what is left of the tree once its leader has exited
// and its group has been SIGKILLed. Every live descendant of an exited leader
// is in the subtree of a child this process adopted (it is their subreaper),
// so the sweep kills each such child of the tree's and everything under it,
// reaps the child, and starts again with what that adopted in turn, until
// none is left. Children of trees that have ended are swept too (two sweeps
// may both take one: it is killed and reaped through a pidfd, so whichever
// comes second finds nothing to do).
func (o *treeOS) sweep(t *Tree) {
	deadline := time.Now().Add(sweepWithin)
	for time.Now().Before(deadline) {
		byTree, reaped := fam.children(func(id uint64) bool { return id == o.id || fam.ended(id) })
		var kids []kid
		for _, ks := range byTree {
			for _, k := range ks {
				if k.fd >= 0 { // pinned: this tree's, or an ended one's
					kids = append(kids, k)
				}
			}
		}
		if len(kids) == 0 && !reaped {
			return
		}
		roots := make([]proc, len(kids))
		for i, k := range kids {
			roots[i] = k.proc
		}
		for _, d := range descendants(roots) {
			fam.adopt(d, o.id) // so it is told for ours once adopted, dying
			signalProc(d, unix.SIGKILL)
		}
		for _, k := range kids {
			_ = unix.PidfdSendSignal(k.fd, unix.SIGKILL, nil, 0)
		}
		for _, k := range kids {
			fam.reap(k, deadline) // and closes its pidfd
		}
	}
}

// closeKids closes the pidfds of kids.
func closeKids(kids []kid) {
	for _, k := range kids {
		if k.fd >= 0 {
			unix.Close(k.fd)
		}
	}
}

// reap reaps the leader, which has exited.
func (o *treeOS) reap(t *Tree, ws *unix.WaitStatus) error { return fam.reapLeader(t, ws) }

// forget drops the tree from the family once its leader is reaped.
func (o *treeOS) forget(t *Tree) {
	fam.remove(t)
	if o.pidfd != nil {
		o.pidfd.Close()
	}
}

// proc is a process found in /proc: enough (its start, to the clock tick,
// and its parent) to tell it from a later process with the same pid.
type proc struct {
	pid, ppid int
	start     uint64
	pgrp      int
	state     byte
}

func (p proc) alive() bool { return p.state != 'Z' && p.state != 'X' }

// descendants returns every live descendant of roots (not the roots).
func descendants(roots []proc) []proc {
	if len(roots) == 0 {
		return nil
	}
	var out []proc
	var buf statBuf
	queue := make([]int, 0, len(roots))
	for _, r := range roots {
		queue = append(queue, r.pid)
	}
	var byParent map[int][]int // when the kernel has no children files
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		kids, ok := childrenOf(pid)
		if !ok {
			if byParent == nil {
				byParent = make(map[int][]int)
				scanAll(func(st procStat) { byParent[st.ppid] = append(byParent[st.ppid], st.pid) })
			}
			kids = byParent[pid]
		}
		for _, kid := range kids {
			st, ok := readStat(kid, &buf)
			if !ok || st.ppid != pid {
				continue // gone, or moved
			}
			if st.alive() {
				out = append(out, proc{pid: st.pid, ppid: st.ppid, start: st.start, pgrp: st.pgrp, state: st.state})
			}
			queue = append(queue, kid)
		}
	}
	return out
}

// signalProc sends sig to p unless its pid now names another process: it
// takes a pidfd (which cannot change hands) and checks that the process it
// refers to started when p did and has p's parent (a process that took the
// pid since, within the same clock tick, with the same parent, descends from
// the same tree).
func signalProc(p proc, sig syscall.Signal) {
	same := func() bool {
		st, ok := readStat(p.pid, new(statBuf))
		return ok && st.start == p.start && st.ppid == p.ppid
	}
	fd, err := unix.PidfdOpen(p.pid, 0)
	if err != nil {
		if (err == unix.ENOSYS || err == unix.EPERM) && same() {
			_ = unix.Kill(p.pid, sig)
		}
		return
	}
	defer unix.Close(fd)
	if !same() {
		return
	}
	_ = unix.PidfdSendSignal(fd, sig, nil, 0)
}
